"""Console: the pairs (with their plans, activities and reviews), the activities with their 六联 tags and
evidence, the yearly plans with their planned activities, and the reviews — each written through
`pairing.services`."""

from django import forms
from django.contrib import admin
from django.db.models import Count, Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinye.accounts.permissions import restrict
from xinye.console.admin import ReadOnlyInline
from xinye.console.admin import ScopedAdmin as _ScopedAdmin
from xinye.core.filters import FilteredAdmin
from xinye.orgs.choices import PARTY_ORG_KINDS
from xinye.orgs.models import OrgUnit
from xinye.pairing import services
from xinye.pairing.choices import Link
from xinye.pairing.filters import ACTIVITY_FILTERS, PAIRING_FILTERS, PLAN_FILTERS, REVIEW_FILTERS
from xinye.pairing.models import (
    ActivityEvidence,
    Pairing,
    PairingActivity,
    PairingPlan,
    PairingReview,
    PlanItem,
)


class ScopedAdmin(_ScopedAdmin):
    """Out of scope (or no view grant) is a 404 before any permission check: a 403 would confirm existence."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.get_object(request, object_id) is None:
            raise Http404(_("对象不存在或不在您的管辖范围内"))
        return super().change_view(request, object_id, form_url, extra_context)


class LinksForm(forms.ModelForm):
    """The 六联 tags as check boxes (stored as a list of codes)."""

    links = forms.MultipleChoiceField(
        label=_("六联"), choices=Link.choices, widget=forms.CheckboxSelectMultiple, required=False
    )


class SilentFilter(admin.SimpleListFilter):
    title = _("本季度活动")
    parameter_name = "silent"

    def lookups(self, request, model_admin):
        return (("1", _("本季度无活动")), ("0", _("本季度有活动")))

    def queryset(self, request, queryset):
        if self.value() in ("0", "1"):
            return PAIRING_FILTERS_BY_NAME["silent_this_quarter"].apply(queryset, self.value() == "1")
        return queryset


PAIRING_FILTERS_BY_NAME = {f.name: f for f in PAIRING_FILTERS.filters}


class ActivityInline(ReadOnlyInline):
    model = PairingActivity
    fields = ("held_on", "title", "links", "participants", "side")
    show_change_link = True


class PlanInline(ReadOnlyInline):
    model = PairingPlan
    fields = ("year", "content")
    show_change_link = True


class ReviewInline(ReadOnlyInline):
    model = PairingReview
    fields = ("year", "rating", "text")
    show_change_link = True


@admin.register(Pairing)
class PairingAdmin(FilteredAdmin, ScopedAdmin):
    nav_icon = "handshake"
    list_display = (
        "unit",
        "host_sector",
        "partner_display",
        "region",
        "starts_on",
        "ends_on",
        "activity_count",
        "last_activity",
    )
    filters = PAIRING_FILTERS
    list_select_related = ("unit", "partner_org__unit", "enterprise", "region")
    fields = ("unit", "host_sector", "partner_org", "enterprise", "starts_on", "ends_on", "goals", "region")
    readonly_fields = ("region",)
    raw_id_fields = ("enterprise",)
    inlines = [PlanInline, ActivityInline, ReviewInline]

    def get_list_filter(self, request):
        return (*super().get_list_filter(request), SilentFilter)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":  # the host: a party organisation in scope that is not an enterprise's
            hosts = OrgUnit.objects.filter(kind__in=PARTY_ORG_KINDS, party_organisation__isnull=True)
            kwargs["queryset"] = restrict(hosts, request.user, "view").order_by("path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # The sides of a pair are fixed once recorded (end it and pair anew): the other side's staff edit the
        # period and goals without needing to see the organisation on the far side.
        fixed = ("unit", "partner_org", "enterprise") if obj is not None else ()
        return (*super().get_readonly_fields(request, obj), *fixed)

    @admin.display(description=_("企业方"))
    def partner_display(self, obj):
        return obj.partner_name

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_activities=Count("activities"), last_on=Max("activities__held_on"))
        )

    @admin.display(description=_("活动数"), ordering="n_activities")
    def activity_count(self, obj):
        return obj.n_activities

    @admin.display(description=_("最近活动"), ordering="last_on")
    def last_activity(self, obj):
        return f"{obj.last_on:%Y-%m-%d}" if obj.last_on else "—"

    def validate_object(self, actor, obj, change):
        services.clean_pairing(
            unit=obj.unit if obj.unit_id else None,
            host_sector=obj.host_sector,
            partner_org=obj.partner_org if obj.partner_org_id else None,
            enterprise=obj.enterprise if obj.enterprise_id else None,
            starts_on=obj.starts_on,
            ends_on=obj.ends_on,
            pairing=obj,
        )
        if obj.partner_org_id or obj.enterprise_id:
            for field, value in services.partner_fields(obj.partner_org, obj.enterprise).items():
                setattr(obj, field, value)
        super().validate_object(actor, obj, change)

    def save_object(self, actor, obj, form, change):
        return services.save_pairing(obj, actor=actor)

    def delete_object(self, actor, obj):
        services.delete_pairing(obj, actor=actor)


class EvidenceInline(ReadOnlyInline):
    model = ActivityEvidence
    fields = ("kind", "file", "caption", "uploaded_at")


class ActivityForm(LinksForm):
    class Meta:
        model = PairingActivity
        fields = ("pairing", "held_on", "title", "links", "participants", "place", "summary")


@admin.register(PairingActivity)
class PairingActivityAdmin(FilteredAdmin, ScopedAdmin):
    nav_icon = "diversity_3"
    form = ActivityForm
    list_display = ("held_on", "title", "pairing", "links_display", "participants", "side")
    filters = ACTIVITY_FILTERS
    list_select_related = ("pairing__unit", "pairing__partner_org__unit", "pairing__enterprise")
    fields = ("pairing", "held_on", "title", "links", "participants", "place", "summary", "side")
    readonly_fields = ("side",)
    inlines = [EvidenceInline]

    @admin.display(description=_("六联"))
    def links_display(self, obj):
        return "、".join(obj.link_labels())

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("held_on", timezone.localdate())
        return initial

    def validate_object(self, actor, obj, change):
        if obj.pairing_id:
            obj.links = services.clean_activity(
                obj.pairing, held_on=obj.held_on, participants=obj.participants, links=obj.links
            )
        super().validate_object(actor, obj, change)

    def save_object(self, actor, obj, form, change):
        return services.save_activity(obj, actor=actor)

    def delete_object(self, actor, obj):
        services.delete_activity(obj, actor=actor)


@admin.register(ActivityEvidence)
class ActivityEvidenceAdmin(ScopedAdmin):
    nav_icon = "photo_camera"
    list_display = ("activity", "kind", "caption", "uploaded_at")
    list_filter = ("kind",)
    list_select_related = ("activity",)
    fields = ("activity", "file", "caption", "kind")
    readonly_fields = ("kind",)

    def validate_object(self, actor, obj, change):
        if obj.file and getattr(obj.file, "_committed", True) is False:
            services.evidence_kind(obj.file)
        super().validate_object(actor, obj, change)

    def save_object(self, actor, obj, form, change):
        return services.save_evidence(obj, actor=actor)

    def delete_object(self, actor, obj):
        services.delete_evidence(obj, actor=actor)


class PlanItemInline(ReadOnlyInline):
    model = PlanItem
    fields = ("month", "title", "links")


@admin.register(PairingPlan)
class PairingPlanAdmin(FilteredAdmin, ScopedAdmin):
    nav_icon = "event_note"
    list_display = ("pairing", "year", "item_count")
    filters = PLAN_FILTERS
    list_select_related = ("pairing__unit", "pairing__partner_org__unit", "pairing__enterprise")
    fields = ("pairing", "year", "content")
    inlines = [PlanItemInline]

    @admin.display(description=_("计划活动数"))
    def item_count(self, obj):
        return obj.items.count()

    def save_object(self, actor, obj, form, change):
        return services.save_plan_object(obj, actor=actor)

    def delete_object(self, actor, obj):
        services.delete_plan(obj, actor=actor)


class PlanItemForm(LinksForm):
    class Meta:
        model = PlanItem
        fields = ("plan", "month", "title", "links")


@admin.register(PlanItem)
class PlanItemAdmin(ScopedAdmin):
    nav_icon = "checklist"
    form = PlanItemForm
    list_display = ("plan", "month", "title", "links_display")
    list_select_related = ("plan__pairing__unit",)
    fields = ("plan", "month", "title", "links")

    @admin.display(description=_("六联"))
    def links_display(self, obj):
        return "、".join(obj.link_labels())

    def validate_object(self, actor, obj, change):
        obj.links = services.clean_links(obj.links)
        super().validate_object(actor, obj, change)

    def save_object(self, actor, obj, form, change):
        return services.save_plan_item(obj, actor=actor)

    def delete_object(self, actor, obj):
        services.delete_plan_item(obj, actor=actor)


@admin.register(PairingReview)
class PairingReviewAdmin(FilteredAdmin, ScopedAdmin):
    nav_icon = "grading"
    list_display = ("pairing", "year", "rating", "updated_at")
    filters = REVIEW_FILTERS
    list_select_related = ("pairing__unit", "pairing__partner_org__unit", "pairing__enterprise")
    fields = ("pairing", "year", "rating", "text")

    def save_object(self, actor, obj, form, change):
        return services.save_review(obj, actor=actor)

    def delete_object(self, actor, obj):
        services.delete_review(obj, actor=actor)
