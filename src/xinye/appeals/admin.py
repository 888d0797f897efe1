"""Console: appeals, tasks and reminders. Rows are read here; every step of the loop is taken on the
办理 page (appeals:work), which calls the services — the change form never writes the loop's fields."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from xinye.accounts.permissions import has_action, restrict
from xinye.appeals import services
from xinye.appeals.filters import APPEAL_FILTERS, TASK_FILTERS
from xinye.appeals.models import Appeal, AppealEvent, AppealReminder, AppealTask
from xinye.console.admin import ReadOnlyInline, ScopedAdmin, sensitive_fields
from xinye.core.errors import Refused
from xinye.core.filters import FilteredAdmin
from xinye.core.masking import mask


class _LoopAdmin(ScopedAdmin):
    """Read-only rows with a link to the 办理 page: every step of the loop is a service call made there
    (or through the API), so the change form never writes."""

    def has_add_permission(self, request):
        return False  # appeals enter through the portal, visits or the 办理 page's services

    def has_change_permission(self, request, obj=None):
        return False  # the loop's steps are taken on the 办理 page

    def has_delete_permission(self, request, obj=None):
        return False  # the loop is a record: nothing is deleted

    def save_object(self, actor, obj, form, change):
        raise Refused("诉求的办理步骤请在办理页面进行")

    def delete_object(self, actor, obj) -> None:
        raise Refused("诉求办理记录不能删除")

    def get_readonly_fields(self, request, obj=None):
        names = [f.name for f in self.model._meta.concrete_fields if not getattr(f, "sensitive", False)]
        extra = list(super().get_readonly_fields(request, obj))
        if self.may_see_sensitive(request):
            extra += [f.name for f in sensitive_fields(self.model)]
        return list(dict.fromkeys([*self.extra_readonly, *names, *extra]))

    extra_readonly: tuple = ()


def _overdue(obj) -> str:
    if obj.is_overdue:
        return format_html('<span class="text-red-600 font-semibold">{}</span>', _("逾期"))
    return "—"


_overdue.short_description = _("逾期")


class TaskInline(ReadOnlyInline):
    model = AppealTask
    fields = (
        "unit",
        "status",
        "assigned_at",
        "sign_due_at",
        "signed_at",
        "due_at",
        "finished_at",
        "return_reason",
    )
    show_change_link = False


class _OpensWorkPage:
    """A row opened from the list goes to its 办理 page, where the work is done — not to a read-only dump of
    its fields (issue 17). Anything else (a POST, a row outside the scope) takes the admin's own way. Whoever
    may see an appeal, or one of its tasks, may open its 办理 page."""

    def appeal_for(self, request, object_id) -> int | None:
        """The appeal whose 办理 page this row opens, if the user may see the row."""
        rows = restrict(self.model._default_manager.filter(pk=object_id), request.user, "view")
        return rows.values_list("appeal_id" if self.model is not Appeal else "pk", flat=True).first()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and str(object_id).isdigit():
            appeal_id = self.appeal_for(request, int(object_id))
            if appeal_id is not None:
                return redirect("appeals:work", pk=appeal_id)
        return super().change_view(request, object_id, form_url, extra_context)


class EventInline(ReadOnlyInline):
    """The steps; their texts (answers, progress notes) only for who may read the appeal's content."""

    model = AppealEvent
    fields = ("created_at", "kind", "actor_label", "task", "public_text")

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is None or not services.disclosure(request.user, obj).full:
            fields = ["public_text_masked" if f == "public_text" else f for f in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "public_text_masked"]

    @admin.display(description=_("对从业人员显示"))
    def public_text_masked(self, event):
        return mask("text", event.public_text)


@admin.register(Appeal)
class AppealAdmin(_OpensWorkPage, FilteredAdmin, _LoopAdmin):
    nav_icon = "support_agent"
    list_display = (
        "number",
        "category",
        "green",
        "status",
        "unit",
        "source",
        "submitted_at",
        "due_at",
        _overdue,
        "work",
    )
    filters = APPEAL_FILTERS  # status, category: the API's filters
    extra_list_filter = ("source", "limit_kind", "region")
    extra_search_fields = ("number",)
    date_hierarchy = "submitted_at"
    list_select_related = ("unit",)
    inlines = [TaskInline, EventInline]
    extra_readonly = ("work_link",)
    exclude = ("idempotency_key",)

    @admin.display(description=_("办理"))
    def work(self, obj):
        return format_html(
            '<a class="underline" href="{}">{}</a>', reverse("appeals:work", args=[obj.pk]), _("办理")
        )

    @admin.display(description=_("办理"))
    def work_link(self, obj):
        return format_html(
            '<a class="underline" href="{}">{}</a>',
            reverse("appeals:work", args=[obj.pk]),
            _("进入办理页面 →"),
        )


@admin.register(AppealTask)
class AppealTaskAdmin(_OpensWorkPage, FilteredAdmin, _LoopAdmin):
    nav_icon = "assignment"
    list_display = (
        "appeal",
        "green",
        "unit",
        "status",
        "assigned_at",
        "sign_due_at",
        "due_at",
        _overdue,
        "escalated_to",
    )
    filters = TASK_FILTERS  # status: the API's filter
    extra_list_filter = ("appeal__category",)
    extra_search_fields = ("appeal__number",)
    list_select_related = ("appeal", "unit", "escalated_to")
    extra_readonly = ("work_link",)

    @admin.display(description=_("绿色通道"), boolean=True, ordering="appeal__green")
    def green(self, obj):
        return obj.appeal.green

    @admin.display(description=_("办理"))
    def work_link(self, obj):
        return format_html(
            '<a class="underline" href="{}">{}</a>',
            reverse("appeals:work", args=[obj.appeal_id]),
            _("进入办理页面 →"),
        )

    @admin.display(description=_("办理"))
    def work(self, obj):
        return format_html(
            '<a class="underline" href="{}">{}</a>', reverse("appeals:work", args=[obj.appeal_id]), _("办理")
        )


@admin.register(AppealReminder)
class AppealReminderAdmin(_LoopAdmin):
    nav_icon = "notification_important"
    list_display = ("created_at", "kind", "unit", "message", "read_at")
    list_filter = ("kind", "read_at")
    actions = ["mark_read"]

    def has_mark_read_permission(self, request):
        return has_action(request.user, "change", AppealReminder)

    @admin.action(description=_("标记为已读"), permissions=["mark_read"])
    def mark_read(self, request, queryset):
        services.mark_reminders_read(queryset.filter(read_at__isnull=True), actor=request.user)
