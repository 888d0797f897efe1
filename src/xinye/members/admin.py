"""Console for member development, transfers, 流动党员, dues and learning.

Writes go through members.services (the admins' `save_object` hooks); forms validate through the
services' pure `clean_*` functions (`validate_object`), so a refused step or payment shows as a form error
in Chinese beside its field. Rule tables (steps, intervals, dues bands) are editable only by city-level staff.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xinye.accounts.permissions import grants_for, is_system, object_type, require, restrict
from xinye.console.admin import ReadOnlyInline, ScopedAdmin
from xinye.core.errors import OutOfScope, Refused
from xinye.core.filters import FilteredAdmin
from xinye.ledger.models import PartyMember, Practitioner
from xinye.members import services
from xinye.members.choices import TransferStatus
from xinye.members.filters import (
    CASE_FILTERS,
    COURSE_FILTERS,
    DECLARATION_FILTERS,
    FLOWING_FILTERS,
    PAYMENT_FILTERS,
    STUDY_FILTERS,
    TRANSFER_FILTERS,
)
from xinye.members.models import (
    Course,
    DevelopmentCase,
    DevelopmentRecord,
    DevelopmentStep,
    DuesBand,
    DuesPayment,
    FlowingMember,
    IncomeDeclaration,
    StepInterval,
    StudyRecord,
    TransferLetter,
)
from xinye.orgs.choices import PARTY_ORG_KINDS
from xinye.orgs.models import OrgUnit


def party_units(user, action="add"):
    return restrict(OrgUnit.objects.filter(kind__in=PARTY_ORG_KINDS), user, "view").order_by("path")


class MemberPlacedAdmin(ScopedAdmin):
    """Rows whose unit follows the member they are about (declarations, payments): a new row is placed
    in the member's organisation, and the actor must reach that member."""

    def validate_object(self, actor, obj, change):
        require(actor, "view", obj.member)
        require(actor, "change" if change else "add", model=self.model, unit=obj.member.unit)


class CityRuleAdmin(ScopedAdmin):
    """Reference rules: everyone with access may read them; only city-level staff may edit (checked for the
    buttons and again at the write door)."""

    def _city(self, user, action) -> bool:
        if is_system(user):
            return True
        otype = object_type(self.model)
        return any(
            g.allows(action, otype) and any(p.count("/") == 2 for p in g.prefixes) for g in grants_for(user)
        )

    def has_add_permission(self, request):
        return self._city(request.user, "add")

    def has_change_permission(self, request, obj=None):
        return self._city(request.user, "change")

    def has_delete_permission(self, request, obj=None):
        return self._city(request.user, "delete")

    def save_object(self, actor, obj, form, change):
        if not self._city(actor, "change" if change else "add"):
            raise OutOfScope()
        return super().save_object(actor, obj, form, change)

    def delete_object(self, actor, obj):
        if not self._city(actor, "delete"):
            raise OutOfScope()
        super().delete_object(actor, obj)


@admin.register(DevelopmentStep)
class DevelopmentStepAdmin(CityRuleAdmin):
    list_display = ["number", "stage_name", "name", "actors", "documents", "source"]
    list_display_links = ["name"]
    nav_icon = "format_list_numbered"
    ordering = ["number"]

    def has_add_permission(self, request):
        return False  # 25 steps, fixed by the 细则

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StepInterval)
class StepIntervalAdmin(CityRuleAdmin):
    list_display = ["__str__", "min_days", "max_days", "rule", "source"]
    nav_icon = "timer"


@admin.register(DuesBand)
class DuesBandAdmin(CityRuleAdmin):
    list_display = ["lower", "upper", "rate", "source"]
    nav_icon = "percent"


# --- development ---


class CaseForm(forms.ModelForm):
    applied_on = forms.DateField(
        label=_("递交入党申请书日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = DevelopmentCase
        fields = ["practitioner", "unit"]

    def clean(self):
        data = super().clean()
        # Not a model field: carried on the instance for the admin's validate_object (step 1's checks).
        self.instance.applied_on = data.get("applied_on")
        return data


class DevelopmentRecordInline(ReadOnlyInline):
    model = DevelopmentRecord
    fields = ["step", "date", "actor_names", "note", "late_reason", "recorded_by"]

    @admin.display(description=_("联系人/介绍人"))
    def actor_names(self, record):
        return _("、").join(m.practitioner.name for m in record.actors.all()) or "—"


class StageFilter(admin.SimpleListFilter):
    title = _("阶段")
    parameter_name = "stage"

    def lookups(self, request, model_admin):
        # the stage labels are services.PIPELINE_STAGES' Chinese, which are also ledger.PoliticalStatus labels
        return [(key, gettext(label)) for key, label, _r in services.PIPELINE_STAGES] + [
            ("probationary", _("预备党员"))
        ]

    def queryset(self, request, queryset):
        ranges = {key: r for key, _l, r in services.PIPELINE_STAGES}
        ranges["probationary"] = (17, 24)
        if self.value() in ranges:
            low, high = ranges[self.value()]
            return queryset.filter(current_step__gte=low, current_step__lte=high)
        return queryset


@admin.register(DevelopmentCase)
class DevelopmentCaseAdmin(FilteredAdmin, ScopedAdmin):
    list_display = ["practitioner", "unit", "step_label", "current_step_on", "status", "next_label"]
    filters = CASE_FILTERS
    extra_list_filter = (StageFilter,)
    list_select_related = ["practitioner", "unit"]
    raw_id_fields = ["practitioner"]
    inlines = [DevelopmentRecordInline]
    change_form_template = "members/case_change_form.html"
    nav_icon = "how_to_reg"

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = CaseForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["practitioner", "unit", "applied_on", "note"]
        return [
            "practitioner",
            "unit",
            "current_step",
            "current_step_on",
            "status",
            "probation_extended_months",
            "closed_on",
            "close_reason",
        ]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = party_units(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        if not change:
            services.clean_open_case(obj.practitioner)
            if getattr(obj, "applied_on", None):
                services.clean_application(obj.practitioner, obj.applied_on)

    def save_object(self, actor, obj, form, change):
        if change:
            return obj  # every field is read-only: steps are recorded through the buttons of the page
        return services.open_case(
            obj.practitioner,
            obj.unit,
            form.cleaned_data["applied_on"],
            actor=actor,
            note=form.cleaned_data.get("note", ""),
        )

    @admin.display(description=_("当前步骤"), ordering="current_step")
    def step_label(self, case):
        step = DevelopmentStep.objects.filter(number=case.current_step).first()
        return (
            _("第%(number)s步 %(name)s") % {"number": case.current_step, "name": step.name} if step else "—"
        )

    @admin.display(description=_("下一步（最早日期）"))
    def next_label(self, case):
        info = services.next_step(case)
        if info.step is None:
            return "—"
        when = _("，%(date)s 起") % {"date": f"{info.earliest:%Y-%m-%d}"} if info.earliest else ""
        return _("第%(number)s步 %(name)s") % {"number": info.step.number, "name": info.step.name} + when

    # --- record a step, extend probation, close: POST-only views behind the change page ---

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/step/", wrap(self.step_view), name="members_developmentcase_step"),
            path("<path:object_id>/extend/", wrap(self.extend_view), name="members_developmentcase_extend"),
            path("<path:object_id>/close/", wrap(self.close_view), name="members_developmentcase_close"),
            *super().get_urls(),
        ]

    def _case_for_change(self, request, object_id):
        case = self.get_object(request, object_id)
        if case is None or not self.has_change_permission(request, case):
            raise Http404(_("对象不存在或不在您的管辖范围内"))
        if request.method != "POST":
            raise Http404
        return case

    def _back(self, case):
        return HttpResponseRedirect(reverse("admin:members_developmentcase_change", args=[case.pk]))

    @staticmethod
    def _number(value) -> int:
        try:
            return int(value or 0)
        except ValueError:
            raise Refused("请填写数字") from None

    @staticmethod
    def _date(value):
        try:
            return datetime.date.fromisoformat(value or "")
        except ValueError:
            raise Refused(gettext("请填写正确的日期（如 2026-11-28）")) from None

    def step_view(self, request, object_id):
        case = self._case_for_change(request, object_id)
        try:
            actors = list(
                restrict(PartyMember.objects.all(), request.user, "view").filter(
                    pk__in=request.POST.getlist("actors")
                )
            )
            documents = [
                (request.POST.get("document_title") or f.name, f) for f in request.FILES.getlist("documents")
            ]
            services.record_step(
                case,
                self._number(request.POST.get("step")),
                self._date(request.POST.get("date")),
                actors=actors,
                documents=documents,
                actor=request.user,
                note=request.POST.get("note", ""),
                late_reason=request.POST.get("late_reason", ""),
            )
            messages.success(request, _("已记录。"))
        except Refused as exc:
            messages.error(request, _("未记录：%(errors)s") % {"errors": _("；").join(exc.messages)})
        return self._back(case)

    def extend_view(self, request, object_id):
        case = self._case_for_change(request, object_id)
        try:
            services.extend_probation(
                case,
                self._number(request.POST.get("months")),
                self._date(request.POST.get("date")),
                actor=request.user,
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("已延长预备期。"))
        except Refused as exc:
            messages.error(request, _("未延长：%(error)s") % {"error": _("；").join(exc.messages)})
        return self._back(case)

    def close_view(self, request, object_id):
        case = self._case_for_change(request, object_id)
        try:
            services.close_case(
                case, self._date(request.POST.get("date")), request.POST.get("reason", ""), actor=request.user
            )
            messages.success(request, _("已结束该档案。"))
        except Refused as exc:
            messages.error(request, _("未结束：%(error)s") % {"error": _("；").join(exc.messages)})
        return self._back(case)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        case = self.get_object(request, object_id)
        if case is not None and self.has_view_permission(request, case):
            info = services.next_step(case)
            extra_context.update(
                {
                    "case": case,
                    "next": info,
                    "allowed": DevelopmentStep.objects.filter(number__in=services.allowed_steps(case)),
                    "history": case.records.select_related("step").prefetch_related(
                        "actors__practitioner", "documents"
                    ),
                    "probation_end": services.probation_end(case),
                    "can_change": self.has_change_permission(request, case),
                    "full_members": restrict(PartyMember.objects.all(), request.user, "view")
                    .filter(is_full=True, unit__path__startswith=case.unit.path)
                    .exclude(practitioner=case.practitioner)
                    .select_related("practitioner")[:200],
                    "today": timezone.localdate(),
                    "probationary": services.APPROVAL <= case.current_step < services.PROBATION_VOTE,
                }
            )
        return super().change_view(request, object_id, form_url, extra_context)


# --- transfers and 流动党员 ---


class TransferForm(forms.ModelForm):
    class Meta:
        model = TransferLetter
        fields = [
            "direction",
            "letter_no",
            "member",
            "member_name",
            "unit",
            "other_organisation",
            "other_region",
            "cross_province",
            "issued_on",
            "note",
        ]
        help_texts = {"cross_province": _("不勾选时按对方所在地自动判断（区外为跨省，有效期 6 个月）")}


@admin.register(TransferLetter)
class TransferLetterAdmin(FilteredAdmin, ScopedAdmin):
    list_display = [
        "member_name",
        "direction",
        "unit",
        "other_organisation",
        "cross_province",
        "issued_on",
        "valid_until",
        "status_label",
        "receipt_on",
    ]
    filters = TRANSFER_FILTERS
    list_select_related = ["unit"]
    raw_id_fields = ["member"]
    actions = ["mark_expired", "cancel_letters"]
    nav_icon = "move_up"

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = TransferForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return TransferForm.Meta.fields
        return [*TransferForm.Meta.fields, "valid_until", "status", "receipt_on"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        editable = ["receipt_on"] if obj.status == TransferStatus.ISSUED else []
        return [f for f in self.get_fields(request, obj) if f not in editable]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = party_units(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        if not change:
            services.clean_transfer(obj)
        elif obj.receipt_on:
            services.clean_receipt(obj, obj.receipt_on)

    def save_object(self, actor, obj, form, change):
        if not change:
            return services.issue_transfer(
                direction=obj.direction,
                unit=obj.unit,
                member=obj.member,
                member_name=obj.member_name,
                other_organisation=obj.other_organisation,
                other_region=obj.other_region,
                cross_province=True if obj.cross_province else None,
                issued_on=obj.issued_on,
                letter_no=obj.letter_no,
                note=obj.note,
                actor=actor,
            )
        if obj.receipt_on and "receipt_on" in form.changed_data:
            return services.record_receipt(obj, obj.receipt_on, actor=actor)
        return obj  # nothing else of a letter is edited by hand

    @admin.display(description=_("状态"))
    def status_label(self, letter):
        if letter.is_expired(timezone.localdate()):
            return format_html(
                '<span class="text-red-600 font-semibold">{}</span>',
                _("已过期（%(date)s）") % {"date": letter.valid_until},
            )
        return letter.get_status_display()

    @admin.action(description=_("将所选中已过有效期的介绍信标记为过期"))
    def mark_expired(self, request, queryset):
        count = services.expire_transfers(timezone.localdate(), queryset, actor=request.user)
        self.message_user(request, _("已标记 %(count)s 封介绍信过期。") % {"count": count})

    @admin.action(description=_("作废所选介绍信"))
    def cancel_letters(self, request, queryset):
        done = 0
        for letter in restrict(queryset, request.user, "change").filter(status=TransferStatus.ISSUED):
            try:
                services.cancel_transfer(letter, actor=request.user, reason="工作台作废")
            except Refused as exc:
                self.message_user(request, f"{letter}：{'；'.join(exc.messages)}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, _("已作废 %(count)s 封。") % {"count": done})


class FlowingForm(forms.ModelForm):
    practitioner = forms.ModelChoiceField(
        queryset=Practitioner.objects.none(), label=_("从业人员"), widget=forms.NumberInput, required=True
    )

    class Meta:
        model = FlowingMember
        fields = [
            "unit",
            "home_organisation",
            "home_region",
            "home_contact",
            "home_contact_phone",
            "certificate_no",
            "registered_on",
            "period_until",
            "note",
        ]


@admin.register(FlowingMember)
class FlowingMemberAdmin(FilteredAdmin, ScopedAdmin):
    list_display = [
        "member",
        "unit",
        "home_region",
        "home_organisation",
        "registered_on",
        "period_until",
        "status",
    ]
    filters = FLOWING_FILTERS
    list_select_related = ["member__practitioner", "unit"]
    nav_icon = "directions_walk"

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = FlowingForm
            form = super().get_form(request, obj, change=change, **kwargs)
            form.base_fields["practitioner"].queryset = restrict(
                Practitioner.objects.all(), request.user, "view"
            )
            form.base_fields["practitioner"].help_text = _("填写从业人员编号（从业人员台账中可查）")
            return form
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["practitioner", *FlowingForm.Meta.fields]
        return ["member", *FlowingForm.Meta.fields, "status"]

    def get_readonly_fields(self, request, obj=None):
        return ["member"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = party_units(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_object(self, actor, obj, form, change):
        if change:
            return super().save_object(actor, obj, form, change)
        flowing = services.register_flowing_member(
            practitioner=form.cleaned_data["practitioner"],
            unit=obj.unit,
            home_organisation=obj.home_organisation,
            home_region=obj.home_region,
            home_contact=obj.home_contact,
            home_contact_phone=obj.home_contact_phone,
            certificate_no=obj.certificate_no,
            registered_on=obj.registered_on,
            period_until=obj.period_until,
            note=obj.note,
            actor=actor,
        )
        obj.member_id = flowing.member_id  # the admin goes on (log entry, message) with the form's instance
        return flowing


# --- dues ---


@admin.register(IncomeDeclaration)
class IncomeDeclarationAdmin(FilteredAdmin, MemberPlacedAdmin):
    list_display = ["member", "month", "basis", "net_income", "dues"]
    filters = DECLARATION_FILTERS
    list_select_related = ["member__practitioner"]
    raw_id_fields = ["member"]
    fields = ["member", "month", "basis", "net_income"]
    nav_icon = "request_quote"

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        services.clean_income(obj.net_income)

    def save_object(self, actor, obj, form, change):
        return services.declare_income(obj.member, obj.month, obj.net_income, basis=obj.basis, actor=actor)

    @admin.display(description=_("当月应交（元）"))
    def dues(self, declaration):
        try:
            return services.monthly_dues(declaration.member, declaration.month)
        except Refused:
            return "—"


@admin.register(DuesPayment)
class DuesPaymentAdmin(FilteredAdmin, MemberPlacedAdmin):
    list_display = ["member", "unit", "month_from", "month_to", "amount", "paid_on", "recorded_by"]
    filters = PAYMENT_FILTERS
    list_select_related = ["member__practitioner", "unit", "recorded_by"]
    raw_id_fields = ["member"]
    fields = ["member", "month_from", "month_to", "amount", "paid_on", "note"]
    nav_icon = "payments"

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else []

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        if not change:
            services.clean_payment(obj.member, obj.month_from, obj.month_to, obj.amount)

    def save_object(self, actor, obj, form, change):
        if change:
            return obj  # a recorded payment is not edited (every field is read-only)
        return services.record_payment(
            obj.member, obj.month_from, obj.month_to, obj.amount, obj.paid_on, actor=actor, note=obj.note
        )


# --- learning ---


@admin.register(Course)
class CourseAdmin(FilteredAdmin, ScopedAdmin):
    list_display = ["title", "kind", "mode", "hours", "unit", "held_on", "provider", "attendees"]
    filters = COURSE_FILTERS
    list_select_related = ["unit"]
    fields = ["title", "kind", "mode", "hours", "unit", "held_on", "provider"]
    nav_icon = "school"

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        services.clean_course(obj.hours)

    def save_object(self, actor, obj, form, change):
        if change:
            return super().save_object(actor, obj, form, change)
        return services.create_course(
            title=obj.title,
            unit=obj.unit,
            kind=obj.kind,
            mode=obj.mode,
            hours=obj.hours,
            held_on=obj.held_on,
            provider=obj.provider,
            actor=actor,
        )

    @admin.display(description=_("学习人次"))
    def attendees(self, course):
        return course.records.count()


@admin.register(StudyRecord)
class StudyRecordAdmin(FilteredAdmin, ScopedAdmin):
    list_display = ["practitioner", "unit", "date", "kind", "title", "hours", "points", "source", "platform"]
    filters = STUDY_FILTERS
    list_select_related = ["practitioner", "unit"]
    raw_id_fields = ["practitioner"]
    fields = ["practitioner", "course", "kind", "title", "date", "hours", "points"]
    date_hierarchy = "date"
    nav_icon = "menu_book"

    def get_readonly_fields(self, request, obj=None):
        return ["practitioner", "source", "platform"] if obj is not None else []

    def validate_object(self, actor, obj, change):
        if change:
            super().validate_object(actor, obj, change)
        else:
            unit = services.party_unit_of(obj.practitioner, obj.course.unit if obj.course_id else None)
            require(actor, "add", model=StudyRecord, unit=unit)
        services.clean_study(course=obj.course, title=obj.title, hours=obj.hours)

    def save_object(self, actor, obj, form, change):
        if change:
            return super().save_object(actor, obj, form, change)
        return services.record_study(
            obj.practitioner,
            obj.date,
            course=obj.course,
            hours=obj.hours,
            kind=obj.kind,
            title=obj.title,
            points=obj.points,
            actor=actor,
        )
