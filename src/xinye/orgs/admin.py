from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from xinye.console.admin import ReadOnlyInline, ScopedAdmin
from xinye.orgs.models import OrgUnit, Region, Responsibility


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ["code", "name", "level", "parent", "is_functional_zone"]
    list_filter = ["level", "is_functional_zone"]
    search_fields = ["code", "name"]
    nav_icon = "map"


class ChildInline(ReadOnlyInline):
    model = OrgUnit
    fk_name = "parent"
    fields = ["name", "kind", "industry", "region"]
    show_change_link = True


@admin.register(OrgUnit)
class OrgUnitAdmin(ScopedAdmin):
    list_display = ["name", "kind", "industry", "region", "parent", "answers_to", "is_active"]
    list_filter = ["kind", "industry", "region", "is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["region", "parent", "answers_to"]
    autocomplete_fields = ["parent", "answers_to"]
    fields = ["code", "name", "kind", "industry", "region", "parent", "answers_to", "sort", "is_active"]
    inlines = [ChildInline]
    nav_icon = "account_tree"

    def save_model(self, request, obj, form, change):
        # An OrgUnit's own scope is its parent's: a new unit must be placed inside the user's subtree.
        from django.core.exceptions import PermissionDenied

        from xinye.accounts.permissions import unit_in_scope

        anchor = obj.parent if obj.parent_id else None
        if anchor is None or not unit_in_scope(
            request.user, "change" if change else "add", OrgUnit, anchor, obj.industry
        ):
            raise PermissionDenied(_("上级单位不在您的管辖范围内"))
        obj.save()


@admin.register(Responsibility)
class ResponsibilityAdmin(ScopedAdmin):
    list_display = ["target_display", "role", "unit", "agent", "since"]
    list_filter = ["role", "content_type"]
    search_fields = ["unit__name", "agent__name"]
    list_select_related = ["unit", "agent", "content_type"]
    autocomplete_fields = ["unit"]
    nav_icon = "assignment_ind"

    @admin.display(description=_("负责对象"))
    def target_display(self, obj):
        return f"{obj.content_type.name} #{obj.object_id}: {obj.target}"
