from django import forms
from django.contrib import admin
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from xinye.console.admin import ScopedAdmin as _ScopedAdmin
from xinye.guidance.choices import VisitTopic
from xinye.guidance.models import Agent, InstructorAssessment, Visit, VisitProblem


class ScopedAdmin(_ScopedAdmin):
    """Out of scope, or no view grant at all, is a 404 before Django's permission check: a 403 would confirm
    that the object exists."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.get_object(request, object_id) is None:
            raise Http404(_("对象不存在或不在您的管辖范围内"))
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Agent)
class AgentAdmin(ScopedAdmin):
    list_display = ["name", "kind", "unit", "region", "industry", "phone_masked", "is_active"]
    list_filter = ["kind", "region", "industry", "is_active"]
    search_fields = ["name"]
    list_select_related = ["unit", "region"]
    autocomplete_fields = ["unit", "user"]
    fields = [
        "kind",
        "name",
        "phone",
        "unit",
        "region",
        "industry",
        "user",
        "latitude",
        "longitude",
        "is_active",
    ]
    nav_icon = "support_agent"


class VisitForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(
        label=_("走访内容"), choices=VisitTopic.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Visit
        fields = [
            "date",
            "agent",
            "enterprise",
            "site_note",
            "people_met",
            "topics",
            "summary",
            "is_heart_to_heart",
            "is_care_visit",
        ]

    def clean(self):
        data = super().clean()
        if not data.get("enterprise") and not (data.get("site_note") or "").strip():
            raise forms.ValidationError(_("请选择走访企业，或填写走访的站点/场所"))
        return data


class VisitProblemInline(admin.TabularInline):
    model = VisitProblem
    extra = 0
    fields = ["description", "status", "resolved_on", "resolution", "appeal_id"]
    readonly_fields = ["status", "resolved_on", "appeal_id"]

    def has_add_permission(self, request, obj=None):
        return True if obj is None else self.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        from xinye.accounts.permissions import has_action, in_scope

        return has_action(request.user, "change", VisitProblem) and (
            obj is None or in_scope(request.user, "change", obj)
        )

    def has_delete_permission(self, request, obj=None):
        from xinye.accounts.permissions import has_action

        return has_action(request.user, "delete", VisitProblem)

    def has_view_permission(self, request, obj=None):
        from xinye.accounts.permissions import has_action

        return has_action(request.user, "view", VisitProblem)


@admin.register(Visit)
class VisitAdmin(ScopedAdmin):
    form = VisitForm
    list_display = ["date", "agent", "enterprise_or_site", "topic_list", "is_heart_to_heart", "is_care_visit"]
    list_filter = ["is_heart_to_heart", "is_care_visit", "region", "industry", "agent__kind"]
    search_fields = ["enterprise__name", "site_note", "agent__name", "summary"]
    date_hierarchy = "date"
    list_select_related = ["agent", "enterprise"]
    inlines = [VisitProblemInline]
    nav_icon = "directions_walk"

    @admin.display(description=_("走访企业/站点"))
    def enterprise_or_site(self, obj):
        return obj.enterprise.name if obj.enterprise_id else obj.site_note

    @admin.display(description=_("走访内容"))
    def topic_list(self, obj):
        return _("、").join(map(str, obj.topic_labels))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agent":
            from xinye.guidance.services import agent_of

            own = agent_of(request.user)
            if own is not None and not request.user.role_assignments.filter(role__mode="tree").exists():
                kwargs["queryset"] = Agent.objects.filter(pk=own.pk)
                kwargs["initial"] = own.pk
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.fill_owner()
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


def _apply(modeladmin, request, queryset, func, done: str):
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied, ValidationError

    ok = 0
    for problem in queryset.select_related("visit__agent", "visit__enterprise"):
        try:
            func(problem)
        except (ValidationError, PermissionDenied) as exc:
            text = _("；").join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            modeladmin.message_user(
                request, _("%(object)s：%(error)s") % {"object": problem, "error": text}, messages.ERROR
            )
        else:
            ok += 1
    if ok:
        modeladmin.message_user(
            request, _("%(count)s 个问题%(done)s") % {"count": ok, "done": done}, messages.SUCCESS
        )


@admin.action(description=_("标记为解决中"))
def mark_in_progress(modeladmin, request, queryset):
    from xinye.guidance.services import set_problem_status

    _apply(
        modeladmin,
        request,
        queryset,
        lambda p: set_problem_status(p, "in_progress", actor=request.user),
        _("已标记为解决中"),
    )


@admin.action(description=_("标记为已解决（今天）"))
def mark_resolved(modeladmin, request, queryset):
    from xinye.guidance.services import set_problem_status

    _apply(
        modeladmin,
        request,
        queryset,
        lambda p: set_problem_status(p, "resolved", actor=request.user),
        _("已解决"),
    )


@admin.action(description=_("重新打开"))
def reopen(modeladmin, request, queryset):
    from xinye.guidance.services import set_problem_status

    _apply(
        modeladmin,
        request,
        queryset,
        lambda p: set_problem_status(p, "open", actor=request.user),
        _("已重新打开"),
    )


@admin.action(description=_("转为诉求（进入诉求办理闭环）"))
def to_appeal(modeladmin, request, queryset):
    from xinye.guidance.services import convert_problem_to_appeal

    _apply(
        modeladmin,
        request,
        queryset,
        lambda p: convert_problem_to_appeal(p, actor=request.user),
        _("已转为诉求"),
    )


@admin.register(VisitProblem)
class VisitProblemAdmin(ScopedAdmin):
    list_display = ["description_short", "visit", "status", "resolved_on", "appeal_id"]
    list_filter = ["status"]
    search_fields = ["description", "visit__enterprise__name"]
    list_select_related = ["visit__agent", "visit__enterprise"]
    fields = ["visit", "description", "category", "status", "resolved_on", "resolution", "appeal_id"]
    # the status moves only through the workflow (guidance.services.PROBLEM_TRANSITIONS): use the actions
    readonly_fields = ["visit", "status", "resolved_on", "appeal_id"]
    actions = [mark_in_progress, mark_resolved, reopen, to_appeal]
    nav_icon = "report_problem"

    @admin.display(description=_("问题"))
    def description_short(self, obj):
        return obj.description[:40]

    def has_add_permission(self, request):
        return False  # problems are found on a visit: add them there


@admin.register(InstructorAssessment)
class InstructorAssessmentAdmin(ScopedAdmin):
    list_display = ["agent", "year", "grade", "evidence_summary", "assessed_by", "assessed_on"]
    list_filter = ["year", "grade", "agent__kind", "agent__region"]
    search_fields = ["agent__name"]
    list_select_related = ["agent", "assessed_by"]
    fields = ["agent", "year", "grade", "comment", "assessed_on", "evidence_summary"]
    readonly_fields = ["evidence_summary"]
    nav_icon = "grading"

    @admin.display(description=_("考核依据（系统统计）"))
    def evidence_summary(self, obj):
        from xinye.guidance.services import evidence_for

        if obj is None or not obj.agent_id:
            return "—"
        ev = evidence_for(obj.agent, obj.year)
        text = ev.summary
        if ev.shortfalls:
            text += _("；不足：") + _("；").join(ev.shortfalls)
        return text

    def has_add_permission(self, request):
        from xinye.guidance.services import is_field_agent

        return super().has_add_permission(request) and not is_field_agent(request.user)

    def has_change_permission(self, request, obj=None):
        from xinye.guidance.services import is_field_agent

        return super().has_change_permission(request, obj) and not is_field_agent(request.user)

    def save_model(self, request, obj, form, change):
        obj.assessed_by = request.user
        super().save_model(request, obj, form, change)
