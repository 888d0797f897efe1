"""The campaigns' types in the permission matrix and the write-door tests. A campaign, its nominees,
votes and objections belong to the organiser's unit; a negative record to the practitioner's; a model of
the library to the unit that added it."""

from tests.appeals.helpers import worker
from tests.honours.factories import make_campaign, make_exemplar, make_nominee, make_person, make_record
from tests.matrix import MatrixType, register
from xinye.honours.choices import Stage
from xinye.honours.models import ExemplarPhoto, Objection, Vote


def _campaign(unit, world):
    return make_campaign(unit, stage=Stage.VOTING)


def _nominee(unit, world):
    return make_nominee(make_campaign(unit, stage=Stage.VOTING))


def _vote(unit, world):
    nominee = make_nominee(make_campaign(unit, stage=Stage.VOTING))
    return Vote.objects.create(
        campaign=nominee.campaign,
        nominee=nominee,
        worker=worker(None),
        day=nominee.campaign.vote_until,
        flag="",
    )


def _objection(unit, world):
    nominee = make_nominee(make_campaign(unit, stage=Stage.PUBLICISING), status="shortlisted")
    return Objection.objects.create(
        campaign=nominee.campaign, nominee=nominee, reason="事迹与实际不符，请核查"
    )


def _record(unit, world):
    return make_record(make_person(unit))


def _photo(unit, world):
    return ExemplarPhoto.objects.create(exemplar=make_exemplar(unit), image="honours/2026/12/test.png")


CAMPAIGN_FORM = {
    "kind": "best_rider",
    "title": "改名的评选",
    "year": 2026,
    "quota": 5,
    "nominate_until": "2026-12-01",
    "review_until": "2026-12-05",
    "vote_until": "2026-12-20",
    "publicise_until": "2026-12-27",
    "votes_per_day": 1,
    "nominees-TOTAL_FORMS": 0,
    "nominees-INITIAL_FORMS": 0,
}

register(
    MatrixType(
        "honours.campaign",
        _campaign,
        api_detail="/api/v1/campaigns/{pk}",
        api_list="/api/v1/campaigns",
        change_data=lambda o: {**CAMPAIGN_FORM, "unit": o.unit_id, "industry": o.industry},
        api_writes=[("post", "/api/v1/campaigns/{pk}/advance", {})],
    )
)
register(
    MatrixType(
        "honours.nominee",
        _nominee,
        api_detail="/api/v1/nominees/{pk}",
        api_list="/api/v1/nominees",
        change_data=lambda o: {"decision": "reject", "review_reason": "不符合条件"},
    )
)
register(
    MatrixType(
        "honours.vote",
        _vote,
        api_detail="/api/v1/campaign-votes/{pk}",
        api_list="/api/v1/campaign-votes",
        change_data=lambda o: {"voided": "on", "void_reason": "刷票"},
    )
)
register(
    MatrixType(
        "honours.objection",
        _objection,
        api_detail="/api/v1/objections/{pk}",
        api_list="/api/v1/objections",
        change_data=lambda o: {"status": "upheld", "outcome": "经核查属实"},
    )
)
register(
    MatrixType(
        "honours.negativerecord",
        _record,
        change_data=lambda o: {
            "practitioner": o.practitioner_id,
            "kind": o.kind,
            "note": "改",
            "recorded_on": "2026-11-01",
            "closed_on": "2026-12-01",
        },
        enterprise_of=lambda o: o.practitioner.enterprise,
    )
)
register(
    MatrixType(
        "honours.exemplar",
        lambda unit, world: make_exemplar(unit),
        api_detail="/api/v1/exemplars/{pk}",
        api_list="/api/v1/exemplars",
        change_data=lambda o: {
            "name": "改名",
            "honour": o.honour,
            "year": o.year,
            "industry": o.industry,
            "region": o.region_id,
            "unit": o.unit_id,
            "story": "改",
            "is_published": "on",
            "photos-TOTAL_FORMS": 0,
            "photos-INITIAL_FORMS": 0,
        },
    )
)
register(MatrixType("honours.exemplarphoto", _photo, console=False))
