"""Console: the rule table (edited by the city; grades follow at once), each organisation's standing, and
the monthly grade records with their explanations."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from xinye.console.admin import ReadOnlyAdmin, ScopedAdmin
from xinye.core.filters import FilteredAdmin
from xinye.grading import services
from xinye.grading.facts import label
from xinye.grading.filters import SNAPSHOT_FILTERS
from xinye.grading.models import GradeRule, GradeSnapshot, OrganisationStanding


@admin.register(GradeRule)
class GradeRuleAdmin(ScopedAdmin):
    nav_icon = "rule"
    list_display = ("subject", "grade", "coverage", "min_score", "min_distinctions", "note")
    fields = ("subject", "grade", "coverage", "min_score", "min_distinctions", "note")

    def get_readonly_fields(self, request, obj=None):
        return ("subject", "grade") if obj is not None else ()

    def has_add_permission(self, request):
        return False  # one row per subject × grade, seeded

    def has_delete_permission(self, request, obj=None):
        return False

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        services.clean_rule(
            subject=obj.subject,
            grade=obj.grade,
            coverage=obj.coverage,
            min_score=obj.min_score,
            min_distinctions=obj.min_distinctions,
        )

    def save_object(self, actor, obj, form, change):
        return services.save_rule(obj, actor=actor)


@admin.register(OrganisationStanding)
class OrganisationStandingAdmin(ReadOnlyAdmin):
    nav_icon = "health_and_safety"
    list_display = ("organisation", "score", "normal", "distinction_list", "period", "assessed_on")
    list_filter = ("normal",)
    list_select_related = ("organisation__unit",)

    @admin.display(description=_("亮点"))
    def distinction_list(self, obj):
        return "、".join(label(n) for n in obj.distinctions) or "—"


@admin.register(GradeSnapshot)
class GradeSnapshotAdmin(FilteredAdmin, ReadOnlyAdmin):
    nav_icon = "stars"
    list_display = ("month", "subject", "name", "region", "industry", "grade", "reason")
    filters = SNAPSHOT_FILTERS
    list_select_related = ("region",)
