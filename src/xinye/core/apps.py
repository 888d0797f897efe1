from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Small shared pieces (crypto, masking, validators, geo, the rules helper, bulk writes): the bottom floor."""

    name = "xinye.core"
    verbose_name = "基础"

    def ready(self):
        from xinye.core import textsearch  # noqa: F401  (registers the `has_text` lookup)
