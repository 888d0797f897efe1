"""Console: volunteers, activities (with sign-ups and attendance), the hours ledger."""

from django.contrib import admin, messages
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from xinye.console.admin import ReadOnlyInline
from xinye.console.admin import ScopedAdmin as _ScopedAdmin
from xinye.core.errors import Refused
from xinye.core.filters import FilteredAdmin
from xinye.volunteers import services
from xinye.volunteers.filters import ACTIVITY_FILTERS, PROFILE_FILTERS
from xinye.volunteers.models import VolunteerActivity, VolunteerHours, VolunteerProfile, VolunteerSignup


class ScopedAdmin(_ScopedAdmin):
    """Out of scope (or no view grant) is a 404 before any permission check: a 403 would confirm existence."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.get_object(request, object_id) is None:
            raise Http404(_("对象不存在或不在您的管辖范围内"))
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(VolunteerProfile)
class VolunteerProfileAdmin(FilteredAdmin, ScopedAdmin):
    nav_icon = "volunteer_activism"
    list_display = ("worker", "unit", "region", "industry", "skills", "is_active", "joined_at")
    filters = PROFILE_FILTERS
    readonly_fields = ("worker", "region", "industry", "joined_at")
    fields = ("worker", "unit", "region", "industry", "skills", "is_active", "joined_at")

    def has_add_permission(self, request):
        return False  # volunteers register themselves on the portal (从备案)


class SignupInline(ReadOnlyInline):
    model = VolunteerSignup
    fields = ("profile", "status", "signed_up_at", "confirmed_at", "confirmed_by")


@admin.register(VolunteerActivity)
class VolunteerActivityAdmin(FilteredAdmin, ScopedAdmin):
    nav_icon = "event"
    list_display = ("title", "category", "unit", "starts_at", "place", "capacity", "status")
    filters = ACTIVITY_FILTERS
    fields = (
        "title",
        "category",
        "unit",
        "station",
        "place",
        "starts_at",
        "ends_at",
        "capacity",
        "hours",
        "description",
        "status",
    )
    raw_id_fields = ("station",)
    inlines = [SignupInline]

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        services.clean_activity(
            category=obj.category, starts_at=obj.starts_at, ends_at=obj.ends_at, capacity=obj.capacity
        )

    def save_object(self, actor, obj, form, change):
        return services.save_activity(obj, actor=actor)


@admin.register(VolunteerSignup)
class VolunteerSignupAdmin(ScopedAdmin):
    nav_icon = "how_to_reg"
    list_display = ("profile", "activity", "status", "signed_up_at", "confirmed_at")
    list_filter = ("status", "activity__category")
    readonly_fields = ("profile", "activity", "status", "signed_up_at", "confirmed_at", "confirmed_by")
    actions = ["confirm_attended", "confirm_absent"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("确认参加（计入志愿时长）"))
    def confirm_attended(self, request, queryset):
        self._confirm(request, queryset, True)

    @admin.action(description=_("确认未到"))
    def confirm_absent(self, request, queryset):
        self._confirm(request, queryset, False)

    def _confirm(self, request, queryset, attended):
        done = 0
        for signup in queryset.select_related("activity"):
            try:
                services.confirm_attendance(signup, actor=request.user, attended=attended)
                done += 1
            except Refused as exc:
                self.message_user(
                    request,
                    _("%(object)s：%(error)s") % {"object": signup, "error": "；".join(exc.messages)},
                    messages.ERROR,
                )
        self.message_user(request, _("已确认 %(count)s 条") % {"count": done})


@admin.register(VolunteerHours)
class VolunteerHoursAdmin(ScopedAdmin):
    nav_icon = "schedule"
    list_display = ("profile", "activity", "hours", "recorded_at", "recorded_by")
    list_filter = ("activity__category",)
    readonly_fields = ("profile", "activity", "signup", "unit", "hours", "note", "recorded_by", "recorded_at")

    def has_add_permission(self, request):
        return False
