"""Console: the rule book — documents by version (publish a draft, draft the next version), their clauses,
and the links from each enforced rule to its clause."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from xinye.console.admin import ReadOnlyInline, ScopedAdmin
from xinye.core.errors import Refused
from xinye.rulebook import services
from xinye.rulebook.keys import INFORMATIONAL
from xinye.rulebook.models import Clause, RuleDocument, RuleLink


class ClauseInline(ReadOnlyInline):
    model = Clause
    fields = ("number", "heading", "text")


@admin.register(RuleDocument)
class RuleDocumentAdmin(ScopedAdmin):
    nav_icon = "menu_book"
    list_display = ("title", "version", "doc_no", "effective_from", "status", "published_at")
    list_filter = ("status", "code")
    search_fields = ("title", "doc_no")
    readonly_fields = ("status", "published_at")
    fields = (
        "code",
        "version",
        "title",
        "doc_no",
        "issuer",
        "effective_from",
        "summary",
        "status",
        "published_at",
    )
    inlines = [ClauseInline]
    actions = ["publish", "draft_next_version"]

    def save_object(self, actor, obj, form, change):
        return services.save_document(obj, actor=actor)

    def delete_object(self, actor, obj):
        services.delete_document(obj, actor=actor)

    def _each(self, request, queryset, fn, done):
        try:
            for doc in queryset:
                fn(doc, actor=request.user)
        except Refused as exc:
            for message in exc.messages:
                self.message_user(request, message, level=messages.ERROR)
            return
        self.message_user(request, done)

    @admin.action(description=_("发布所选草稿版本"), permissions=["change"])
    def publish(self, request, queryset):
        self._each(request, queryset, services.publish, _("已发布"))

    @admin.action(description=_("起草新版本（复制条款，旧版本保留）"), permissions=["add"])
    def draft_next_version(self, request, queryset):
        self._each(request, queryset, services.new_version, _("已起草新版本"))


@admin.register(Clause)
class ClauseAdmin(ScopedAdmin):
    nav_icon = "format_list_numbered"
    list_display = ("document", "number", "heading")
    list_filter = ("document__code", "document__status")
    search_fields = ("text", "heading")
    fields = ("document", "number", "heading", "text")
    list_select_related = ("document",)

    def save_object(self, actor, obj, form, change):
        return services.save_clause(obj, actor=actor)

    def delete_object(self, actor, obj):
        services.delete_clause(obj, actor=actor)


@admin.register(RuleLink)
class RuleLinkAdmin(ScopedAdmin):
    nav_icon = "link"
    list_display = ("rule_key", "document_code", "clause_number", "citation", "enforced_by")
    fields = ("rule_key", "document_code", "clause_number", "note")

    @admin.display(description=_("拒绝时显示的依据"))
    def citation(self, obj):
        return services.cite(obj.rule_key) or "—"

    @admin.display(description=_("执行方式"))
    def enforced_by(self, obj):
        """Whether a refusal cites this rule, or it is informational (keys.INFORMATIONAL says how it shows)."""
        return INFORMATIONAL.get(obj.rule_key) or _("拒绝时引用")

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        services.clean_link(
            rule_key=obj.rule_key, document_code=obj.document_code, clause_number=obj.clause_number or 0
        )

    def save_object(self, actor, obj, form, change):
        return services.save_link(obj, actor=actor)

    def delete_object(self, actor, obj):
        services.delete_link(obj, actor=actor)
