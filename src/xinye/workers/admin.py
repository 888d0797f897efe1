from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from xinye.console.admin import ReadOnlyInline, ScopedAdmin
from xinye.orgs.services import require_citywide
from xinye.workers import services
from xinye.workers.choices import RightsStatus
from xinye.workers.models import Consent, PrivacyNotice, RightsRequest, Worker


class ConsentInline(ReadOnlyInline):
    model = Consent
    fields = ["notice", "kind", "given_at", "withdrawn_at"]


@admin.register(Worker)
class WorkerAdmin(ScopedAdmin):
    """Registered workers, seen by the community they registered with. Phone and ID masked by default.
    The station they registered at is held by the stations app (`stations.StationRegistration`) and shown
    here read-only; this admin is a face, so it may read it."""

    nav_icon = "badge"
    list_display = [
        "__str__",
        "occupation",
        "enterprise_name",
        "unit",
        "registration_station",
        "region",
        "registered_at",
    ]
    list_select_related = ["unit", "region", "station_registration__station"]
    list_filter = ["occupation", "region"]
    search_fields = ["name", "enterprise_name"]
    fields = [
        "name",
        "phone",
        "occupation",
        "enterprise_name",
        "id_number",
        "unit",
        "region",
        "registration_station",
        "practitioner",
        "registered_at",
        "created_at",
        "last_seen_at",
    ]
    readonly_fields = ["practitioner", "registered_at", "created_at", "last_seen_at", "registration_station"]
    inlines = [ConsentInline]

    def has_add_permission(self, request):
        return False  # workers sign themselves up on the portal

    @admin.display(description=_("备案服务站"), ordering="station_registration__station__name")
    def registration_station(self, obj):
        registration = getattr(obj, "station_registration", None)
        return registration.station if registration else "—"


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(ScopedAdmin):
    """Published notice versions; a new version makes every worker consent again."""

    nav_icon = "policy"
    list_display = ["title", "kind", "version", "published_at"]

    def has_change_permission(self, request, obj=None):
        # a published version is a record of what people agreed to: never edited, superseded instead
        return super().has_change_permission(request, obj) and (obj is None or obj.published_at is None)

    def has_delete_permission(self, request, obj=None):
        return False

    def validate_object(self, actor, obj, change):
        require_citywide(actor=actor, action="add", model=PrivacyNotice)

    def save_object(self, actor, obj, form, change):
        return services.publish_notice(
            actor=actor,
            kind=obj.kind,
            version=obj.version,
            title=obj.title,
            text=obj.text,
            published_at=obj.published_at,
        )


class RightsRequestForm(forms.ModelForm):
    """Answering a correction: the decision and the answer the worker will read; everything else is what the
    worker asked, read-only."""

    decision = forms.ChoiceField(
        label=_("办理结果"),
        choices=[("done", _("已更正（请先在原记录中改正）")), ("refused", _("不予更正"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择办理结果：已更正或不予更正")},
    )

    class Meta:
        model = RightsRequest
        fields = ["answer"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 3})}


@admin.register(RightsRequest)
class RightsRequestAdmin(ScopedAdmin):
    """个人信息权利请求: the queue of the workers' requests (查阅复制, 更正补充, 撤回同意, 删除) held by the
    units the user may see, with their 15-working-day deadlines; overdue open ones in red. Corrections are
    answered here (done or refused, with the answer the worker reads in 我的数据); the others were done by
    the worker at once and are listed for the record."""

    nav_icon = "privacy_tip"
    form = RightsRequestForm
    list_display = ["__str__", "kind", "record", "unit", "status", "created_at", "deadline"]
    list_filter = ["status", "kind"]
    list_select_related = ["unit"]
    search_fields = ["record"]
    fields = [
        "kind",
        "worker",
        "unit",
        "record",
        "wrong",
        "should_be",
        "status",
        "created_at",
        "due_at",
        "decision",
        "answer",
        "handled_by",
        "handled_at",
    ]
    readonly_fields = [
        "kind",
        "worker",
        "unit",
        "record",
        "wrong",
        "should_be",
        "status",
        "created_at",
        "due_at",
        "handled_by",
        "handled_at",
    ]

    def has_add_permission(self, request):
        return False  # workers make their requests on the portal

    def has_delete_permission(self, request, obj=None):
        return False  # a record of a right exercised; `xinye purge` anonymises it after the retention period

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.status == RightsStatus.OPEN)

    @admin.display(description=_("办理时限"), ordering="due_at")
    def deadline(self, obj):
        text = obj.due_at.astimezone().strftime("%Y-%m-%d")
        if obj.is_overdue:
            return format_html('<strong style="color:#dc2626">{}（{}）</strong>', text, _("已逾期"))
        return text

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        services.clean_rights_answer(obj.answer)

    def save_object(self, actor, obj, form, change):
        accept = form.cleaned_data["decision"] == "done"
        return services.answer_rights_request(obj, actor=actor, accept=accept, answer=obj.answer)
