"""Console for member development, transfers, 流动党员, dues and learning.

Writes go through members.services: a form's clean() performs the service call, so a refused step or
payment shows as a form error in Chinese. Rule tables (steps, intervals, dues bands) are editable only
by city-level staff.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xinye.accounts.permissions import grants_for, object_type, restrict
from xinye.console.admin import ReadOnlyInline, ScopedAdmin
from xinye.ledger.models import PartyMember, Practitioner
from xinye.members import services
from xinye.members.choices import TransferStatus
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


class ServiceAdmin(ScopedAdmin):
    """Adds and changes are performed by a service function inside the form's clean()."""

    def perform(self, request, obj, data):  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ServiceForm(form_class):
            def clean(self):
                data = super().clean()
                if self.errors:
                    return data
                try:
                    with transaction.atomic():
                        self._result = model_admin.perform(request, obj, data)
                except (ValueError, PermissionDenied) as exc:
                    raise ValidationError(str(exc)) from exc
                return data

        return form_class if not self._performs(obj) else ServiceForm

    def _performs(self, obj) -> bool:
        return True

    def save_model(self, request, obj, form, change):
        result = getattr(form, "_result", None)
        if result is None:
            return super().save_model(request, obj, form, change)
        obj.__dict__.update({k: v for k, v in result.__dict__.items() if k != "_state"})
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        if getattr(form, "_result", None) is None:
            super().save_related(request, form, formsets, change)


class CityRuleAdmin(ScopedAdmin):
    """Reference rules: everyone with access may read them; only city-level staff may edit."""

    def _city(self, request, action):
        otype = object_type(self.model)
        return any(
            g.allows(action, otype) and any(p.count("/") == 2 for p in g.prefixes)
            for g in grants_for(request.user)
        )

    def has_add_permission(self, request):
        return self._city(request, "add")

    def has_change_permission(self, request, obj=None):
        return self._city(request, "change")

    def has_delete_permission(self, request, obj=None):
        return self._city(request, "delete")


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
class DevelopmentCaseAdmin(ServiceAdmin):
    list_display = ["practitioner", "unit", "step_label", "current_step_on", "status", "next_label"]
    list_filter = ["status", StageFilter]
    search_fields = ["practitioner__name", "unit__name"]
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

    def _performs(self, obj):
        return obj is None

    def perform(self, request, obj, data):
        return services.open_case(
            data["practitioner"],
            data["unit"],
            data["applied_on"],
            actor=request.user,
            note=data.get("note", ""),
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
    def _date(value):
        try:
            return datetime.date.fromisoformat(value or "")
        except ValueError as exc:
            raise ValueError(_("请填写正确的日期（如 2026-11-28）")) from exc

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
                int(request.POST.get("step") or 0),
                self._date(request.POST.get("date")),
                actors=actors,
                documents=documents,
                actor=request.user,
                note=request.POST.get("note", ""),
                late_reason=request.POST.get("late_reason", ""),
            )
            messages.success(request, _("已记录。"))
        except (ValueError, PermissionDenied, ValidationError) as exc:
            messages.error(
                request,
                _("未记录：%(errors)s") % {"errors": _("；").join(getattr(exc, "messages", [str(exc)]))},
            )
        return self._back(case)

    def extend_view(self, request, object_id):
        case = self._case_for_change(request, object_id)
        try:
            services.extend_probation(
                case,
                int(request.POST.get("months") or 0),
                self._date(request.POST.get("date")),
                actor=request.user,
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("已延长预备期。"))
        except (ValueError, PermissionDenied) as exc:
            messages.error(request, _("未延长：%(error)s") % {"error": exc})
        return self._back(case)

    def close_view(self, request, object_id):
        case = self._case_for_change(request, object_id)
        try:
            services.close_case(
                case, self._date(request.POST.get("date")), request.POST.get("reason", ""), actor=request.user
            )
            messages.success(request, _("已结束该档案。"))
        except (ValueError, PermissionDenied) as exc:
            messages.error(request, _("未结束：%(error)s") % {"error": exc})
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
class TransferLetterAdmin(ServiceAdmin):
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
    list_filter = ["direction", "status", "cross_province"]
    search_fields = ["member_name", "other_organisation", "letter_no"]
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

    def _performs(self, obj):
        return obj is None or obj.status == TransferStatus.ISSUED

    def perform(self, request, obj, data):
        if obj is None:
            return services.issue_transfer(
                direction=data["direction"],
                unit=data["unit"],
                member=data.get("member"),
                member_name=data.get("member_name", ""),
                other_organisation=data["other_organisation"],
                other_region=data.get("other_region", ""),
                cross_province=True if data.get("cross_province") else None,
                issued_on=data["issued_on"],
                letter_no=data.get("letter_no", ""),
                note=data.get("note", ""),
                actor=request.user,
            )
        if data.get("receipt_on"):
            return services.record_receipt(obj, data["receipt_on"], actor=request.user)
        return obj

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
        count = services.expire_transfers(timezone.localdate(), restrict(queryset, request.user, "change"))
        self.message_user(request, _("已标记 %(count)s 封介绍信过期。") % {"count": count})

    @admin.action(description=_("作废所选介绍信"))
    def cancel_letters(self, request, queryset):
        done = 0
        for letter in restrict(queryset, request.user, "change").filter(status=TransferStatus.ISSUED):
            services.cancel_transfer(letter, actor=request.user, reason="工作台作废")
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
class FlowingMemberAdmin(ServiceAdmin):
    list_display = [
        "member",
        "unit",
        "home_region",
        "home_organisation",
        "registered_on",
        "period_until",
        "status",
    ]
    list_filter = ["status"]
    search_fields = ["member__practitioner__name", "home_organisation", "home_region"]
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

    def _performs(self, obj):
        return obj is None

    def perform(self, request, obj, data):
        return services.register_flowing_member(
            practitioner=data["practitioner"],
            unit=data["unit"],
            home_organisation=data["home_organisation"],
            home_region=data["home_region"],
            home_contact=data.get("home_contact", ""),
            home_contact_phone=data.get("home_contact_phone", ""),
            certificate_no=data.get("certificate_no", ""),
            registered_on=data["registered_on"],
            period_until=data.get("period_until"),
            note=data.get("note", ""),
            actor=request.user,
        )


# --- dues ---


@admin.register(IncomeDeclaration)
class IncomeDeclarationAdmin(ServiceAdmin):
    list_display = ["member", "month", "basis", "net_income", "dues"]
    list_filter = ["basis", "month"]
    search_fields = ["member__practitioner__name"]
    list_select_related = ["member__practitioner"]
    raw_id_fields = ["member"]
    fields = ["member", "month", "basis", "net_income"]
    nav_icon = "request_quote"

    def perform(self, request, obj, data):
        if obj is not None:
            services._check(request.user, "change", obj)
        return services.declare_income(
            data["member"], data["month"], data["net_income"], basis=data["basis"], actor=request.user
        )

    @admin.display(description=_("当月应交（元）"))
    def dues(self, declaration):
        try:
            return services.monthly_dues(declaration.member, declaration.month)
        except ValueError:
            return "—"


@admin.register(DuesPayment)
class DuesPaymentAdmin(ServiceAdmin):
    list_display = ["member", "unit", "month_from", "month_to", "amount", "paid_on", "recorded_by"]
    list_filter = ["paid_on"]
    search_fields = ["member__practitioner__name"]
    list_select_related = ["member__practitioner", "unit", "recorded_by"]
    raw_id_fields = ["member"]
    fields = ["member", "month_from", "month_to", "amount", "paid_on", "note"]
    nav_icon = "payments"

    def _performs(self, obj):
        return obj is None

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else []

    def perform(self, request, obj, data):
        return services.record_payment(
            data["member"],
            data["month_from"],
            data["month_to"],
            data["amount"],
            data["paid_on"],
            actor=request.user,
            note=data.get("note", ""),
        )


# --- learning ---


@admin.register(Course)
class CourseAdmin(ServiceAdmin):
    list_display = ["title", "kind", "mode", "hours", "unit", "held_on", "provider", "attendees"]
    list_filter = ["kind", "mode"]
    search_fields = ["title", "provider"]
    list_select_related = ["unit"]
    fields = ["title", "kind", "mode", "hours", "unit", "held_on", "provider"]
    nav_icon = "school"

    def _performs(self, obj):
        return obj is None

    def perform(self, request, obj, data):
        return services.create_course(
            title=data["title"],
            unit=data["unit"],
            kind=data["kind"],
            mode=data["mode"],
            hours=data["hours"],
            held_on=data.get("held_on"),
            provider=data.get("provider", ""),
            actor=request.user,
        )

    @admin.display(description=_("学习人次"))
    def attendees(self, course):
        return course.records.count()


@admin.register(StudyRecord)
class StudyRecordAdmin(ServiceAdmin):
    list_display = ["practitioner", "unit", "date", "kind", "title", "hours", "points", "source", "platform"]
    list_filter = ["kind", "source", "platform"]
    search_fields = ["practitioner__name", "title"]
    list_select_related = ["practitioner", "unit"]
    raw_id_fields = ["practitioner"]
    fields = ["practitioner", "course", "kind", "title", "date", "hours", "points"]
    date_hierarchy = "date"
    nav_icon = "menu_book"

    def _performs(self, obj):
        return obj is None

    def get_readonly_fields(self, request, obj=None):
        return ["practitioner", "source", "platform"] if obj is not None else []

    def perform(self, request, obj, data):
        return services.record_study(
            data["practitioner"],
            data["date"],
            course=data.get("course"),
            hours=data.get("hours"),
            kind=data.get("kind"),
            title=data.get("title", ""),
            points=data.get("points"),
            actor=request.user,
        )
