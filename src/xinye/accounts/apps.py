from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "xinye.accounts"
    pillar = "system"
    verbose_name = _("账号与权限")

    def ready(self):
        from django.db.models.signals import post_migrate

        from xinye.accounts import signals  # noqa: F401
        from xinye.accounts.permissions import system_actor
        from xinye.accounts.services import sync_builtin_roles

        post_migrate.connect(
            lambda **kw: sync_builtin_roles(actor=system_actor("migrate")), sender=self, weak=False
        )
