"""The 最美 campaigns under /api/v1/: the scoped lists of campaigns (`GET /campaigns`: items with `title`
and `stage` ∈ nominating / reviewing / voting / publicising / closed), a campaign's results (`GET
/campaigns/{id}/results`: items with `nominee` and `votes`, most votes first), nominees, flagged votes,
objections, and the library of models; the organiser moves a campaign on with `POST
/campaigns/{id}/advance`."""

import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from xinye.api.common import UnitRef, get_scoped
from xinye.api.lists import Endpoints
from xinye.honours import services
from xinye.honours.filters import (
    CAMPAIGN_FILTERS,
    EXEMPLAR_FILTERS,
    NOMINEE_FILTERS,
    OBJECTION_FILTERS,
    VOTE_FILTERS,
)
from xinye.honours.models import Campaign, Exemplar, Nominee, Objection, Vote

router = Router()
endpoints = Endpoints(router, __name__)


class CampaignOut(Schema):
    id: int
    kind: str
    title: str
    year: int
    industry: str
    group: str
    organiser: UnitRef
    quota: int
    stage: str
    stage_label: str
    nominate_until: datetime.date
    review_until: datetime.date
    vote_until: datetime.date
    publicise_until: datetime.date
    votes_per_day: int

    @staticmethod
    def resolve_organiser(obj):
        return obj.unit

    @staticmethod
    def resolve_stage_label(obj):
        return obj.get_stage_display()


class NomineeOut(Schema):
    id: int
    campaign_id: int
    name: str
    enterprise_name: str
    county: str
    industry: str
    source: str
    status: str
    review_reason: str
    votes: int

    @staticmethod
    def resolve_county(obj):
        return obj.region_id


class ResultItem(Schema):
    rank: int
    nominee_id: int
    nominee: str
    enterprise_name: str
    status: str
    votes: int


class ResultsOut(Schema):
    campaign: str
    stage: str
    quota: int
    items: list[ResultItem]
    count: int


class VoteOut(Schema):
    id: int
    campaign_id: int
    nominee_id: int
    day: datetime.date
    created_at: datetime.datetime
    ip: str | None
    flag: str
    voided: bool


class ObjectionOut(Schema):
    id: int
    campaign_id: int
    nominee_id: int
    reason: str
    status: str
    outcome: str
    created_at: datetime.datetime


class ExemplarOut(Schema):
    id: int
    name: str
    honour: str
    year: int
    enterprise_name: str
    industry: str
    county: str
    story: str
    photos: list[str]

    @staticmethod
    def resolve_county(obj):
        return obj.region_id

    @staticmethod
    def resolve_photos(obj):
        return [p.image.url for p in obj.photos.all()]


_campaigns = Campaign.objects.select_related("unit")
endpoints.list(
    "/campaigns", "list_campaigns", _campaigns, CampaignOut, filters=CAMPAIGN_FILTERS, summary="最美评选"
)
endpoints.detail("/campaigns/{campaign_id}", "get_campaign", _campaigns, CampaignOut, summary="最美评选详情")


@router.get("/campaigns/{campaign_id}/results", response=ResultsOut, summary="评选得票结果")
def campaign_results(request, campaign_id: int):
    """The public nominees of a campaign in the caller's scope, most votes first, from the stored tally."""
    campaign = get_scoped(request, Campaign.objects.all(), pk=campaign_id)
    items = [
        {
            "rank": place,
            "nominee_id": n.pk,
            "nominee": n.name,
            "enterprise_name": n.enterprise_name,
            "status": n.status,
            "votes": n.votes,
        }
        for place, n in enumerate(services.results(campaign), start=1)
    ]
    return {
        "campaign": campaign.title,
        "stage": campaign.stage,
        "quota": campaign.quota,
        "items": items,
        "count": len(items),
    }


@router.post("/campaigns/{campaign_id}/advance", response=CampaignOut, summary="评选进入下一阶段")
def advance(request, campaign_id: int):
    """The organiser moves the campaign to its next stage (the rules of `services.advance_stage`)."""
    campaign = get_scoped(request, Campaign.objects.all(), "change", pk=campaign_id)
    services.advance_stage(campaign, actor=request.user)
    return get_object_or_404(_campaigns, pk=campaign.pk)


_nominees = Nominee.objects.all()
endpoints.list(
    "/nominees", "list_nominees", _nominees, NomineeOut, filters=NOMINEE_FILTERS, summary="评选候选人"
)
endpoints.detail("/nominees/{nominee_id}", "get_nominee", _nominees, NomineeOut, summary="候选人详情")
endpoints.list(
    "/campaign-votes",
    "list_votes",
    Vote.objects.all(),
    VoteOut,
    filters=VOTE_FILTERS,
    summary="投票记录（含异常标记）",
)
endpoints.detail("/campaign-votes/{vote_id}", "get_vote", Vote.objects.all(), VoteOut, summary="投票记录详情")
endpoints.list(
    "/objections",
    "list_objections",
    Objection.objects.all(),
    ObjectionOut,
    filters=OBJECTION_FILTERS,
    summary="公示异议",
)
endpoints.detail(
    "/objections/{objection_id}",
    "get_objection",
    Objection.objects.all(),
    ObjectionOut,
    summary="公示异议详情",
)
_exemplars = Exemplar.objects.select_related("region").prefetch_related("photos")
endpoints.list(
    "/exemplars", "list_exemplars", _exemplars, ExemplarOut, filters=EXEMPLAR_FILTERS, summary="先进典型库"
)
endpoints.detail("/exemplars/{exemplar_id}", "get_exemplar", _exemplars, ExemplarOut, summary="先进典型详情")
