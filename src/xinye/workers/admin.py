from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from xinye.console.admin import ReadOnlyInline, ScopedAdmin
from xinye.orgs.services import require_citywide
from xinye.workers import services
from xinye.workers.models import Consent, PrivacyNotice, Worker


class ConsentInline(ReadOnlyInline):
    model = Consent
    fields = ["notice", "kind", "given_at", "withdrawn_at"]


@admin.register(Worker)
class WorkerAdmin(ScopedAdmin):
    """Registered workers, seen by the community they registered with. Phone and ID masked by default.
    The station they registered at is held by the stations app (`stations.StationRegistration`) and shown
    here read-only; this admin is a face, so it may read it."""

    nav_icon = "badge"
    list_display = [
        "__str__",
        "occupation",
        "enterprise_name",
        "unit",
        "registration_station",
        "region",
        "registered_at",
    ]
    list_select_related = ["unit", "region", "station_registration__station"]
    list_filter = ["occupation", "region"]
    search_fields = ["name", "enterprise_name"]
    fields = [
        "name",
        "phone",
        "occupation",
        "enterprise_name",
        "id_number",
        "unit",
        "region",
        "registration_station",
        "practitioner",
        "registered_at",
        "created_at",
        "last_seen_at",
    ]
    readonly_fields = ["practitioner", "registered_at", "created_at", "last_seen_at", "registration_station"]
    inlines = [ConsentInline]

    def has_add_permission(self, request):
        return False  # workers sign themselves up on the portal

    @admin.display(description=_("备案服务站"), ordering="station_registration__station__name")
    def registration_station(self, obj):
        registration = getattr(obj, "station_registration", None)
        return registration.station if registration else "—"


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(ScopedAdmin):
    """Published notice versions; a new version makes every worker consent again."""

    nav_icon = "policy"
    list_display = ["title", "kind", "version", "published_at"]

    def has_change_permission(self, request, obj=None):
        # a published version is a record of what people agreed to: never edited, superseded instead
        return super().has_change_permission(request, obj) and (obj is None or obj.published_at is None)

    def has_delete_permission(self, request, obj=None):
        return False

    def validate_object(self, actor, obj, change):
        require_citywide(actor=actor, action="add", model=PrivacyNotice)

    def save_object(self, actor, obj, form, change):
        return services.publish_notice(
            actor=actor,
            kind=obj.kind,
            version=obj.version,
            title=obj.title,
            text=obj.text,
            published_at=obj.published_at,
        )
