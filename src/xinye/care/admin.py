"""Console: the service catalogue (offers with their sessions) and the sign-ups."""

from django.contrib import admin
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from xinye.care import services
from xinye.care.filters import OFFER_FILTERS, SESSION_FILTERS
from xinye.care.models import ServiceOffer, ServiceSession, ServiceSignup
from xinye.console.admin import ReadOnlyInline
from xinye.console.admin import ScopedAdmin as _ScopedAdmin
from xinye.core.filters import FilteredAdmin


class ScopedAdmin(_ScopedAdmin):
    """Out of scope (or no view grant) is a 404 before any permission check: a 403 would confirm existence."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.get_object(request, object_id) is None:
            raise Http404(_("对象不存在或不在您的管辖范围内"))
        return super().change_view(request, object_id, form_url, extra_context)


class SessionInline(ReadOnlyInline):
    model = ServiceSession
    fields = ("starts_at", "ends_at", "place", "capacity", "is_cancelled")


@admin.register(ServiceOffer)
class ServiceOfferAdmin(FilteredAdmin, ScopedAdmin):
    nav_icon = "volunteer_activism"
    list_display = ("title", "kind", "unit", "region", "station", "phone", "hours", "is_active")
    filters = OFFER_FILTERS
    list_select_related = ("unit", "region", "station")
    readonly_fields = ("region",)
    fields = (
        "kind",
        "title",
        "unit",
        "region",
        "station",
        "contact",
        "phone",
        "address",
        "latitude",
        "longitude",
        "hours",
        "details",
        "valid_from",
        "valid_until",
        "is_active",
    )
    raw_id_fields = ("station",)
    inlines = [SessionInline]

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        services.clean_offer(
            kind=obj.kind,
            valid_from=obj.valid_from,
            valid_until=obj.valid_until,
            station=obj.station,
            unit=obj.unit if obj.unit_id else None,
        )

    def save_object(self, actor, obj, form, change):
        return services.save_offer(obj, actor=actor)

    def delete_object(self, actor, obj):
        services.delete_offer(obj, actor=actor)


class SignupInline(ReadOnlyInline):
    model = ServiceSignup
    fields = ("worker", "status", "signed_up_at")


@admin.register(ServiceSession)
class ServiceSessionAdmin(FilteredAdmin, ScopedAdmin):
    nav_icon = "event"
    list_display = ("offer", "starts_at", "ends_at", "place", "capacity", "taken", "is_cancelled")
    filters = SESSION_FILTERS
    list_select_related = ("offer",)
    fields = ("offer", "starts_at", "ends_at", "place", "capacity", "note", "is_cancelled")
    raw_id_fields = ("offer",)
    inlines = [SignupInline]

    @admin.display(description=_("已报名"))
    def taken(self, obj):
        return obj.taken

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        services.clean_session(
            offer=obj.offer if obj.offer_id else None,
            starts_at=obj.starts_at,
            ends_at=obj.ends_at,
            capacity=obj.capacity,
        )

    def save_object(self, actor, obj, form, change):
        return services.save_session(obj, actor=actor)

    def delete_object(self, actor, obj):
        services.delete_session(obj, actor=actor)


@admin.register(ServiceSignup)
class ServiceSignupAdmin(ScopedAdmin):
    nav_icon = "how_to_reg"
    list_display = ("worker", "session", "status", "signed_up_at")
    list_filter = ("status", "session__offer__kind")
    readonly_fields = ("worker", "session", "status", "signed_up_at")

    def has_add_permission(self, request):
        return False  # workers sign up on the portal

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a cancelled sign-up stays as a record
