"""Console: funds through their services — apply (the add form), review (approve/reject with a reason),
disburse, record spending with its receipt, reverse a disbursement or a spending line by a counter-entry,
close the year with its performance grade; the balances by county, industry, organisation and year; the
spending list as Excel. Posted entries are shown, never edited or deleted."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from xinye.accounts.permissions import has_action, in_scope, require, restrict
from xinye.console.admin import ReadOnlyInline, ScopedAdmin, add_refusal
from xinye.console.exports import statistics_export
from xinye.core.context import current_actor
from xinye.core.filters import FilteredAdmin
from xinye.funds import exporters, services
from xinye.funds.choices import AllocationStatus, Performance
from xinye.funds.filters import ALLOCATION_FILTERS, DISBURSEMENT_FILTERS, SPENDING_FILTERS
from xinye.funds.models import Allocation, Disbursement, Spending

S = AllocationStatus
BUTTON = '<a class="bg-primary-600 text-white px-3 py-1 rounded" href="{}">{}</a>'


def _no_404(request, queryset, action, pk):
    obj = restrict(queryset, request.user, action).filter(pk=pk).first()
    if obj is None:
        raise Http404(_("对象不存在或不在您的管辖范围内"))
    return obj


def _date_field(label, required=True):
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
    )


class ApproveForm(forms.Form):
    amount = forms.DecimalField(label=_("批准金额（元）"), max_digits=12, decimal_places=2, min_value=0)
    note = forms.CharField(label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("不予批准的理由"), widget=forms.Textarea(attrs={"rows": 3}))


class DisburseForm(forms.Form):
    amount = forms.DecimalField(label=_("拨付金额（元）"), max_digits=12, decimal_places=2, min_value=0)
    date = _date_field(_("拨付日期"))
    voucher = forms.CharField(label=_("凭证号"), required=False, max_length=64)
    note = forms.CharField(label=_("说明"), required=False, max_length=255)


class CloseForm(forms.Form):
    performance = forms.ChoiceField(label=_("绩效评价"), choices=Performance.choices)
    note = forms.CharField(label=_("绩效说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    date = _date_field(_("结算日期"))


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("冲销理由"), widget=forms.Textarea(attrs={"rows": 3}))
    date = _date_field(_("冲销日期"))


# Allocation actions: (label, form, service call, the states it applies to)
ACTIONS = {
    "approve": (_("审核通过"), ApproveForm, (S.APPLIED,)),
    "reject": (_("不予批准"), RejectForm, (S.APPLIED,)),
    "disburse": (_("拨付"), DisburseForm, (S.APPROVED, S.DISBURSED)),
    "close": (_("年度结算"), CloseForm, (S.APPROVED, S.DISBURSED)),
}


def _run(action, allocation, data, actor):
    if action == "approve":
        return services.approve(allocation, actor=actor, amount=data["amount"], note=data["note"])
    if action == "reject":
        return services.reject(allocation, actor=actor, reason=data["reason"])
    if action == "disburse":
        return services.disburse(
            allocation,
            actor=actor,
            amount=data["amount"],
            date=data["date"],
            voucher=data["voucher"],
            note=data["note"],
        )
    return services.close_year(
        allocation, actor=actor, performance=data["performance"], note=data["note"], date=data["date"]
    )


def _action_page(admin_obj, request, *, title, intro, form, back):
    context = {
        **admin_obj.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "form": form,
        "back": back,
        "opts": admin_obj.model._meta,
    }
    return TemplateResponse(request, "funds/action.html", context)


class _EntryInline(ReadOnlyInline):
    fk_name = "allocation"

    def has_view_permission(self, request, obj=None):
        return has_action(request.user, "view", self.model)  # xinye roles, not Django's model permissions


class DisbursementInline(_EntryInline):
    model = Disbursement
    fields = ("date", "amount", "voucher", "note", "reverses", "created_by")


class SpendingInline(_EntryInline):
    model = Spending
    fields = ("date", "purpose", "amount", "description", "receipt", "reverses", "created_by")


class AllocationForm(forms.ModelForm):
    class Meta:
        model = Allocation
        fields = ["kind", "year", "unit", "amount", "purpose"]


@admin.register(Allocation)
class AllocationAdmin(FilteredAdmin, ScopedAdmin):
    form = AllocationForm
    nav_icon = "account_balance_wallet"
    filters = ALLOCATION_FILTERS
    list_display = ("unit", "kind", "year", "region", "amount", "disbursed", "spent", "balance", "status")
    list_select_related = ("unit", "region")
    autocomplete_fields = ("unit",)
    inlines = [DisbursementInline, SpendingInline]

    def get_queryset(self, request):
        return services.with_figures(super().get_queryset(request))

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # an application has no entries yet

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["kind", "year", "unit", "amount", "purpose"]
        return [
            "kind",
            "year",
            "unit",
            "region",
            "industry",
            "amount",
            "purpose",
            "status",
            "figures",
            "next_steps",
            "formation_case",
            "applied_on",
            "applied_by",
            "reviewed_on",
            "reviewed_by",
            "review_note",
            "closed_on",
            "closing_balance",
            "performance",
            "performance_note",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fields = [f for f in self.get_fields(request, obj) if f not in ("amount", "purpose")]
        if obj.status != S.APPLIED:
            fields += ["amount", "purpose"]
        return fields

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.status == S.APPLIED)

    def has_delete_permission(self, request, obj=None):
        return False  # an application is rejected, a payment reversed: the record stays

    def get_changeform_initial_data(self, request):
        return {"year": timezone.localdate().year, **super().get_changeform_initial_data(request)}

    @admin.display(description=_("已拨付（元）"))
    def disbursed(self, obj):
        return services.yuan(getattr(obj, "disbursed_total", None))

    @admin.display(description=_("已使用（元）"))
    def spent(self, obj):
        return services.yuan(getattr(obj, "spent_total", None))

    @admin.display(description=_("余额（元）"))
    def balance(self, obj):
        return services.yuan((obj.disbursed_total or 0) - (obj.spent_total or 0))

    @admin.display(description=_("收支"))
    def figures(self, obj):
        f = services.allocation_figures(obj)
        return format_html(
            "批准 {} 元 · 已拨付 {} 元 · 已使用 {} 元 · 余额 {} 元",
            services.yuan(obj.amount if obj.status != S.APPLIED else 0),
            services.yuan(f["disbursed"]),
            services.yuan(f["spent"]),
            services.yuan(f["balance"]),
        )

    @admin.display(description=_("办理"))
    def next_steps(self, obj):
        user = current_actor().user
        links = []
        if in_scope(user, "approve", obj):
            for action, (label, _form, states) in ACTIONS.items():
                if obj.status in states:
                    links.append((reverse("admin:funds_allocation_act", args=[obj.pk, action]), label))
        if obj.status == S.DISBURSED and has_action(user, "add", Spending):
            links.append((reverse("admin:funds_spending_add") + f"?allocation={obj.pk}", _("登记支出")))
        if not links:
            return _("无可办理的事项")
        return format_html_join(" ", BUTTON, links)

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        if not change:
            services.clean_application(
                kind=obj.kind, unit=obj.unit if obj.unit_id else None, year=obj.year, amount=obj.amount
            )
        elif obj.amount is not None:
            services.clean_amount(obj.amount)

    def save_object(self, actor, obj, form, change):
        if change:
            return services.update_application(obj, actor=actor, amount=obj.amount, purpose=obj.purpose)
        return services.apply_for_funds(
            actor=actor, kind=obj.kind, unit=obj.unit, year=obj.year, amount=obj.amount, purpose=obj.purpose
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/act/<str:action>/",
                self.admin_site.admin_view(self.action_view),
                name="funds_allocation_act",
            ),
            path(
                "balances/", self.admin_site.admin_view(self.balances_view), name="funds_allocation_balances"
            ),
            *super().get_urls(),
        ]

    def action_view(self, request, pk, action):
        if action not in ACTIONS:
            raise Http404(_("对象不存在或不在您的管辖范围内"))
        allocation = _no_404(request, Allocation.objects.all(), "approve", pk)
        label, form_class, _states = ACTIONS[action]
        initial = {}
        if action == "approve":
            initial["amount"] = allocation.amount
        if action == "disburse":
            initial["amount"] = allocation.amount - services.allocation_figures(allocation)["disbursed"]
        form = form_class(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                _run(action, allocation, form.cleaned_data, request.user)
            except ValidationError as exc:
                add_refusal(form, exc)
            else:
                messages.success(request, _("已办理：%(action)s") % {"action": label})
                return HttpResponseRedirect(reverse("admin:funds_allocation_change", args=[allocation.pk]))
        f = services.allocation_figures(allocation)
        intro = _(
            "%(allocation)s：%(status)s；金额 %(amount)s 元，已拨付 %(disbursed)s 元，已使用 %(spent)s 元。"
        ) % {
            "allocation": allocation,
            "status": allocation.get_status_display(),
            "amount": services.yuan(allocation.amount),
            "disbursed": services.yuan(f["disbursed"]),
            "spent": services.yuan(f["spent"]),
        }
        return _action_page(
            self,
            request,
            title=f"{label}：{allocation}",
            intro=intro,
            form=form,
            back=reverse("admin:funds_allocation_change", args=[allocation.pk]),
        )

    @statistics_export(Allocation)
    def balances_view(self, request):
        """经费收支统计: the caller's funds of one year by county, industry, kind and organisation."""
        if not has_action(request.user, "view", Allocation):
            raise Http404(_("对象不存在或不在您的管辖范围内"))
        try:
            year = int(request.GET.get("year") or timezone.localdate().year)
        except ValueError:
            year = timezone.localdate().year
        allocations = restrict(Allocation.objects.all(), request.user, "view").filter(year=year)
        tables = [
            (_("按旗县区"), services.balances_by(allocations, "county")),
            (_("按行业"), services.balances_by(allocations, "industry")),
            (_("按经费类别"), services.balances_by(allocations, "kind")),
            (_("按组织"), services.balances_by(allocations, "organisation")),
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(year)s 年度党建经费收支统计") % {"year": year},
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
            "total": services.totals(allocations),
            "tables": tables,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "funds/balances.html", context)


class _PostedAdmin(FilteredAdmin, ScopedAdmin):
    """A posted entry: shown, reversed by a counter-entry, never changed or deleted."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("冲销"), boolean=True)
    def is_counter(self, obj):
        return obj.reverses_id is not None

    @admin.display(description=_("冲销"))
    def reverse_link(self, obj):
        user = current_actor().user
        if obj.pk is None or obj.reverses_id or obj.amount <= 0 or _is_reversed(obj):
            return "—"
        if not in_scope(user, self.reverse_action, obj) or obj.allocation.status == S.CLOSED:
            return "—"
        meta = self.model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_reverse", args=[obj.pk])
        return format_html(BUTTON, url, _("冲销"))

    def get_urls(self):
        meta = self.model._meta
        return [
            path(
                "<int:pk>/reverse/",
                self.admin_site.admin_view(self.reverse_view),
                name=f"{meta.app_label}_{meta.model_name}_reverse",
            ),
            *super().get_urls(),
        ]

    def reverse_view(self, request, pk):
        entry = _no_404(request, self.model.objects.select_related("allocation"), self.reverse_action, pk)
        form = ReverseForm(request.POST or None)
        meta = self.model._meta
        back = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[entry.pk])
        if request.method == "POST" and form.is_valid():
            try:
                counter = self.reverse_service(
                    entry,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    date=form.cleaned_data["date"],
                )
            except ValidationError as exc:
                add_refusal(form, exc)
            else:
                messages.success(request, _("已冲销：%(entry)s") % {"entry": counter})
                return HttpResponseRedirect(back)
        return _action_page(
            self,
            request,
            title=_("冲销：%(entry)s") % {"entry": entry},
            intro=_("冲销不修改原分录，而是登记一笔金额相反的冲销分录。"),
            form=form,
            back=back,
        )


def _is_reversed(obj) -> bool:
    return type(obj).objects.filter(reverses=obj).exists()


@admin.register(Disbursement)
class DisbursementAdmin(_PostedAdmin):
    nav_icon = "payments"
    filters = DISBURSEMENT_FILTERS
    list_display = ("date", "allocation", "amount", "voucher", "note", "is_counter")
    list_select_related = ("allocation__unit",)
    fields = ("allocation", "date", "amount", "voucher", "note", "reverses", "created_by", "reverse_link")
    readonly_fields = fields
    reverse_action = "approve"

    @staticmethod
    def reverse_service(entry, **kwargs):
        return services.reverse_disbursement(entry, **kwargs)

    def has_add_permission(self, request):
        return False  # paid out from the fund's page (拨付), where the approved amount is checked


class SpendingForm(forms.ModelForm):
    class Meta:
        model = Spending
        fields = ["allocation", "date", "purpose", "amount", "description", "receipt"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


@admin.register(Spending)
class SpendingAdmin(_PostedAdmin):
    form = SpendingForm
    nav_icon = "receipt_long"
    filters = SPENDING_FILTERS
    list_display = ("date", "allocation", "purpose", "amount", "description", "receipt", "is_counter")
    list_select_related = ("allocation__unit",)
    reverse_action = "add"

    @staticmethod
    def reverse_service(entry, **kwargs):
        return services.reverse_spending(entry, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["allocation", "date", "purpose", "amount", "description", "receipt"]
        return [
            "allocation",
            "date",
            "purpose",
            "amount",
            "description",
            "receipt",
            "reverses",
            "created_by",
            "reverse_link",
        ]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "allocation":
            kwargs["queryset"] = restrict(
                Allocation.objects.select_related("unit"), request.user, "view"
            ).filter(status=S.DISBURSED)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def validate_object(self, actor, obj, change):
        if obj.allocation_id is None:
            return
        require(
            actor, "add", None, model=Spending, unit=obj.allocation.unit, industry=obj.allocation.industry
        )
        services.clean_spending(
            allocation=obj.allocation,
            date=obj.date,
            purpose=obj.purpose,
            amount=obj.amount,
            receipt=obj.receipt,
        )

    def save_object(self, actor, obj, form, change):
        return services.record_spending(
            obj.allocation,
            actor=actor,
            date=obj.date,
            purpose=obj.purpose,
            amount=obj.amount,
            description=obj.description,
            receipt=form.cleaned_data.get("receipt"),
        )

    def get_urls(self):
        return [
            path("export/", self.admin_site.admin_view(self.export_view), name="funds_spending_export"),
            *super().get_urls(),
        ]

    def export_view(self, request):
        """The spending list as the changelist filters it, as Excel (export action, logged)."""
        if not has_action(request.user, "export", Spending):
            raise Http404(_("对象不存在或不在您的管辖范围内"))
        params = {k: v for k, v in request.GET.items() if k in {f.name for f in SPENDING_FILTERS.filters}}
        lines = restrict(Spending.objects.all(), request.user, "export")
        lines = SPENDING_FILTERS.apply(lines, params, actor=request.user)
        return exporters.spending_response(request.user, lines, year=exporters.year_of(params.get("year")))
