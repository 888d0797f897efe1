"""Console of the three teams: the roster (任职 through `appoint`; 免职 on the person's page through `remove`;
the history beside each organisation's people), the reserve pool, yearly training plans with their
completion lists, incentives, the yearly assessment with its evidence, 党员先锋岗, and the tick's reminders.
Every write goes through `teams.services`; the forms validate through its pure `clean_*` rules."""

from django import forms
from django.contrib import admin
from django.http import Http404
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from xinye.accounts.permissions import require
from xinye.console.admin import ReadOnlyAdmin
from xinye.console.admin import ScopedAdmin as _ScopedAdmin
from xinye.core.errors import Refused
from xinye.core.filters import FilteredAdmin
from xinye.teams import services
from xinye.teams.filters import (
    ASSESSMENT_FILTERS,
    INCENTIVE_FILTERS,
    PLAN_FILTERS,
    RESERVE_FILTERS,
    VANGUARD_FILTERS,
    WORKER_FILTERS,
)
from xinye.teams.models import (
    Incentive,
    PartyWorker,
    ReserveCandidate,
    TeamAssessment,
    TermReminder,
    TrainingPlan,
    VanguardPost,
)


class ScopedAdmin(_ScopedAdmin):
    """Out of scope (or no view grant) is a 404 before any permission check: a 403 would confirm existence."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if object_id is not None and self.get_object(request, object_id) is None:
            raise Http404(_("对象不存在或不在您的管辖范围内"))
        return super().change_view(request, object_id, form_url, extra_context)


APPOINT_FIELDS = (
    "organisation",
    "post",
    "source",
    "member",
    "name",
    "dispatched_from",
    "full_time",
    "management_level",
    "enterprise_post",
    "birth_year",
    "education",
    "since",
    "term_ends_on",
)


class PartyWorkerForm(forms.ModelForm):
    leave_on = forms.DateField(
        label=_("离任日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    leave_reason = forms.CharField(label=_("离任原因"), required=False, max_length=128)

    class Meta:
        model = PartyWorker
        fields = (*APPOINT_FIELDS,)


@admin.register(PartyWorker)
class PartyWorkerAdmin(FilteredAdmin, ScopedAdmin):
    form = PartyWorkerForm
    nav_icon = "badge"
    list_display = (
        "name",
        "post",
        "organisation",
        "region",
        "source",
        "full_time",
        "enterprise_post",
        "since",
        "term_ends_on",
        "until",
    )
    filters = WORKER_FILTERS
    extra_list_filter = ("until",)
    list_select_related = ("organisation__unit", "region")
    autocomplete_fields = ("organisation", "member")

    def get_fields(self, request, obj=None):
        if obj is None:
            return APPOINT_FIELDS
        removal = ("leave_on", "leave_reason") if obj.until is None else ("until", "end_reason")
        return (
            "organisation",
            "post",
            "source",
            "name",
            "member",
            "since",
            *services.EDITABLE,
            *removal,
            "history",
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        fixed = ("organisation", "post", "source", "name", "member", "since", "history")
        if obj.until is not None:
            return (*fixed, *services.EDITABLE, "until", "end_reason")
        return fixed

    @admin.display(description=_("本组织本职务的历任"))
    def history(self, obj):
        rows = PartyWorker.objects.filter(organisation_id=obj.organisation_id, post=obj.post).order_by(
            "-since"
        )
        return format_html_join(
            "",
            "<div>{} · {} 至 {}{}</div>",
            (
                (
                    r.name,
                    f"{r.since:%Y-%m-%d}",
                    f"{r.until:%Y-%m-%d}" if r.until else "今",
                    f"（{r.end_reason}）" if r.end_reason else "",
                )
                for r in rows
            ),
        ) or format_html("—")

    def validate_object(self, actor, obj, change):
        if not change:
            if not obj.organisation_id:
                return
            obj.place_in(obj.organisation)
            super().validate_object(actor, obj, change)
            services.check_post_grant(actor, obj.organisation, obj.post, "add")
            services.clean_appointment(
                obj.organisation,
                post=obj.post,
                source=obj.source,
                member=obj.member if obj.member_id else None,
                name=obj.name,
                dispatched_from=obj.dispatched_from,
                since=obj.since,
                management_level=obj.management_level,
                enterprise_post=obj.enterprise_post,
                birth_year=obj.birth_year,
                education=obj.education,
            )
            return
        require(actor, "change", obj)

    def save_object(self, actor, obj, form, change):
        data = form.cleaned_data
        if not change:
            return services.appoint(
                obj.organisation,
                actor=actor,
                **{f: data.get(f) for f in APPOINT_FIELDS if f != "organisation" and f in data},
            )
        edited = {f: data[f] for f in services.EDITABLE if f in form.changed_data}
        if edited:
            obj = services.update_worker(PartyWorker.objects.get(pk=obj.pk), actor=actor, **edited)
        if data.get("leave_on") or data.get("leave_reason"):
            obj = services.remove(
                obj, actor=actor, on=data.get("leave_on"), reason=data.get("leave_reason") or ""
            )
        return obj

    def delete_object(self, actor, obj):
        services.delete_worker(obj, actor=actor)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        for name in ("name", "dispatched_from", "management_level", "enterprise_post", "education"):
            if name in form.base_fields:
                form.base_fields[name].required = False
        return form


@admin.register(ReserveCandidate)
class ReserveCandidateAdmin(FilteredAdmin, ScopedAdmin):
    nav_icon = "group_add"
    list_display = ("member", "post", "organisation", "region", "status", "added_on", "note")
    filters = RESERVE_FILTERS
    list_select_related = ("organisation__unit", "member__practitioner", "region")
    autocomplete_fields = ("organisation", "member")
    fields = ("organisation", "member", "post", "note", "added_on", "status")
    readonly_fields = ("status",)
    actions = ["withdraw"]

    def validate_object(self, actor, obj, change):
        if obj.organisation_id:
            obj.place_in(obj.organisation)
        super().validate_object(actor, obj, change)
        if obj.organisation_id and obj.member_id and not services.is_member_of(obj.member, obj.organisation):
            raise Refused({"member": "党员：后备人选应为本组织的党员"})

    def save_object(self, actor, obj, form, change):
        return services.save_reserve(obj, actor=actor)

    def delete_object(self, actor, obj):
        services.delete_reserve(obj, actor=actor)

    @admin.action(description=_("退出后备人选库"))
    def withdraw(self, request, queryset):
        for candidate in queryset:
            if candidate.status == "active":
                services.withdraw_reserve(candidate, actor=request.user)


@admin.register(TrainingPlan)
class TrainingPlanAdmin(FilteredAdmin, ScopedAdmin):
    nav_icon = "school"
    list_display = ("title", "year", "unit", "region", "industry", "course_count")
    filters = PLAN_FILTERS
    list_select_related = ("unit", "region")
    fields = ("unit", "year", "title", "courses", "note", "completion_list")
    readonly_fields = ("completion_list",)
    filter_horizontal = ("courses",)

    @admin.display(description=_("课程数"))
    def course_count(self, obj):
        return obj.courses.count()

    @admin.display(description=_("完成名单（本计划覆盖的在任人员）"))
    def completion_list(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        rows = services.plan_completion(obj)
        if not rows:
            return _("计划所在旗县区、行业暂无在任人员")
        return format_html_join(
            "",
            "<div>{} · {} · {}：{} / {} 学时 {}</div>",
            (
                (
                    c.worker.organisation.unit.name,
                    c.worker.get_post_display(),
                    c.worker.name,
                    "—" if c.hours is None else c.hours,
                    c.required,
                    {True: "✓ 已完成", False: "✗ 未完成", None: "（外派，选派单位登记）"}[c.done],
                )
                for c in rows
            ),
        )

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        services.clean_plan(unit=obj.unit if obj.unit_id else None, year=obj.year, title=obj.title)

    def save_object(self, actor, obj, form, change):
        return services.save_plan(obj, actor=actor, courses=form.cleaned_data.get("courses"))

    def save_related(self, request, form, formsets, change):
        pass  # the courses were set by the service

    def delete_object(self, actor, obj):
        services.delete_plan(obj, actor=actor)


@admin.register(Incentive)
class IncentiveAdmin(FilteredAdmin, ScopedAdmin):
    nav_icon = "military_tech"
    list_display = ("worker", "kind", "title", "amount", "granted_on", "granted_by", "region")
    filters = INCENTIVE_FILTERS
    list_select_related = ("worker", "region")
    autocomplete_fields = ("worker",)
    fields = ("worker", "kind", "title", "amount", "granted_on", "granted_by")

    def validate_object(self, actor, obj, change):
        if obj.worker_id:
            obj.place_in(obj.worker.organisation)
        super().validate_object(actor, obj, change)
        services.clean_incentive(kind=obj.kind, title=obj.title, amount=obj.amount, granted_on=obj.granted_on)

    def save_object(self, actor, obj, form, change):
        return services.save_incentive(obj, actor=actor)

    def delete_object(self, actor, obj):
        services.delete_incentive(obj, actor=actor)


@admin.register(TeamAssessment)
class TeamAssessmentAdmin(FilteredAdmin, ScopedAdmin):
    nav_icon = "grading"
    list_display = ("worker", "year", "grade", "evidence", "assessed_by", "assessed_on")
    filters = ASSESSMENT_FILTERS
    list_select_related = ("worker", "assessed_by")
    autocomplete_fields = ("worker",)
    fields = ("worker", "year", "grade", "comment", "assessed_on", "evidence")
    readonly_fields = ("evidence",)

    @admin.display(description=_("考核依据（系统统计）"))
    def evidence(self, obj):
        if obj is None or not obj.worker_id or not obj.year:
            return "—"
        return services.evidence_for(obj.worker, obj.year)

    def validate_object(self, actor, obj, change):
        if obj.worker_id:
            obj.place_in(obj.worker.organisation)
        super().validate_object(actor, obj, change)
        if obj.worker_id:
            services.clean_team_assessment(obj.worker, obj.year, obj.grade, actor)

    def save_object(self, actor, obj, form, change):
        return services.assess(
            obj.worker, obj.year, obj.grade, actor=actor, comment=obj.comment, on=obj.assessed_on
        )

    def delete_object(self, actor, obj):
        services.delete_assessment(obj, actor=actor)


@admin.register(VanguardPost)
class VanguardPostAdmin(FilteredAdmin, ScopedAdmin):
    nav_icon = "verified"
    list_display = ("title", "kind", "member", "organisation", "enterprise", "station", "since", "until")
    filters = VANGUARD_FILTERS
    list_select_related = ("organisation__unit", "member__practitioner", "enterprise", "station")
    autocomplete_fields = ("organisation", "member")
    raw_id_fields = ("enterprise", "station")
    fields = ("organisation", "member", "kind", "title", "enterprise", "station", "since", "until")

    def validate_object(self, actor, obj, change):
        if obj.organisation_id:
            obj.place_in(obj.organisation)
        super().validate_object(actor, obj, change)
        if obj.organisation_id:
            services.clean_vanguard(
                obj.organisation,
                obj.member if obj.member_id else None,
                kind=obj.kind,
                title=obj.title,
                enterprise=obj.enterprise,
                station=obj.station,
                since=obj.since,
                until=obj.until,
            )

    def save_object(self, actor, obj, form, change):
        return services.save_vanguard(obj, actor=actor)

    def delete_object(self, actor, obj):
        services.delete_vanguard(obj, actor=actor)


@admin.register(TermReminder)
class TermReminderAdmin(ReadOnlyAdmin):
    nav_icon = "notifications"
    list_display = ("message", "term_ends_on", "region", "created_at")
    list_filter = ("region",)
    readonly_fields = ("worker", "term_ends_on", "message", "created_at")
