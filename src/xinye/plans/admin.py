"""Console: plans with their goals (live goals show today's figures), the monthly tasks and their reports,
督办 notices, the ranking's rule table (the city edits it), the published rankings, and drives."""

from django.contrib import admin, messages
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from xinye.console.admin import ReadOnlyInline
from xinye.console.admin import ScopedAdmin as _ScopedAdmin
from xinye.core.errors import Refused
from xinye.core.filters import FilteredAdmin
from xinye.plans import indicators, services
from xinye.plans.filters import DRIVE_FILTERS, NOTICE_FILTERS, PLAN_FILTERS, TASK_FILTERS
from xinye.plans.models import Drive, Goal, OfficeScore, Plan, PlanNotice, PlanTask, ScoreRule, TaskReport


class ScopedAdmin(_ScopedAdmin):
    """Out of scope (or no view grant) is a 404 before any permission check: a 403 would confirm existence."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.get_object(request, object_id) is None:
            raise Http404(_("对象不存在或不在您的管辖范围内"))
        return super().change_view(request, object_id, form_url, extra_context)


class GoalInline(ReadOnlyInline):
    model = Goal
    fields = ("title", "indicator", "target", "actual", "unit_label")
    readonly_fields = fields

    @admin.display(description=_("实际值"))
    def actual(self, obj):
        value = indicators.actual(obj, timezone.localdate())
        return "—" if value is None else value


@admin.register(Plan)
class PlanAdmin(FilteredAdmin, ScopedAdmin):
    nav_icon = "flag"
    list_display = ("title", "year", "owner")
    filters = PLAN_FILTERS
    list_select_related = ("owner",)
    fields = ("year", "owner", "title", "summary")
    inlines = [GoalInline]

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        services.clean_plan(year=obj.year, owner=obj.owner if obj.owner_id else None)

    def save_object(self, actor, obj, form, change):
        return services.save_plan(obj, actor=actor)

    def delete_object(self, actor, obj):
        services.delete_plan(obj, actor=actor)


@admin.register(Goal)
class GoalAdmin(ScopedAdmin):
    nav_icon = "target"
    list_display = ("title", "plan", "indicator", "target", "actual", "source")
    list_filter = ("indicator",)
    list_select_related = ("plan", "plan__owner", "plan__owner__region")
    fields = (
        "plan",
        "title",
        "indicator",
        "target",
        "unit_label",
        "reported_value",
        "evidence",
        "evidence_file",
        "sort",
    )

    @admin.display(description=_("实际值"))
    def actual(self, obj):
        value = indicators.actual(obj, timezone.localdate())
        return "—" if value is None else value

    @admin.display(description=_("来源"))
    def source(self, obj):
        return _("系统实时计算") if obj.is_live else _("填报（附佐证）")

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        services.clean_goal(
            indicator=obj.indicator,
            target=obj.target,
            reported_value=obj.reported_value,
            evidence=obj.evidence,
            evidence_file=obj.evidence_file,
        )

    def save_object(self, actor, obj, form, change):
        return services.save_goal(obj, actor=actor)

    def delete_object(self, actor, obj):
        services.delete_goal(obj, actor=actor)


class ReportInline(ReadOnlyInline):
    model = TaskReport
    fields = ("created_at", "kind", "text", "attachment", "created_by")


class NoticeInline(ReadOnlyInline):
    model = PlanNotice
    fields = ("created_at", "kind", "unit", "message", "reply", "replied_at")


@admin.register(PlanTask)
class PlanTaskAdmin(FilteredAdmin, ScopedAdmin):
    nav_icon = "task"
    list_display = ("title", "office", "issuer", "due_date", "status", "state")
    filters = TASK_FILTERS
    list_select_related = ("office", "issuer")
    fields = ("plan", "title", "details", "issuer", "office", "due_date")
    raw_id_fields = ("plan",)
    inlines = [ReportInline, NoticeInline]
    actions = ["sign_selected"]

    @admin.display(description=_("办理情况"))
    def state(self, obj):
        return services.task_state(obj, timezone.localdate())

    def get_readonly_fields(self, request, obj=None):
        fixed = ("issuer", "office", "due_date", "plan", "status", "sign_due", "signed_at", "finished_on")
        return fixed if obj is not None else ()

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        return (*self.fields, "status", "sign_due", "signed_at", "finished_on")

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        if not change:
            services.clean_task(
                office=obj.office if obj.office_id else None,
                issuer=obj.issuer if obj.issuer_id else None,
                due_date=obj.due_date,
                today=timezone.localdate(),
            )

    def save_object(self, actor, obj, form, change):
        if change:
            return services.update_task(obj, actor=actor)
        return services.issue_task(
            actor=actor,
            office=obj.office,
            issuer=obj.issuer,
            title=obj.title,
            due_date=obj.due_date,
            details=obj.details,
            plan=obj.plan,
        )

    def has_delete_permission(self, request, obj=None):
        return False  # a task once sent stays on record

    @admin.action(description=_("签收所选任务"))
    def sign_selected(self, request, queryset):
        done = 0
        for task in queryset:
            try:
                services.sign_task(task, actor=request.user)
                done += 1
            except Refused as exc:
                self.message_user(request, f"{task}：{'；'.join(exc.messages)}", level=messages.WARNING)
        self.message_user(request, _("已签收 %(n)d 件") % {"n": done})


@admin.register(TaskReport)
class TaskReportAdmin(ScopedAdmin):
    nav_icon = "summarize"
    list_display = ("task", "kind", "created_at", "created_by")
    list_filter = ("kind",)
    list_select_related = ("task", "task__office", "created_by")
    fields = ("task", "kind", "text", "attachment")
    raw_id_fields = ("task",)

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else ()

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_object(self, actor, obj, form, change):
        return services.report_task(
            obj.task, actor=actor, text=obj.text, kind=obj.kind, attachment=obj.attachment or None
        )


@admin.register(PlanNotice)
class PlanNoticeAdmin(FilteredAdmin, ScopedAdmin):
    nav_icon = "campaign"
    list_display = ("message", "kind", "unit", "reply_due", "replied_at", "created_at")
    filters = NOTICE_FILTERS
    list_select_related = ("unit",)
    fields = ("unit", "sender", "task", "message", "reply")
    raw_id_fields = ("task",)
    actions = ["mark_read"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("reply",)
        fixed = ("unit", "sender", "task", "message", "kind", "reply_required", "reply_due", "replied_at")
        return (*fixed, "reply") if obj.replied_at or not obj.reply_required else fixed

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("unit", "sender", "task", "message")
        return (
            "kind",
            "unit",
            "sender",
            "task",
            "message",
            "reply_required",
            "reply_due",
            "reply",
            "replied_at",
        )

    def save_object(self, actor, obj, form, change):
        if change:
            return services.reply_notice(obj, actor=actor, reply=obj.reply)
        return services.send_supervision(
            actor=actor, office=obj.unit, sender=obj.sender, message=obj.message, task=obj.task
        )

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("标为已读"))
    def mark_read(self, request, queryset):
        n = services.mark_notices_read(queryset, actor=request.user)
        self.message_user(request, _("已读 %(n)d 条") % {"n": n})


@admin.register(ScoreRule)
class ScoreRuleAdmin(ScopedAdmin):
    nav_icon = "rule"
    list_display = ("key", "weight", "param", "description")
    fields = ("key", "weight", "param", "description")
    readonly_fields = ("key",)

    def has_add_permission(self, request):
        return False  # the four parts are fixed; their weights and parameters are edited

    def has_delete_permission(self, request, obj=None):
        return False

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        services.clean_score_rule(weight=obj.weight, param=obj.param)

    def save_object(self, actor, obj, form, change):
        return services.save_score_rule(obj, actor=actor)


@admin.register(OfficeScore)
class OfficeScoreAdmin(ScopedAdmin):
    nav_icon = "leaderboard"
    list_display = ("month", "rank", "office", "score")
    list_select_related = ("office",)
    fields = ("month", "office", "rank", "score", "explanation", "computed_at")
    readonly_fields = fields
    list_filter = ("month",)

    @admin.display(description=_("得分说明"))
    def explanation(self, obj):
        return format_html_join(mark_safe("<br>"), "{}", ((p["explanation"],) for p in obj.parts))

    def has_add_permission(self, request):
        return False  # published by `xinye plans rank --publish`

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Drive)
class DriveAdmin(FilteredAdmin, ScopedAdmin):
    nav_icon = "rocket_launch"
    list_display = ("title", "owner", "start", "deadline", "progress")
    filters = DRIVE_FILTERS
    list_select_related = ("owner",)
    fields = (
        "title",
        "owner",
        "start",
        "deadline",
        "description",
        "target_surveyed",
        "target_formed",
        "target_instructors",
    )

    @admin.display(description=_("每日进度"))
    def progress(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("plans:drive_progress", args=[obj.pk]), _("查看"))

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        services.clean_drive(start=obj.start, deadline=obj.deadline)

    def save_object(self, actor, obj, form, change):
        return services.save_drive(obj, actor=actor)

    def delete_object(self, actor, obj):
        services.delete_drive(obj, actor=actor)
