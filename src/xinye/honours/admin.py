"""Console: the campaigns (moved on stage by stage), the nominees (recorded on a unit's recommendation and
reviewed with a reason), the votes with their anomaly flags (voided with a reason), the objections of the
publicity period (handled with an outcome), the negative records, and the library of models."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from xinye.accounts import writes
from xinye.console.admin import ReadOnlyInline
from xinye.console.admin import ScopedAdmin as _ScopedAdmin
from xinye.core.filters import FilteredAdmin
from xinye.honours import services
from xinye.honours.choices import ObjectionStatus
from xinye.honours.filters import (
    CAMPAIGN_FILTERS,
    EXEMPLAR_FILTERS,
    NOMINEE_FILTERS,
    OBJECTION_FILTERS,
    RECORD_FILTERS,
    VOTE_FILTERS,
)
from xinye.honours.models import Campaign, Exemplar, ExemplarPhoto, NegativeRecord, Nominee, Objection, Vote


class ScopedAdmin(_ScopedAdmin):
    """Out of scope (or no view grant) is a 404 before any permission check: a 403 would confirm existence."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.get_object(request, object_id) is None:
            raise Http404(_("对象不存在或不在您的管辖范围内"))
        return super().change_view(request, object_id, form_url, extra_context)


class NomineeInline(ReadOnlyInline):
    model = Nominee
    fields = ("name", "enterprise_name", "source", "status", "review_reason", "votes")


@admin.register(Campaign)
class CampaignAdmin(FilteredAdmin, ScopedAdmin):
    nav_icon = "military_tech"
    list_display = (
        "title",
        "kind",
        "unit",
        "industry",
        "quota",
        "stage",
        "nominate_until",
        "vote_until",
        "publicise_until",
    )
    filters = CAMPAIGN_FILTERS
    list_select_related = ("unit",)
    readonly_fields = ("stage", "stage_changed_at")
    fields = (
        "kind",
        "title",
        "year",
        "industry",
        "group",
        "unit",
        "quota",
        "description",
        "nominate_until",
        "review_until",
        "vote_until",
        "publicise_until",
        "votes_per_day",
        "stage",
        "stage_changed_at",
    )
    inlines = [NomineeInline]
    actions = ["advance"]

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        services.clean_campaign(
            nominate_until=obj.nominate_until,
            review_until=obj.review_until,
            vote_until=obj.vote_until,
            publicise_until=obj.publicise_until,
            quota=obj.quota,
            votes_per_day=obj.votes_per_day,
            industry=obj.industry,
            unit=obj.unit if obj.unit_id else None,
        )

    def save_object(self, actor, obj, form, change):
        return services.save_campaign(obj, actor=actor)

    def delete_object(self, actor, obj):
        services.delete_campaign(obj, actor=actor)

    @admin.action(description=_("进入下一阶段"), permissions=["change"])
    def advance(self, request, queryset):
        for campaign in queryset:
            try:
                with transaction.atomic():
                    moved = services.advance_stage(campaign, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{campaign}：{'；'.join(exc.messages)}", level=messages.ERROR)
            else:
                self.message_user(request, f"{campaign}：已进入{moved.get_stage_display()}")


class NomineeForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("审核结论"),
        required=False,
        choices=[("", "—"), ("approve", _("通过")), ("reject", _("不通过"))],
        help_text=_("推荐和审核阶段可审核：在台账中、无未销号的不良记录方可通过；不通过须写明原因"),
    )
    objection = forms.CharField(
        label=_("登记异议（来信来电）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    objection_by = forms.CharField(label=_("异议提出人"), required=False, max_length=64)

    class Meta:
        model = Nominee
        fields = ("campaign", "practitioner", "name", "story", "nominated_by_unit", "review_reason")

    def clean(self):
        """The review's rules beside their fields (the service checks them again when it writes)."""
        data = super().clean()
        decision = data.get("decision")
        if decision == "reject" and not (data.get("review_reason") or "").strip():
            self.add_error("review_reason", _("审核不通过须填写原因"))
        if decision == "approve" and self.instance.pk:
            problems = services.eligibility(self.instance)
            if problems:
                self.add_error("decision", "不符合条件：" + "；".join(problems))
        return data


@admin.register(Nominee)
class NomineeAdmin(FilteredAdmin, ScopedAdmin):
    form = NomineeForm
    nav_icon = "person_celebrate"
    list_display = ("name", "campaign", "enterprise_name", "region", "source", "status", "votes")
    filters = NOMINEE_FILTERS
    list_select_related = ("campaign", "region")
    raw_id_fields = ("practitioner", "nominated_by_unit")

    def get_fields(self, request, obj=None):
        if obj is None:  # a unit's recommendation, recorded by the organiser
            return ("campaign", "practitioner", "name", "story", "nominated_by_unit")
        return (
            "campaign",
            "name",
            "enterprise_name",
            "region",
            "industry",
            "story",
            "source",
            "nominated_by_unit",
            "status",
            "votes",
            "eligibility_note",
            "decision",
            "review_reason",
            "reviewed_by",
            "reviewed_at",
            "objection",
            "objection_by",
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (
            "campaign",
            "name",
            "enterprise_name",
            "region",
            "industry",
            "story",
            "source",
            "nominated_by_unit",
            "status",
            "votes",
            "eligibility_note",
            "reviewed_by",
            "reviewed_at",
        )

    @admin.display(description=_("资格核查"))
    def eligibility_note(self, obj):
        problems = services.eligibility(obj)
        return "；".join(problems) if problems else _("在台账中，无未销号的不良记录")

    def validate_object(self, actor, obj, change):
        if not change and obj.campaign_id and obj.practitioner_id:
            services.clean_nominee(obj.campaign, obj.practitioner, story=obj.story)
        super().validate_object(actor, obj, change)

    def save_object(self, actor, obj, form, change):
        data = form.cleaned_data
        if not change:
            return services.nominate(
                obj.campaign,
                obj.practitioner,
                actor=actor,
                story=obj.story,
                name=obj.name,
                nominated_by_unit=obj.nominated_by_unit,
            )
        if data.get("decision"):
            obj = services.review_nominee(
                obj, actor=actor, approve=data["decision"] == "approve", reason=data.get("review_reason", "")
            )
        if (data.get("objection") or "").strip():
            services.record_objection(
                obj, actor=actor, reason=data["objection"], raised_by_name=data.get("objection_by", "")
            )
        return Nominee.objects.get(pk=obj.pk)

    def delete_object(self, actor, obj):
        writes.delete(obj, actor=actor)

    def has_delete_permission(self, request, obj=None):
        return False  # a nomination stays on record; a reviewer rejects it with a reason


@admin.register(Vote)
class VoteAdmin(FilteredAdmin, ScopedAdmin):
    nav_icon = "how_to_vote"
    list_display = ("nominee", "campaign", "day", "created_at", "ip", "flag", "voided")
    filters = VOTE_FILTERS
    list_select_related = ("nominee", "campaign")
    fields = ("campaign", "nominee", "day", "created_at", "ip", "flag", "voided", "void_reason")
    readonly_fields = ("campaign", "nominee", "day", "created_at", "ip", "flag")

    def has_add_permission(self, request):
        return False  # votes are cast on the portal

    def has_delete_permission(self, request, obj=None):
        return False  # a vote is voided with a reason, never deleted

    def save_object(self, actor, obj, form, change):
        if obj.voided and "voided" in form.changed_data:
            return services.void_vote(obj, actor=actor, reason=obj.void_reason)
        return Vote.objects.get(pk=obj.pk)


@admin.register(Objection)
class ObjectionAdmin(FilteredAdmin, ScopedAdmin):
    nav_icon = "report"
    list_display = ("nominee", "campaign", "created_at", "status", "handled_at")
    filters = OBJECTION_FILTERS
    list_select_related = ("nominee", "campaign")
    fields = (
        "campaign",
        "nominee",
        "reason",
        "raised_by_name",
        "created_at",
        "status",
        "outcome",
        "handled_by",
        "handled_at",
    )
    readonly_fields = (
        "campaign",
        "nominee",
        "reason",
        "raised_by_name",
        "created_at",
        "handled_by",
        "handled_at",
    )

    def has_add_permission(self, request):
        return False  # raised on the portal, or recorded on the nominee's page

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != ObjectionStatus.OPEN:
            return (*self.readonly_fields, "status", "outcome")
        return self.readonly_fields

    def save_object(self, actor, obj, form, change):
        if "status" in form.changed_data and obj.status != ObjectionStatus.OPEN:
            return services.handle_objection(
                obj, actor=actor, upheld=obj.status == ObjectionStatus.UPHELD, outcome=obj.outcome
            )
        return Objection.objects.get(pk=obj.pk)


@admin.register(NegativeRecord)
class NegativeRecordAdmin(FilteredAdmin, ScopedAdmin):
    nav_icon = "gpp_maybe"
    list_display = ("practitioner", "kind", "note", "recorded_on", "closed_on")
    filters = RECORD_FILTERS
    list_select_related = ("practitioner",)
    fields = ("practitioner", "kind", "note", "recorded_on", "closed_on")
    raw_id_fields = ("practitioner",)

    def validate_object(self, actor, obj, change):
        if obj.practitioner_id:
            obj.unit_id = obj.practitioner.unit_id
            obj.industry = obj.practitioner.industry
        super().validate_object(actor, obj, change)

    def save_object(self, actor, obj, form, change):
        return services.save_negative_record(obj, actor=actor)


class ExemplarPhotoInline(admin.TabularInline):
    model = ExemplarPhoto
    extra = 0
    fields = ["image", "caption", "sort"]


@admin.register(Exemplar)
class ExemplarAdmin(FilteredAdmin, ScopedAdmin):
    nav_icon = "workspace_premium"
    list_display = ("name", "honour", "year", "industry", "region", "enterprise_name", "is_published")
    filters = EXEMPLAR_FILTERS
    list_select_related = ("region",)
    fields = (
        "name",
        "honour",
        "year",
        "campaign",
        "enterprise_name",
        "industry",
        "region",
        "unit",
        "story",
        "is_published",
    )
    readonly_fields = ("campaign",)
    inlines = [ExemplarPhotoInline]

    def save_object(self, actor, obj, form, change):
        return services.save_exemplar(obj, actor=actor)

    def save_formset(self, request, form, formset, change):
        # The photos, too, through the write door (scope before and after, change log).
        formset.save(commit=False)
        for photo in formset.deleted_objects:
            writes.delete(photo, actor=request.user)
        for photo in [*formset.new_objects, *(obj for obj, _fields in formset.changed_objects)]:
            writes.save(photo, actor=request.user)

    def get_inlines(self, request, obj):
        return self.inlines if self.has_change_permission(request, obj) else []
