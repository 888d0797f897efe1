"""The console's page for the wall screen's display links: make one (its address is shown once), revoke it."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from xinye.accounts.permissions import restrict
from xinye.console.admin import ScopedAdmin
from xinye.orgs.models import OrgUnit
from xinye.reports import services
from xinye.reports.context import SCOPE_KINDS
from xinye.reports.models import DisplayLink


@admin.register(DisplayLink)
class DisplayLinkAdmin(ScopedAdmin):
    list_display = ["name", "unit", "prefix", "created_by", "created_at", "state"]
    list_filter = ["revoked_at"]
    fields = ["name", "unit"]
    readonly_fields = ["prefix", "created_by", "created_at", "revoked_at"]
    actions = ["revoke"]
    nav_icon = "tv"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "unit"]
        return ["name", "unit", "prefix", "created_by", "created_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["name", "unit", "prefix", "created_by", "created_at", "revoked_at"]

    def has_change_permission(self, request, obj=None):
        # A link is made and revoked, never edited: its address was shown once and may be on a TV already.
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # revoked links stay, so the log of who showed what where is complete

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":  # only units one may report for, and only those in the user's scope
            units = OrgUnit.objects.filter(kind__in=SCOPE_KINDS, is_active=True)
            kwargs["queryset"] = restrict(units, request.user, "view").order_by("path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("状态"))
    def state(self, obj):
        return _("已吊销") if obj.revoked_at else _("有效")

    def validate_object(self, actor, obj, change):
        services.clean_display_link(obj.name, obj.unit if obj.unit_id else None)
        super().validate_object(actor, obj, change)

    def save_object(self, actor, obj, form, change):
        link, key = services.create_display_link(name=obj.name, unit=obj.unit, actor=actor)
        obj._display_key = key
        return link

    def response_add(self, request, obj, post_url_continue=None):
        key = getattr(obj, "_display_key", None)
        if key:
            url = request.build_absolute_uri(reverse("screen:link", args=[key]))
            self.message_user(
                request,
                format_html(
                    "{}<br><code>{}</code>",
                    _(
                        "大屏展示链接已创建。请复制下面的地址在大屏浏览器中打开；地址只显示这一次，遗失请吊销后重建："
                    ),
                    url,
                ),
                level=messages.SUCCESS,
            )
            return self.response_post_save_add(request, obj)
        return super().response_add(request, obj, post_url_continue)

    @admin.action(description=_("吊销所选大屏链接"), permissions=["revoke"])
    def revoke(self, request, queryset):
        for link in queryset:
            services.revoke_display_link(link, actor=request.user)
        self.message_user(
            request, _("已吊销 %(n)s 个大屏链接，大屏将在下次刷新时停止显示") % {"n": queryset.count()}
        )

    def has_revoke_permission(self, request):
        return super().has_change_permission(request)
