from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "xinye.portal"
    pillar = "role"
    verbose_name = _("作用发挥 · 从业人员")
    tick = "xinye.portal.sms.tick"  # sends the sign-in codes the SMS gateway did not take

    def ready(self):
        from django.db.models.signals import post_save

        from xinye.portal import pagecache
        from xinye.stations.models import Station

        def forget_station_page(sender, instance, **kwargs):
            # this process's cached anonymous page; other processes expire it within the cache time
            pagecache.forget(instance.code)

        post_save.connect(forget_station_page, sender=Station, weak=False, dispatch_uid="portal_station_page")
