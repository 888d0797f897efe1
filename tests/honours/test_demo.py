"""The demo campaigns: the five the seed names at five stages, votes that add up, winners in the library
with photos, idempotent."""

from django.db.models import Sum

from tests.honours.factories import make_person, make_worker
from tests.ledger.factories import make_id
from xinye.demo import honours as honours_demo
from xinye.honours.choices import Stage
from xinye.honours.models import Campaign, Exemplar, ExemplarPhoto, Nominee, Objection, Vote


def test_five_campaigns_at_five_stages(world):
    units = world["units"]
    for code, industry in (
        ("djb-kerqin-delivery", "delivery"),
        ("djb-kerqin-express", "express"),
        ("djb-kailu-freight", "freight"),
    ):
        for _ in range(6):
            make_person(units[code], industry=industry, id_number=make_id(male=False))
    for _ in range(10):
        make_worker()
    honours_demo.load({})
    stages = dict(Campaign.objects.values_list("kind", "stage"))
    assert stages == {
        "women_pacesetter": Stage.CLOSED,
        "best_courier": Stage.PUBLICISING,
        "best_rider": Stage.VOTING,
        "best_driver": Stage.REVIEWING,
        "best_family": Stage.NOMINATING,
    }
    riders = Campaign.objects.get(kind="best_rider")
    assert riders.unit.code == "hydw-delivery"
    assert Campaign.objects.get(kind="women_pacesetter").unit.code == "mass-women"
    total = Nominee.objects.filter(campaign=riders).aggregate(s=Sum("votes"))["s"]
    assert total > 0 and total == Vote.objects.filter(campaign=riders).count()
    winners = Exemplar.objects.filter(campaign__kind="women_pacesetter")
    assert winners.count() == 3 and ExemplarPhoto.objects.filter(exemplar__in=winners).count() == 3
    assert Objection.objects.filter(status="open").count() == 1
    assert Objection.objects.filter(status="dismissed").exclude(outcome="").count() == 1
    assert (
        Nominee.objects.filter(campaign__kind="best_driver", status="rejected")
        .exclude(review_reason="")
        .exists()
    )
    counts = (
        Campaign.objects.count(),
        Nominee.objects.count(),
        Vote.objects.count(),
        Exemplar.objects.count(),
    )
    honours_demo.load({})
    assert (
        Campaign.objects.count(),
        Nominee.objects.count(),
        Vote.objects.count(),
        Exemplar.objects.count(),
    ) == counts
