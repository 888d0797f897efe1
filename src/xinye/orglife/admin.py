"""Console for meetings, online groups and the meeting rules. Writes go through orglife.services (the
admins' save_object hooks, and the attendance inline through `set_attendance`); forms validate through the
services' pure checks (`clean_meeting`, `clean_attendance`, `clean_group`)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from xinye.accounts import writes
from xinye.accounts.permissions import has_action, in_scope, restrict
from xinye.console.admin import ScopedAdmin
from xinye.core.errors import OutOfScope
from xinye.core.filters import FilteredAdmin
from xinye.orglife import services
from xinye.orglife.choices import AttendanceStatus
from xinye.orglife.filters import GROUP_FILTERS, MEETING_FILTERS
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
        if data.get("member") and data.get("status"):
            # the reason rule of services.clean_attendance; membership is checked when the rows are saved
            row = (data["member"], data["status"], data.get("reason") or "", data.get("online", False))
            try:
                services.clean_attendance(None, [row])
            except forms.ValidationError as exc:
                self.add_error("reason", exc.messages)
        return data


def meeting_unit(request):
    """The organisation a new meeting is for, when the page can tell: `?unit=` (one the user may see), else the
    user's only party organisation (a 支部书记's own)."""
    units = _party_units(request)
    chosen = request.GET.get("unit", "")
    if chosen.isdigit():
        return units.filter(pk=int(chosen)).first()
    only = list(units[:2])
    return only[0] if len(only) == 1 else None


def prefilled_members(request, obj):
    """On a new meeting's page, its organisation's members, to be marked present by default (issue 17: tick
    who was absent, not one click and two drop-downs per member)."""
    if (obj is not None and obj.pk is not None) or request.method != "GET":  # the add view passes a new one
        return []
    unit = meeting_unit(request)
    if unit is None:
        return []
    return list(services.org_members(unit).order_by("practitioner__name", "pk"))


class AttendanceInline(_ScopedInline):
    model = Attendance
    form = AttendanceForm
    fields = ["member", "status", "reason", "online"]

    def get_extra(self, request, obj=None, **kwargs):
        members = prefilled_members(request, obj)
        return len(members) if members else super().get_extra(request, obj, **kwargs)


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


class PhotoInline(_ScopedInline):
    model = MeetingPhoto
    fields = ["file", "caption"]


def _party_units(request):
    return restrict(OrgUnit.objects.filter(kind__in=PARTY_ORG_KINDS), request.user, "view")


@admin.register(Meeting)
class MeetingAdmin(FilteredAdmin, ScopedAdmin):
    form = MeetingForm
    list_display = ["date", "kind", "topic", "unit", "is_online", "attendance_text", "quorum_flag"]
    filters = MEETING_FILTERS
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

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "unit"] if obj is not None else fields  # attendance belongs to the organisation

    def get_changeform_initial_data(self, request):
        data = super().get_changeform_initial_data(request)
        unit = meeting_unit(request)
        if unit is not None:
            data["unit"] = unit.pk  # the secretary's only organisation, preselected
        return data

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, AttendanceInline):
            members = prefilled_members(request, obj)
            if members:
                kwargs["initial"] = [{"member": m.pk, "status": AttendanceStatus.PRESENT} for m in members]
        return kwargs

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        services.clean_meeting(obj)

    def save_object(self, actor, obj, form, change):
        fields = {f: getattr(obj, f) for f in services.MEETING_FIELDS}
        if change:
            return services.update_meeting(obj, actor=actor, **fields)
        return services.record_meeting(actor=actor, unit=obj.unit, **fields)

    def save_formset(self, request, form, formset, change):
        meeting = form.instance
        if formset.model is Attendance:
            rows = [
                (f.cleaned_data["member"], f.cleaned_data["status"], f.cleaned_data.get("reason") or "")
                + (f.cleaned_data.get("online", False),)
                for f in formset.forms
                if f.cleaned_data.get("member") and not f.cleaned_data.get("DELETE")
            ]
            services.set_attendance(meeting, rows, actor=request.user)
            # the admin's change message reads these (the service wrote the rows, not the formset)
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        for photo in formset.save(commit=False):
            photo.meeting = meeting
            writes.save(photo, actor=request.user)
        for photo in formset.deleted_objects:
            writes.delete(photo, actor=request.user)


class OnlineGroupForm(forms.ModelForm):
    class Meta:
        model = OnlineGroup
        fields = ["unit", "name", "platform", "link", "leader", "members", "is_active"]

    def clean(self):
        data = super().clean()
        # Not on the instance until saved: carried for the admin's validate_object (services.clean_group).
        self.instance.chosen_members = list(data.get("members") or [])
        return data


@admin.register(OnlineGroup)
class OnlineGroupAdmin(FilteredAdmin, ScopedAdmin):
    form = OnlineGroupForm
    list_display = ["name", "unit", "platform", "member_count", "is_active"]
    filters = GROUP_FILTERS
    list_select_related = ["unit"]
    fields = ["unit", "name", "platform", "link", "leader", "members", "is_active"]
    autocomplete_fields = ["members"]  # a searchable picker, not a two-pane selector of every member in scope
    nav_icon = "forum"

    @admin.display(description=_("成员数"))
    def member_count(self, obj):
        return obj.members.count()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = _party_units(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        services.clean_group(obj.unit, getattr(obj, "chosen_members", []), obj.leader)

    def save_object(self, actor, obj, form, change):
        members = form.cleaned_data.get("members") or []
        if not change:
            group = services.create_online_group(
                actor=actor,
                unit=obj.unit,
                name=obj.name,
                platform=obj.platform,
                link=obj.link,
                members=members,
                leader=obj.leader,
            )
            if not obj.is_active:
                group.is_active = False
                writes.save(group, actor=actor)
            return group
        group = writes.save(obj, actor=actor)
        return services.set_group_members(group, members, actor=actor)

    def save_related(self, request, form, formsets, change):
        pass  # the members were set by the service (no inlines here)


@admin.register(MeetingRule)
class MeetingRuleAdmin(ScopedAdmin):
    list_display = ["kind", "period", "min_count", "condition", "source", "is_active"]
    list_editable = []
    fields = ["kind", "period", "min_count", "condition", "source", "is_active"]
    nav_icon = "event_repeat"

    def has_add_permission(self, request):
        return services.can_edit_rules(request.user)

    def has_change_permission(self, request, obj=None):
        return services.can_edit_rules(request.user)

    def save_object(self, actor, obj, form, change):
        if not services.can_edit_rules(
            actor
        ):  # city-wide data: the permission checks above, again at the door
            raise OutOfScope()
        return super().save_object(actor, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False  # switch a rule off instead (is_active), so past health checks stay explainable
