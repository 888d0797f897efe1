import datetime
import json

from django.contrib import admin
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from xinye.accounts.permissions import has_action
from xinye.audit import chain
from xinye.audit.models import ChangeLog
from xinye.console.admin import ReadOnlyAdmin


@admin.register(ChangeLog)
class ChangeLogAdmin(ReadOnlyAdmin):
    list_display = [
        "time",
        "username",
        "action",
        "source",
        "content_type",
        "object_repr",
        "changed",
        "request_id",
        "chain_position",
    ]
    list_filter = ["action", "source", "content_type", ("time", admin.DateFieldListFilter)]
    search_fields = ["username", "object_repr", "object_id", "request_id", "note"]
    date_hierarchy = "time"
    fields = [
        "time",
        "username",
        "action",
        "source",
        "ip",
        "request_id",
        "content_type",
        "object_id",
        "object_repr",
        "changed_fields",
        "before_pretty",
        "after_pretty",
        "note",
        "chain_position",
        "hash",
    ]
    readonly_fields = fields
    nav_icon = "history"
    list_before_template = "audit/changelog_before.html"

    @admin.display(description=_("链位置"))
    def chain_position(self, obj):
        return f"{chain.chain_key(obj.chain_day, obj.chain_shard)} #{obj.seq}"

    def get_urls(self):
        return [
            path("verify/", self.admin_site.admin_view(self.verify_view), name="audit_changelog_verify"),
            *super().get_urls(),
        ]

    def verify_view(self, request):
        """校验哈希链: the same walk as `xinye audit verify`, read-only, for whoever may read the log (审计员)."""
        if not has_action(request.user, "view", ChangeLog):
            raise Http404(_("对象不存在或不在您的管辖范围内"))
        since, error, result = None, "", None
        text = (request.GET.get("since") or "").strip()
        if text:
            try:
                since = datetime.date.fromisoformat(text)
            except ValueError:
                error = _("起始日期“%(text)s”格式不对，应为 YYYY-MM-DD") % {"text": text}
        if "run" in request.GET and not error:
            result = chain.verify(since)
        context = {
            **self.admin_site.each_context(request),
            "title": _("校验操作日志哈希链"),
            "since": text,
            "error": error,
            "result": result,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "audit/verify.html", context)

    @admin.display(description=_("变更字段"))
    def changed(self, obj):
        return _("、").join(obj.changed_fields or [])

    @admin.display(description=_("修改前"))
    def before_pretty(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.before, ensure_ascii=False, indent=2))

    @admin.display(description=_("修改后"))
    def after_pretty(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.after, ensure_ascii=False, indent=2))
