"""Console for instructors and liaisons, visits, problems and yearly assessments. Writes go through
guidance.services (the admins' save_object hooks; a visit's problems through `add_problem`); forms
validate through the services' pure checks (`clean_visit`, `clean_assessment`)."""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from xinye.accounts import writes
from xinye.accounts.permissions import has_action, in_scope, require
from xinye.console.admin import ScopedAdmin
from xinye.core.errors import OutOfScope, Refused
from xinye.core.filters import FilteredAdmin
from xinye.guidance import services
from xinye.guidance.choices import VisitTopic
from xinye.guidance.filters import ASSESSMENT_FILTERS, PROBLEM_FILTERS, VISIT_FILTERS
from xinye.guidance.models import InstructorAssessment, Visit, VisitProblem
from xinye.orgs.models import Agent


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
    # orgs.Agent would be listed under orgs' pillar (谁负责); GuidanceConfig.nav_links lists it under 怎么建.
    hide_in_nav = True


class PhotosInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input (the phone's camera roll); checked by the service, all or none."""

    widget = PhotosInput(attrs={"accept": "image/jpeg,image/png,image/webp", "multiple": True})

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [f for f in files if f]


class VisitForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(
        label=_("走访内容"), choices=VisitTopic.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    photos = PhotosField(
        label=_("走访照片（留痕）"),
        required=False,
        help_text=_("可多选，JPEG、PNG 或 WebP，每张不超过 5 MB，一次最多 6 张；保存后显示在下方。"),
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


class VisitProblemInline(admin.TabularInline):
    model = VisitProblem
    extra = 0
    fields = ["description", "status", "resolved_on", "resolution", "appeal_id"]
    readonly_fields = ["status", "resolved_on", "appeal_id"]

    def has_add_permission(self, request, obj=None):
        return True if obj is None else self.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return has_action(request.user, "change", VisitProblem) and (
            obj is None or in_scope(request.user, "change", obj)
        )

    def has_delete_permission(self, request, obj=None):
        return has_action(request.user, "delete", VisitProblem)

    def has_view_permission(self, request, obj=None):
        return has_action(request.user, "view", VisitProblem)


@admin.register(Visit)
class VisitAdmin(FilteredAdmin, ScopedAdmin):
    form = VisitForm
    list_display = ["date", "agent", "enterprise_or_site", "topic_list", "is_heart_to_heart", "is_care_visit"]
    filters = VISIT_FILTERS
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
        if db_field.name == "agent" and services.is_field_agent(request.user):
            own = services.agent_of(request.user)
            kwargs["queryset"] = Agent.objects.filter(pk=own.pk)
            kwargs["initial"] = own.pk
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def validate_object(self, actor, obj, change):
        obj.fill_owner()
        services.clean_visit(obj, actor)
        require(actor, "view", obj.agent)
        if obj.enterprise_id:
            require(actor, "view", obj.enterprise)
        if not services.is_field_agent(actor):
            # where the visit is filed (the enterprise's office); an instructor's placement follows their
            # assigned enterprise and is checked on the saved row by the service
            require(actor, "change" if change else "add", model=Visit, unit=obj.unit, industry=obj.industry)

    def save_object(self, actor, obj, form, change):
        visit = services.save_visit(obj, actor=actor)
        photos = form.cleaned_data.get("photos") or []
        if photos:
            services.add_visit_photos(visit, photos, actor=actor)
        return visit

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "photo_thumbnails"] if obj is not None else fields

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            fields = [f for f in fields if f != "photos"]  # a reader sees the thumbnails, not the upload
        if obj is not None and "photo_thumbnails" not in fields:
            fields.append("photo_thumbnails")
        return fields

    @admin.display(description=_("已上传的照片"))
    def photo_thumbnails(self, obj):
        photos = list(obj.photos.all()) if obj and obj.pk else []
        if not photos:
            return _("无")
        return format_html_join(
            "",
            '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="{}" loading="lazy" '
            'style="display:inline-block;width:96px;height:96px;object-fit:cover;margin:0 6px 6px 0;border-radius:4px"></a>',
            ((p.file.url, p.file.url, _("走访照片")) for p in photos),
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not VisitProblem:
            return super().save_formset(request, form, formset, change)
        visit = form.instance
        problems = formset.save(commit=False)
        for problem in problems:
            if problem.pk is None:
                services.add_problem(
                    visit, problem.description, category=problem.category, actor=request.user
                )
            else:
                writes.save(problem, actor=request.user)
        for problem in formset.deleted_objects:
            writes.delete(problem, actor=request.user)


def _apply(modeladmin, request, queryset, func, done: str):
    ok = 0
    for problem in queryset.select_related("visit__agent", "visit__enterprise"):
        try:
            func(problem)
        except (Refused, OutOfScope) as exc:
            text = _("；").join(exc.messages) if isinstance(exc, Refused) else str(exc)
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
    _apply(
        modeladmin,
        request,
        queryset,
        lambda p: services.set_problem_status(p, "in_progress", actor=request.user),
        _("已标记为解决中"),
    )


@admin.action(description=_("标记为已解决（今天）"))
def mark_resolved(modeladmin, request, queryset):
    _apply(
        modeladmin,
        request,
        queryset,
        lambda p: services.set_problem_status(p, "resolved", actor=request.user),
        _("已解决"),
    )


@admin.action(description=_("重新打开"))
def reopen(modeladmin, request, queryset):
    _apply(
        modeladmin,
        request,
        queryset,
        lambda p: services.set_problem_status(p, "open", actor=request.user),
        _("已重新打开"),
    )


@admin.action(description=_("转为诉求（进入诉求办理闭环）"))
def to_appeal(modeladmin, request, queryset):
    _apply(
        modeladmin,
        request,
        queryset,
        lambda p: services.convert_problem_to_appeal(p, actor=request.user),
        _("已转为诉求"),
    )


@admin.register(VisitProblem)
class VisitProblemAdmin(FilteredAdmin, ScopedAdmin):
    list_display = ["description_short", "visit", "status", "resolved_on", "appeal_id"]
    filters = PROBLEM_FILTERS
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
class InstructorAssessmentAdmin(FilteredAdmin, ScopedAdmin):
    list_display = ["agent", "year", "grade", "evidence_summary", "assessed_by", "assessed_on"]
    filters = ASSESSMENT_FILTERS
    list_select_related = ["agent", "assessed_by"]
    fields = ["agent", "year", "grade", "comment", "assessed_on", "evidence_summary"]
    readonly_fields = ["evidence_summary"]
    nav_icon = "grading"

    @admin.display(description=_("考核依据（系统统计）"))
    def evidence_summary(self, obj):
        if obj is None or not obj.agent_id:
            return "—"
        ev = services.evidence_for(obj.agent, obj.year)
        text = ev.summary
        if ev.shortfalls:
            text += _("；不足：") + _("；").join(ev.shortfalls)
        return text

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not services.is_field_agent(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not services.is_field_agent(request.user)

    def validate_object(self, actor, obj, change):
        require(actor, "view", obj.agent)
        require(
            actor,
            "change" if change else "add",
            model=InstructorAssessment,
            unit=obj.agent.unit,
            industry=obj.agent.industry,
        )
        services.clean_assessment(obj.agent, obj.year, obj.grade, actor)

    def save_object(self, actor, obj, form, change):
        return services.assess(
            obj.agent, obj.year, obj.grade, actor=actor, comment=obj.comment, on=obj.assessed_on
        )
