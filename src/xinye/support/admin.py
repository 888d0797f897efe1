"""Console: enterprise needs (filed here, dispatched and signed by action; every step through the services),
their tasks, steps and reminders; the policy catalogue and its reach; institutions, products, matchmaking
events and matches (an outcome is recorded by its own step)."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from xinye.accounts.permissions import has_action
from xinye.console.admin import ReadOnlyInline, ScopedAdmin
from xinye.core.errors import Refused
from xinye.core.filters import FilteredAdmin
from xinye.support import services
from xinye.support.filters import (
    EVENT_FILTERS,
    INSTITUTION_FILTERS,
    MATCH_FILTERS,
    NEED_FILTERS,
    POLICY_FILTERS,
    PRODUCT_FILTERS,
    REACH_FILTERS,
    REMINDER_FILTERS,
    TASK_FILTERS,
)
from xinye.support.models import (
    EnterpriseNeed,
    Institution,
    Match,
    MatchEvent,
    NeedEvent,
    NeedReminder,
    NeedTask,
    Policy,
    PolicyReach,
    Product,
)


def _overdue(obj) -> str:
    if obj.is_overdue:
        return format_html('<span class="text-red-600 font-semibold">{}</span>', _("逾期"))
    return "—"


_overdue.short_description = _("逾期")


class _CatalogueChoices:
    """Forms that pick from the catalogues offer what the user reads of them (`services.visible`): a county
    clerk records reach of the city's policies and matches with the city's banks and insurers."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model in services.CITYWIDE:
            kwargs["queryset"] = services.visible(db_field.related_model, request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model in services.CITYWIDE:
            kwargs["queryset"] = services.visible(db_field.related_model, request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class _CatalogueList:
    """A catalogue's list and pages show what the user reads of it (`services.visible`, as the API's): a
    county's (or a community's) staff see the city's policies, banks, insurers, products and events beside
    their own — read-only, since changing and deleting stay restrict's "change"/"delete", the owning unit's."""

    def get_queryset(self, request):
        own = super().get_queryset(request)
        return own | own.model._default_manager.filter(
            pk__in=services.visible(own.model, request.user).values("pk")
        )

    def has_view_permission(self, request, obj=None):
        if super().has_view_permission(request, obj):
            return True
        return (
            obj is not None
            and super().has_view_permission(request)
            and services.visible(type(obj), request.user).filter(pk=obj.pk).exists()
        )


def _run(model_admin, request, queryset, step, done: str) -> None:
    """Apply one loop step to each selected row through its service; a refusal names the row."""
    count = 0
    for obj in queryset:
        try:
            step(obj)
            count += 1
        except Refused as exc:
            model_admin.message_user(request, f"{obj}：{'；'.join(exc.messages)}", level=messages.ERROR)
    if count:
        model_admin.message_user(request, done.format(count=count))


class _LoopAdmin(ScopedAdmin):
    """The loop is a record: rows are read here and changed only by its steps (actions and the API)."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_object(self, actor, obj, form, change):
        raise Refused("企业需求的办理步骤请通过派单、签收等操作进行")

    def delete_object(self, actor, obj) -> None:
        raise Refused("企业需求的办理记录不能删除")


class TaskInline(ReadOnlyInline):
    model = NeedTask
    fk_name = "need"
    fields = (
        "unit",
        "status",
        "assigned_at",
        "sign_due_at",
        "signed_at",
        "due_at",
        "answer",
        "return_reason",
    )


class EventInline(ReadOnlyInline):
    model = NeedEvent
    fields = ("created_at", "kind", "actor_label", "task", "note")


@admin.register(EnterpriseNeed)
class EnterpriseNeedAdmin(FilteredAdmin, _LoopAdmin):
    nav_icon = "business_center"
    list_display = (
        "work",
        "enterprise",
        "kind",
        "title",
        "status",
        "region",
        "submitted_at",
        "due_at",
        _overdue,
    )
    filters = NEED_FILTERS
    list_select_related = ("enterprise", "region")
    date_hierarchy = "submitted_at"
    fields = ("enterprise", "kind", "title", "details", "amount", "contact")
    raw_id_fields = ("enterprise",)
    inlines = [TaskInline, EventInline]
    actions = ["dispatch_by_rule"]

    @admin.display(description=_("编号"))
    def work(self, obj):
        return format_html(
            '<a class="underline" href="{}">{} · {}</a>',
            reverse("support:work", args=[obj.pk]),
            obj.number,
            _("办理"),
        )

    def has_add_permission(self, request):
        return has_action(request.user, "add", EnterpriseNeed)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (*self.fields, "status", "unit", "answer_due_at", "due_at", "answer", "closed_at", "resolved")

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj) if obj is not None else self.fields

    def validate_object(self, actor, obj, change):
        if obj.enterprise_id:  # placed where the service will place it: the enterprise's county office
            obj.unit_id, obj.region_id = obj.enterprise.unit_id, obj.enterprise.region_id
        super().validate_object(actor, obj, change)
        services.clean_need(kind=obj.kind, title=obj.title, amount=obj.amount)

    def save_object(self, actor, obj, form, change):
        if change:
            return super().save_object(actor, obj, form, change)
        return services.file_need(
            actor=actor,
            enterprise=obj.enterprise,
            kind=obj.kind,
            title=obj.title,
            details=obj.details,
            amount=obj.amount,
            contact=obj.contact,
        )

    def has_dispatch_permission(self, request):
        return has_action(request.user, "change", EnterpriseNeed)

    @admin.action(description=_("按规则派单（默认承办单位）"), permissions=["dispatch"])
    def dispatch_by_rule(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda n: services.dispatch_need(n, actor=request.user),
            "已派单 {count} 件",
        )


@admin.register(NeedTask)
class NeedTaskAdmin(FilteredAdmin, _LoopAdmin):
    nav_icon = "assignment_turned_in"
    list_display = (
        "work",
        "unit",
        "status",
        "assigned_at",
        "sign_due_at",
        "due_at",
        _overdue,
        "escalated_to",
    )
    filters = TASK_FILTERS
    list_select_related = ("need", "unit", "escalated_to")
    actions = ["sign"]

    @admin.display(description=_("企业需求"))
    def work(self, obj):
        return format_html(
            '<a class="underline" href="{}">{}</a>', reverse("support:work", args=[obj.need_id]), obj.need
        )

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in NeedTask._meta.concrete_fields]

    def has_sign_permission(self, request):
        return has_action(request.user, "change", NeedTask)

    @admin.action(description=_("签收"), permissions=["sign"])
    def sign(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda t: services.sign_need_task(t, actor=request.user),
            "已签收 {count} 件",
        )


@admin.register(NeedReminder)
class NeedReminderAdmin(FilteredAdmin, _LoopAdmin):
    nav_icon = "notification_important"
    list_display = ("created_at", "kind", "unit", "message", "read_at")
    filters = REMINDER_FILTERS

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in NeedReminder._meta.concrete_fields]


class ReachInline(ReadOnlyInline):
    model = PolicyReach
    fields = ("enterprise", "kind", "date", "benefit", "note")


@admin.register(Policy)
class PolicyAdmin(_CatalogueList, FilteredAdmin, ScopedAdmin):
    nav_icon = "policy"
    list_display = (
        "title",
        "issuer",
        "document_no",
        "applies_to",
        "effective_from",
        "effective_until",
        "unit",
    )
    filters = POLICY_FILTERS
    list_select_related = ("unit",)
    readonly_fields = ("region",)
    fields = (
        "title",
        "issuer",
        "document_no",
        "applies_to",
        "industries",
        "summary",
        "documents",
        "url",
        "effective_from",
        "effective_until",
        "unit",
        "region",
    )
    inlines = [ReachInline]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        services.clean_policy(
            title=obj.title,
            effective_from=obj.effective_from,
            effective_until=obj.effective_until,
            industries=obj.industries,
        )

    def save_object(self, actor, obj, form, change):
        return services.save_policy(obj, actor=actor)

    def delete_object(self, actor, obj):
        services.delete_policy(obj, actor=actor)


@admin.register(PolicyReach)
class PolicyReachAdmin(_CatalogueChoices, FilteredAdmin, ScopedAdmin):
    nav_icon = "campaign"
    list_display = ("policy", "enterprise", "kind", "date", "benefit")
    filters = REACH_FILTERS
    list_select_related = ("policy", "enterprise")
    fields = ("policy", "enterprise", "kind", "date", "benefit", "note")
    raw_id_fields = ("enterprise",)

    def has_change_permission(self, request, obj=None):
        return False  # a record of what happened: recorded, not edited

    def save_object(self, actor, obj, form, change):
        return services.record_reach(
            obj.policy,
            obj.enterprise,
            actor=actor,
            kind=obj.kind,
            date=obj.date,
            benefit=obj.benefit,
            note=obj.note,
        )

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        if obj.policy_id and obj.enterprise_id:
            services.clean_reach(
                policy=obj.policy,
                enterprise=obj.enterprise,
                kind=obj.kind,
                date=obj.date,
                benefit=obj.benefit,
            )


class ProductInline(ReadOnlyInline):
    model = Product
    fields = ("name", "kind", "max_amount", "is_active")


@admin.register(Institution)
class InstitutionAdmin(_CatalogueList, FilteredAdmin, ScopedAdmin):
    nav_icon = "account_balance"
    list_display = ("name", "kind", "contact", "phone", "unit", "is_active")
    filters = INSTITUTION_FILTERS
    list_select_related = ("unit",)
    readonly_fields = ("region",)
    fields = ("name", "kind", "contact", "phone", "unit", "region", "is_active")
    inlines = [ProductInline]

    def save_object(self, actor, obj, form, change):
        return services.save_institution(obj, actor=actor)


@admin.register(Product)
class ProductAdmin(_CatalogueList, FilteredAdmin, ScopedAdmin):
    nav_icon = "inventory_2"
    list_display = ("name", "institution", "kind", "max_amount", "is_active")
    filters = PRODUCT_FILTERS
    list_select_related = ("institution",)
    fields = ("institution", "name", "kind", "terms", "max_amount", "is_active")

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        services.clean_product(kind=obj.kind, max_amount=obj.max_amount)

    def save_object(self, actor, obj, form, change):
        return services.save_product(obj, actor=actor)


class MatchInline(ReadOnlyInline):
    model = Match
    fields = ("enterprise", "institution", "kind", "status", "amount", "workers_covered")


@admin.register(MatchEvent)
class MatchEventAdmin(_CatalogueList, _CatalogueChoices, FilteredAdmin, ScopedAdmin):
    nav_icon = "handshake"
    list_display = ("title", "held_on", "place", "unit")
    filters = EVENT_FILTERS
    list_select_related = ("unit",)
    readonly_fields = ("region",)
    fields = ("title", "held_on", "place", "unit", "region", "institutions", "notes")
    filter_horizontal = ("institutions",)
    inlines = [MatchInline]

    def save_object(self, actor, obj, form, change):
        return services.save_event(obj, actor=actor)


@admin.register(Match)
class MatchAdmin(_CatalogueChoices, FilteredAdmin, ScopedAdmin):
    """Matches are recorded here; the outcome is recorded once through the API's or the service's own step
    (`conclude_match`): a concluded match is not edited."""

    nav_icon = "currency_yuan"
    list_display = (
        "enterprise",
        "institution",
        "kind",
        "status",
        "amount",
        "workers_covered",
        "event",
        "region",
    )
    filters = MATCH_FILTERS
    list_select_related = ("enterprise", "institution", "event", "region")
    fields = ("event", "enterprise", "institution", "product", "need", "kind", "note")
    raw_id_fields = ("enterprise", "need")

    def has_change_permission(self, request, obj=None):
        return False

    def validate_object(self, actor, obj, change):
        if obj.enterprise_id:
            obj.region_id = obj.enterprise.region_id
        super().validate_object(actor, obj, change)
        if obj.enterprise_id and obj.institution_id:
            services.clean_match(
                enterprise=obj.enterprise,
                institution=obj.institution,
                product=obj.product,
                need=obj.need,
                kind=obj.kind,
            )

    def save_object(self, actor, obj, form, change):
        return services.record_match(
            actor=actor,
            enterprise=obj.enterprise,
            institution=obj.institution,
            kind=obj.kind,
            product=obj.product,
            event=obj.event,
            need=obj.need,
            note=obj.note,
        )
