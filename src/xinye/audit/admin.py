import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

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
    ]
    readonly_fields = fields
    nav_icon = "history"

    @admin.display(description=_("变更字段"))
    def changed(self, obj):
        return _("、").join(obj.changed_fields or [])

    @admin.display(description=_("修改前"))
    def before_pretty(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.before, ensure_ascii=False, indent=2))

    @admin.display(description=_("修改后"))
    def after_pretty(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.after, ensure_ascii=False, indent=2))
