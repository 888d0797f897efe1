from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from xinye.accounts.permissions import has_action, in_scope, restrict
from xinye.guidance.admin import ScopedAdmin
from xinye.orglife.models import Attendance, Meeting, MeetingPhoto, MeetingRule, OnlineGroup
from xinye.orgs.choices import PARTY_ORG_KINDS
from xinye.orgs.models import OrgUnit


class _ScopedInline(admin.TabularInline):
    extra = 0

    def has_view_permission(self, request, obj=None):
        return has_action(request.user, "view", self.model)

    def has_add_permission(self, request, obj=None):
        return has_action(request.user, "add", self.model) and (
            obj is None or in_scope(request.user, "change", obj)
        )

    def has_change_permission(self, request, obj=None):
        return has_action(request.user, "change", self.model) and (
            obj is None or in_scope(request.user, "change", obj)
        )

    def has_delete_permission(self, request, obj=None):
        return has_action(request.user, "delete", self.model) and (
            obj is None or in_scope(request.user, "change", obj)
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if getattr(related, "scope", None) is not None:
            kwargs["queryset"] = restrict(related._default_manager.all(), request.user, "view")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AttendanceForm(forms.ModelForm):
    class Meta:
        model = Attendance
        fields = ["member", "status", "reason", "online"]

    def clean(self):
        data = super().clean()
        if data.get("status") and data["status"] != "present" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("请假或缺席须写明原因"))
        return data


class AttendanceInline(_ScopedInline):
    model = Attendance
    form = AttendanceForm
    fields = ["member", "status", "reason", "online"]


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "unit",
            "kind",
            "date",
            "topic",
            "place",
            "is_online",
            "online_group",
            "online_link",
            "minutes",
        ]

    def clean(self):
        data = super().clean()
        online = data.get("is_online") or data.get("online_group")
        if not online and not (data.get("place") or "").strip():
            self.add_error("place", _("请填写会议地点，或选择线上召开"))
        group, unit = data.get("online_group"), data.get("unit")
        if group and unit and group.unit_id != unit.pk:
            self.add_error("online_group", _("网络党小组不属于该党组织"))
        return data


class PhotoInline(_ScopedInline):
    model = MeetingPhoto
    fields = ["file", "caption"]


def _party_units(request):
    return restrict(OrgUnit.objects.filter(kind__in=PARTY_ORG_KINDS), request.user, "view")


@admin.register(Meeting)
class MeetingAdmin(ScopedAdmin):
    form = MeetingForm
    list_display = ["date", "kind", "topic", "unit", "is_online", "attendance_text", "quorum_flag"]
    list_filter = ["kind", "is_online", "quorum_met", "region", "industry"]
    search_fields = ["topic", "unit__name"]
    date_hierarchy = "date"
    list_select_related = ["unit"]
    fields = [
        "unit",
        "kind",
        "date",
        "topic",
        "place",
        "is_online",
        "online_group",
        "online_link",
        "minutes",
        "quorum_text",
    ]
    readonly_fields = ["quorum_text"]
    inlines = [AttendanceInline, PhotoInline]
    nav_icon = "groups"

    @admin.display(description=_("出席"))
    def attendance_text(self, obj):
        return f"{obj.present}/{obj.expected}" if obj.expected else "—"

    @admin.display(description=_("法定人数"), boolean=True)
    def quorum_flag(self, obj):
        return obj.quorum_met

    @admin.display(description=_("法定人数核验"))
    def quorum_text(self, obj):
        return obj.quorum_note or "—"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = _party_units(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        from xinye.orglife.services import check_quorum

        check_quorum(form.instance)


class OnlineGroupForm(forms.ModelForm):
    class Meta:
        model = OnlineGroup
        fields = ["unit", "name", "platform", "link", "leader", "members", "is_active"]

    def clean(self):
        data = super().clean()
        unit = data.get("unit")
        if unit is not None:
            outside = [m for m in data.get("members") or [] if not m.unit.path.startswith(unit.path)]
            leader = data.get("leader")
            if leader is not None and not leader.unit.path.startswith(unit.path):
                outside.append(leader)
            if outside:
                names = _("、").join(str(m) for m in outside)
                raise forms.ValidationError(
                    _("%(names)s 不是%(unit)s的党员，不能加入其网络党小组")
                    % {"names": names, "unit": unit.name}
                )
        return data


@admin.register(OnlineGroup)
class OnlineGroupAdmin(ScopedAdmin):
    form = OnlineGroupForm
    list_display = ["name", "unit", "platform", "member_count", "is_active"]
    list_filter = ["platform", "is_active", "industry"]
    search_fields = ["name", "unit__name"]
    list_select_related = ["unit"]
    fields = ["unit", "name", "platform", "link", "leader", "members", "is_active"]
    filter_horizontal = ["members"]
    nav_icon = "forum"

    @admin.display(description=_("成员数"))
    def member_count(self, obj):
        return obj.members.count()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = _party_units(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(MeetingRule)
class MeetingRuleAdmin(ScopedAdmin):
    list_display = ["kind", "period", "min_count", "condition", "source", "is_active"]
    list_editable = []
    fields = ["kind", "period", "min_count", "condition", "source", "is_active"]
    nav_icon = "event_repeat"

    def has_add_permission(self, request):
        from xinye.orglife.services import can_edit_rules

        return can_edit_rules(request.user)

    def has_change_permission(self, request, obj=None):
        from xinye.orglife.services import can_edit_rules

        return can_edit_rules(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # switch a rule off instead (is_active), so past health checks stay explainable
