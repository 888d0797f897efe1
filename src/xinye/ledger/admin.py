"""Console for the survey ledgers. Lists always show ID numbers and phones masked; a change page shows them
in clear only to roles with view_sensitive, and each such view is logged (PIPL; domain.md privacy).

Every write goes through `ledger.services` (the admins' `save_object`/`delete_object` hooks), and the forms
validate through the services' pure rules (`validate_object`): no rule is restated here.
"""

import copy

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _

from xinye.accounts.permissions import has_action, require, restrict
from xinye.console.admin import ReadOnlyAdmin, ReadOnlyInline, ScopedAdmin, add_refusal
from xinye.console.paginator import BoundedCountPaginator
from xinye.console.search import term_of
from xinye.core.context import current_actor
from xinye.core.errors import Refused
from xinye.ledger import search, services
from xinye.ledger.choices import ETHNICITIES, CoverageStatus, FormationState
from xinye.ledger.models import (
    ChoiceAlias,
    Enterprise,
    FormationCase,
    FormationStep,
    ImportBatch,
    PartyMember,
    PartyOrganisation,
    Practitioner,
)
from xinye.orgs.choices import ResponsibilityRole


def _number_search(request, queryset, term, **fields):
    """The shared keyed-hash search (ledger.search); over the rate limit the list is empty with a message."""
    if not term:
        return None
    try:
        return search.by_number(queryset, term, actor=request.user, **fields)
    except Refused as exc:
        messages.error(request, "；".join(exc.messages))
        return queryset.none()


def _require_place(actor, change: bool, model, place) -> None:
    """The row would be written under `place`'s unit and industry: that must be inside the actor's scope."""
    require(actor, "change" if change else "add", None, model=model, unit=place.unit, industry=place.industry)


def _form_fields(form, names) -> dict:
    """The values the form edits (a masked, read-only sensitive field is not among them)."""
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


# --- enterprises ---


class CoverageStatusFilter(admin.SimpleListFilter):
    title = _("覆盖状态")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return CoverageStatus.choices

    def queryset(self, request, queryset):
        if self.value() in CoverageStatus.values:
            return services.filter_by_status(queryset, self.value())
        return queryset


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = list(services.ENTERPRISE_FIELDS)


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdmin):
    form = EnterpriseForm
    list_display = [
        "name",
        "industry",
        "enterprise_type",
        "region",
        "unit",
        "staff_count",
        "status_label",
        "contact_phone_masked",
    ]
    list_filter = [
        CoverageStatusFilter,
        "region",
        "industry",
        "enterprise_type",
        "in_survey_scope",
        "is_active",
    ]
    search_fields = ["name", "uscc", "address"]
    list_select_related = ["region", "unit"]
    # A filtered list counts its own rows only, not the whole scope's as well (Django admin counts twice
    # otherwise: a second COUNT over 100,000s of rows on every filtered page, issue 17).
    show_full_result_count = False
    autocomplete_fields = ["unit"]
    readonly_fields = ["owners", "practitioner_count", "status_label"]
    fieldsets = [
        (
            _("基本信息"),
            {"fields": ["name", "uscc", "industry", "enterprise_type", "region", "unit", "staff_count"]},
        ),
        (_("地址与坐标"), {"fields": ["address", "latitude", "longitude", "coord_source"]}),
        (
            _("联系人"),
            {
                "fields": [
                    "legal_representative",
                    "contact_name",
                    "contact_phone",
                    "in_survey_scope",
                    "is_active",
                ]
            },
        ),
        (_("覆盖与责任"), {"fields": ["status_label", "practitioner_count", "owners"]}),
    ]
    nav_icon = "store"

    def get_queryset(self, request):
        return services.annotate_coverage_status(super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        """A whole contact phone is found through its keyed hash (logged, rate-limited, in scope)."""
        found = _number_search(
            request, queryset, search_term, id_field=None, phone_field="contact_phone_hash"
        )
        if found is not None:
            return found, False
        return super().get_search_results(request, queryset, search_term)

    def validate_object(self, actor, obj, change):
        probe = copy.copy(obj)
        services.clean_enterprise(probe, actor=actor)  # fills the owning office, as the service will
        _require_place(actor, change, Enterprise, probe)

    def save_object(self, actor, obj, form, change):
        fields = _form_fields(form, services.ENTERPRISE_FIELDS)
        if not change:
            return services.create_enterprise(actor=actor, **fields)
        changed = {name: value for name, value in fields.items() if name in form.changed_data}
        return services.update_enterprise(obj, actor=actor, **changed)

    def delete_object(self, actor, obj):
        services.delete_enterprise(obj, actor=actor)

    @admin.display(description=_("覆盖状态"), ordering="coverage_status")
    def status_label(self, obj):
        value = getattr(obj, "coverage_status", None)
        if value is None and obj.pk:
            value = services.coverage_status(obj)
        return CoverageStatus(value).label if value else "-"

    @admin.display(description=_("从业人员（台账登记）"))
    def practitioner_count(self, obj):
        if not obj.pk:
            return "-"
        return _("%(people)s 人（其中党员 %(members)s 人）") % {
            "people": obj.practitioners.count(),
            "members": obj.members.count(),
        }

    @admin.display(description=_("责任矩阵"))
    def owners(self, obj):
        from xinye.orgs.services import owners_of, required_roles

        if not obj.pk:
            return "-"
        required = set(required_roles("ledger.enterprise"))
        rows = []
        for role, holders in owners_of(obj).items():
            names = _("、").join(h.holder_name for h in holders)
            if not names:
                names = _("（缺）") if role in required else "—"
            rows.append((ResponsibilityRole(role).label, names))
        return format_html(
            '<table class="text-sm">{}</table>',
            format_html_join("", '<tr><th class="pr-4 text-left">{}</th><td>{}</td></tr>', rows),
        )


# --- practitioners ---


class PractitionerForm(forms.ModelForm):
    class Meta:
        model = Practitioner
        fields = list(services.PRACTITIONER_FIELDS)


class PartyMemberInline(admin.StackedInline):
    model = PartyMember
    fk_name = "practitioner"
    extra = 0
    can_delete = False
    fields = ["unit", "is_full", "joined_on", "full_member_on", "membership_held", "home_organisation"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return has_action(request.user, "view", PartyMember)


class EthnicityFilter(admin.SimpleListFilter):
    """民族: the 56 names of GB/T 3304, then 其他 (a name outside them) and 未填写 — a fixed list, not a DISTINCT
    over the scope's practitioners (issue 17: 0.6 s at 1,000,000); all 56 are offered whatever the scope holds.
    `?ethnicity=蒙古族` is the parameter the list used before."""

    title = _("民族")
    parameter_name = "ethnicity"
    OTHER, BLANK = "_other", "_blank"

    def lookups(self, request, model_admin):
        return [(name, name) for name in ETHNICITIES] + [(self.OTHER, _("其他")), (self.BLANK, _("未填写"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.OTHER:
            return queryset.exclude(ethnicity__in=ETHNICITIES).exclude(ethnicity="")
        if value == self.BLANK:
            return queryset.filter(ethnicity="")
        if value:
            return queryset.filter(ethnicity=value)
        return queryset


@admin.register(Practitioner)
class PractitionerAdmin(ScopedAdmin):
    form = PractitionerForm
    list_display = [
        "name",
        "gender",
        "birth_date_masked",  # a list shows the year only, like the masked ID beside it
        "id_number_masked",
        "phone_masked",
        "ethnicity",
        "occupation",
        "political_status",
        "enterprise",
        "region",
    ]
    list_filter = [
        "region",
        "industry",
        "occupation",
        "political_status",
        "gender",
        EthnicityFilter,
        "education",
    ]
    search_fields = ["name", "enterprise__name"]
    list_select_related = ["enterprise", "region"]
    show_full_result_count = False  # as EnterpriseAdmin: one COUNT per page over millions of rows, not two
    paginator = BoundedCountPaginator  # and that one stops at XINYE_LIST_COUNT_LIMIT rows ("10,000+")
    autocomplete_fields = ["enterprise"]
    readonly_fields = ["gender", "birth_date", "unit", "region", "industry"]
    fields = [
        "name",
        "id_number",
        "phone",
        "gender",
        "birth_date",
        "ethnicity",
        "education",
        "occupation",
        "political_status",
        "enterprise",
        "unit",
        "region",
        "industry",
    ]
    inlines = [PartyMemberInline]
    nav_icon = "badge"

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # `?q=` or the console's search token
        searched = bool(request.GET.get(SEARCH_VAR) or term_of(request))
        return self.paginator(queryset, per_page, orphans, allow_empty_first_page, searched=searched)

    def get_search_results(self, request, queryset, search_term):
        """A whole ID number or phone is found through its keyed hash (logged, rate-limited, in scope);
        otherwise each word of the term is in the name or the enterprise's name (`search.practitioner_text`,
        index-served on PostgreSQL: the `search_fields` above only say what is searched)."""
        found = _number_search(request, queryset, search_term, id_field="id_hash", phone_field="phone_hash")
        if found is not None:
            return found, False
        for bit in smart_split(search_term):
            if bit[:1] in "\"'" and bit[-1:] == bit[:1]:
                bit = unescape_string_literal(bit)
            queryset = queryset.filter(search.practitioner_text(bit))
        return queryset, False

    def validate_object(self, actor, obj, change):
        if obj.enterprise_id is None:
            return  # the form already says the enterprise is required
        services.check_practitioner(actor, obj)
        _require_place(actor, change, Practitioner, obj.enterprise)

    def save_object(self, actor, obj, form, change):
        fields = _form_fields(form, services.PRACTITIONER_FIELDS)
        if change:
            return services.update_practitioner(obj, actor=actor, **fields)
        return services.create_practitioner(actor=actor, **fields)

    def delete_object(self, actor, obj):
        services.delete_practitioner(obj, actor=actor)


# --- party members ---


@admin.register(PartyMember)
class PartyMemberAdmin(ScopedAdmin):
    list_display = ["name", "enterprise", "unit", "is_full", "joined_on", "full_member_on", "membership_held"]
    list_filter = ["region", "industry", "is_full", "membership_held"]
    search_fields = ["practitioner__name", "enterprise__name", "home_organisation"]
    list_select_related = ["practitioner", "enterprise", "unit"]
    autocomplete_fields = ["practitioner", "enterprise", "unit"]
    readonly_fields = ["region", "industry"]
    fields = [
        "practitioner",
        "enterprise",
        "unit",
        "is_full",
        "joined_on",
        "full_member_on",
        "membership_held",
        "home_organisation",
        "region",
        "industry",
    ]
    nav_icon = "how_to_reg"

    @admin.display(description=_("姓名"), ordering="practitioner__name")
    def name(self, obj):
        return obj.practitioner.name

    def validate_object(self, actor, obj, change):
        if obj.practitioner_id is None:
            return  # the form already says the practitioner is required
        obj.region_id, obj.industry = obj.practitioner.region_id, obj.practitioner.industry
        services.clean_member(obj)
        super().validate_object(actor, obj, change)

    def save_object(self, actor, obj, form, change):
        return services.save_party_member(
            obj.practitioner,
            actor=actor,
            version=obj.version if change else None,  # the version the form was loaded at (stale edits)
            **_form_fields(form, services.MEMBER_FIELDS),
        )

    def delete_object(self, actor, obj):
        services.delete_party_member(obj, actor=actor)


# --- party organisations ---


class DueForElectionFilter(admin.SimpleListFilter):
    title = _("换届")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("1", _("90 天内到期（含已超期）"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return services.due_for_election(queryset)
        return queryset


@admin.register(PartyOrganisation)
class PartyOrganisationAdmin(ScopedAdmin):
    list_display = [
        "name",
        "kind",
        "region",
        "industry",
        "enterprise_count",
        "secretary",
        "founded_on",
        "next_election_on",
        "is_online",
    ]
    list_filter = [DueForElectionFilter, "region", "industry", "unit__kind", "is_online"]
    search_fields = ["unit__name", "enterprises__name"]
    list_select_related = ["unit", "region", "secretary__practitioner"]
    # searchable pickers (type a name), not the two-pane selector over every enterprise and member in scope
    autocomplete_fields = ["secretary_user", "enterprises"]
    # The 书记 and the 委员 are appointed and removed in 三支队伍 (teams.services.appoint/remove, with the
    # history), which keeps these fields in step: here they are shown, not edited.
    readonly_fields = ["unit", "region", "industry", "term_years", "secretary", "committee_names"]
    fields = [
        "unit",
        "region",
        "industry",
        "enterprises",
        "secretary",
        "secretary_user",
        "committee_names",
        "founded_on",
        "term_years",
        "next_election_on",
        "is_online",
    ]
    nav_icon = "flag"

    def has_add_permission(self, request):
        return False  # organisations are formed through 规范组建流程 (or imported)

    @admin.display(description=_("名称"), ordering="unit__name")
    def name(self, obj):
        return obj.unit.name

    @admin.display(description=_("类型"), ordering="unit__kind")
    def kind(self, obj):
        return obj.unit.get_kind_display()

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(n_enterprises=Count("enterprises", distinct=True))

    def save_object(self, actor, obj, form, change):
        fields = _form_fields(form, services.ORGANISATION_FIELDS)
        if "enterprises" in form.changed_data:
            fields["enterprises"] = form.cleaned_data["enterprises"]
        return services.update_party_organisation(obj, actor=actor, **fields)

    def save_related(self, request, form, formsets, change):
        pass  # the covered enterprises were written by the service, with their rules

    @admin.display(description=_("委员"))
    def committee_names(self, obj):
        names = [m.practitioner.name for m in obj.committee.select_related("practitioner").order_by("pk")]
        return "、".join(names) or _("（无：委员在三支队伍中任免）")

    def delete_object(self, actor, obj):
        services.delete_party_organisation(obj, actor=actor)

    @admin.display(description=_("覆盖企业数"), ordering="n_enterprises")
    def enterprise_count(self, obj):
        return (
            getattr(obj, "n_enterprises", None) if hasattr(obj, "n_enterprises") else obj.enterprises.count()
        )


# --- formation workflow ---


class FormationCaseForm(forms.ModelForm):
    date = forms.DateField(
        label=_("建议日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = FormationCase
        fields = ["name", "kind", "enterprise", "enterprises", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "name" in self.fields and not self.instance.pk:
            self.fields["name"].required = False
            self.fields["name"].help_text = _("留空则按企业名称自动命名")

    def clean(self):
        data = super().clean()
        if self.instance.pk:
            return data
        lead = data.get("enterprise")
        if lead is None:
            return data
        enterprises = [lead, *[e for e in (data.get("enterprises") or []) if e.pk != lead.pk]]
        errors = services.formation_errors(enterprises, data.get("kind"), data.get("date"))
        if errors:
            add_refusal(self, ValidationError(errors))
        data["all_enterprises"] = enterprises
        if not (data.get("name") or "").strip() and data.get("kind"):
            data["name"] = services.default_org_name(data["kind"], enterprises)
        return data


class FormationStepInline(ReadOnlyInline):
    model = FormationStep
    fields = ["date", "from_state", "to_state", "actor_name", "document", "note"]

    def has_view_permission(self, request, obj=None):
        return has_action(request.user, "view", FormationCase)


class TransitionForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    document = forms.FileField(label=_("文件（批复、会议记录等）"), required=False)


@admin.register(FormationCase)
class FormationCaseAdmin(ScopedAdmin):
    form = FormationCaseForm
    list_display = ["name", "kind", "enterprise", "region", "industry", "state", "state_changed_on"]
    list_filter = ["state", "kind", "region", "industry"]
    search_fields = ["name", "enterprise__name", "enterprises__name"]
    list_select_related = ["enterprise", "region"]
    autocomplete_fields = ["enterprise", "enterprises"]
    inlines = [FormationStepInline]
    nav_icon = "conversion_path"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "kind", "enterprise", "enterprises", "date", "note"]
        return [
            "name",
            "kind",
            "enterprise",
            "enterprises",
            "state",
            "state_changed_on",
            "organisation",
            "next_steps",
            "note",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "kind",
            "enterprise",
            "enterprises",
            "state",
            "state_changed_on",
            "organisation",
            "next_steps",
        ]

    @admin.display(description=_("下一步"))
    def next_steps(self, obj):
        # Only the steps this user may take: the request's actor (set by the console's middleware).
        states = services.allowed_transitions(obj, current_actor().user)
        if not states:
            return _("流程已结束") if not services.TRANSITIONS.get(obj.state) else _("无可办理的环节")
        return format_html_join(
            " ",
            '<a class="bg-primary-600 text-white px-3 py-1 rounded" href="{}">{}</a>',
            (
                (reverse("admin:ledger_formationcase_transition", args=[obj.pk, s]), FormationState(s).label)
                for s in states
            ),
        )

    def validate_object(self, actor, obj, change):
        if change:
            super().validate_object(actor, obj, change)
            return
        if obj.enterprise_id is not None:  # a case is placed at its lead enterprise's office
            lead = obj.enterprise
            require(actor, "view", lead)
            require(actor, "add", None, model=FormationCase, unit=lead.unit, industry=lead.industry)

    def save_object(self, actor, obj, form, change):
        if change:
            return super().save_object(actor, obj, form, change)
        return services.start_formation(
            actor=actor,
            enterprises=form.cleaned_data["all_enterprises"],
            kind=obj.kind,
            name=obj.name,
            date=form.cleaned_data.get("date"),
            note=obj.note,
        )

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)
            return
        # start_formation already set the covered enterprises (lead first) and wrote the first step.
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def get_urls(self):
        return [
            path(
                "<int:pk>/transition/<str:state>/",
                self.admin_site.admin_view(self.transition_view),
                name="ledger_formationcase_transition",
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request, pk, state):
        case = restrict(FormationCase.objects.all(), request.user, "change").filter(pk=pk).first()
        if case is None or state not in FormationState.values:
            raise Http404(_("对象不存在或不在您的管辖范围内"))
        form = TransitionForm(
            request.POST or None, request.FILES or None, initial={"date": services.local_today()}
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.apply_formation_transition(
                    case,
                    state,
                    actor=request.user,
                    date=form.cleaned_data["date"],
                    note=form.cleaned_data["note"],
                    document=form.cleaned_data.get("document"),
                )
            except ValidationError as exc:
                add_refusal(form, exc)
            else:
                messages.success(request, _("已办理：%(state)s") % {"state": FormationState(state).label})
                return HttpResponseRedirect(reverse("admin:ledger_formationcase_change", args=[case.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(name)s：%(state)s") % {"name": case.name, "state": FormationState(state).label},
            "case": case,
            "state_label": FormationState(state).label,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "ledger/formation_transition.html", context)


_PEOPLE_MODEL = {
    "practitioners": "practitioner",
    "members": "partymember",
    "organisations": "partyorganisation",
}


@admin.register(ChoiceAlias)
class ChoiceAliasAdmin(ScopedAdmin):
    """导入词语对照: words survey sheets use for the choices, edited by city staff (city-wide reference data:
    everyone may read, only grants at the root of the tree write), read by the next import."""

    list_display = ["column", "alias", "value_label", "note"]
    list_filter = ["column"]
    search_fields = ["alias", "note"]
    nav_icon = "translate"

    @admin.display(description=_("对应选项"))
    def value_label(self, obj):
        return obj.value_label

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        errors = services.clean_choice_alias(column=obj.column, alias=obj.alias, value=obj.value)
        if errors:
            raise Refused(errors)


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    """The record of survey sheets imported (the import itself lives in the imports package and its pages);
    a batch's page lists the rows written with a warning, so the clerk can check them afterwards."""

    list_display = [
        "file_name",
        "kind",
        "unit",
        "user",
        "rows_total",
        "rows_created",
        "rows_updated",
        "rows_unchanged",
        "warning_count",
        "committed",
        "created_at",
    ]
    fields = [
        "file_name",
        "kind",
        "unit",
        "user",
        "rows_total",
        "rows_created",
        "rows_updated",
        "rows_unchanged",
        "warning_count",
        "committed",
        "created_at",
        "warnings_table",
    ]
    readonly_fields = fields

    @admin.display(description=_("警告明细（按原样写入，请核实）"))
    def warnings_table(self, obj):
        if not obj.warnings:
            return _("无")
        rows = format_html_join(
            "",
            '<tr><td class="p-1 border">{}</td><td class="p-1 border">{}</td><td class="p-1 border">{}</td>'
            '<td class="p-1 border">{}</td><td class="p-1 border"><a class="underline" href="{}?q={}">{}</a></td></tr>',
            (
                (
                    _("第 %(row)s 行") % {"row": w["row"]},
                    w["column"],
                    w["value"],
                    w["reason"],
                    reverse(f"admin:ledger_{_PEOPLE_MODEL.get(obj.kind, 'enterprise')}_changelist"),
                    w.get("name", ""),
                    w.get("name", ""),
                )
                for w in obj.warnings
            ),
        )
        return format_html('<table class="text-sm border" id="batch-warnings">{}</table>', rows)

    list_filter = ["kind", "committed"]
    search_fields = ["file_name", "file_hash"]
    list_select_related = ["unit", "user"]
    nav_icon = "upload_file"
