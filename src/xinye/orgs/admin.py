from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from xinye.accounts.permissions import require
from xinye.console.admin import ReadOnlyInline, ScopedAdmin
from xinye.core.errors import Refused
from xinye.core.filters import FilteredAdmin
from xinye.orgs import services
from xinye.orgs.filters import REGION_FILTERS, UNIT_FILTERS
from xinye.orgs.models import OrgUnit, Region, Responsibility


@admin.register(Region)
class RegionAdmin(FilteredAdmin, ScopedAdmin):
    list_display = ["code", "name", "level", "parent", "is_functional_zone"]
    filters = REGION_FILTERS
    nav_icon = "map"

    def get_readonly_fields(self, request, obj=None):
        # The code is the key others point at (units, stations, workers): a new code is a new region.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "code"] if obj is not None else fields

    def validate_object(self, actor, obj, change):
        services.require_citywide(actor=actor, action="change" if change else "add", model=Region)
        if obj.parent_id and services.region_within(obj.parent_id, obj.code):
            raise Refused({"parent": ["上级区划不能是本区划或其下级"]})

    def save_object(self, actor, obj, form, change):
        region, _created = services.save_region(
            obj.code,
            actor=actor,
            name=obj.name,
            level=obj.level,
            parent_id=obj.parent_id,
            is_functional_zone=obj.is_functional_zone,
        )
        return region

    def delete_object(self, actor, obj):
        services.delete_region(obj, actor=actor)


class ChildInline(ReadOnlyInline):
    model = OrgUnit
    fk_name = "parent"
    fields = ["name", "kind", "industry", "region"]
    show_change_link = True


@admin.register(OrgUnit)
class OrgUnitAdmin(FilteredAdmin, ScopedAdmin):
    list_display = ["name", "kind", "industry", "region", "parent", "answers_to", "is_active"]
    filters = UNIT_FILTERS
    list_select_related = ["region", "parent", "answers_to"]
    autocomplete_fields = ["parent", "answers_to"]
    fields = ["code", "name", "kind", "industry", "region", "parent", "answers_to", "sort", "is_active"]
    inlines = [ChildInline]
    nav_icon = "account_tree"

    def validate_object(self, actor, obj, change):
        # A new or moved unit is placed under a parent inside the actor's scope; the tree's rules and the
        # region's reach are the service's own (orgs.services.clean_unit, clean_unit_reach).
        stored = OrgUnit.objects.filter(pk=obj.pk).first() if change else None
        if stored is None or stored.parent_id != obj.parent_id:
            parent = obj.parent if obj.parent_id else None
            require(
                actor, "change" if change else "add", None, model=OrgUnit, unit=parent, industry=obj.industry
            )
        services.clean_unit(obj)
        services.clean_unit_reach(obj, actor=actor, action="change" if change else "add")

    def save_object(self, actor, obj, form, change):
        fields = {name: getattr(obj, name) for name in services.UNIT_FIELDS}
        if change:
            stored = OrgUnit.objects.get(pk=obj.pk)
            return services.update_unit(stored, actor=actor, **fields)
        return services.create_unit(actor=actor, **fields)

    def delete_object(self, actor, obj):
        services.delete_unit(obj, actor=actor)


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
