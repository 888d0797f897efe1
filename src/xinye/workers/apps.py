from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkersConfig(AppConfig):
    """The worker identity (从业人员用户) and privacy record, below the apps that point at a worker."""

    name = "xinye.workers"
    pillar = "role"
    verbose_name = _("从业人员用户")

    def ready(self):
        from django.db.models.signals import post_save

        from xinye.workers.models import PrivacyNotice
        from xinye.workers.services import forget_current_notices

        def forget_notices(sender, instance, **kwargs):
            forget_current_notices()

        post_save.connect(
            forget_notices, sender=PrivacyNotice, weak=False, dispatch_uid="workers_current_notice"
        )
