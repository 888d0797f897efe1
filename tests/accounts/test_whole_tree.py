"""A grant bound at the only root of the tree (市级管理员) sees every row whose place is required, so its
scope adds no filter: the city-wide pages skip the join to the tree (issue 17). A second root, an industry
on the grant, or a type whose place may be empty bring the filter back."""

import pytest
from django.db.models import Q

from tests.ledger.factories import make_enterprise
from xinye.accounts.permissions import _always_placed, clear_cache, restrict, scope_q
from xinye.core.scope import spec_for
from xinye.ledger.models import Enterprise, Practitioner
from xinye.orgs.choices import UnitKind
from xinye.orgs.models import OrgUnit, Responsibility

pytestmark = pytest.mark.django_db


def _sql(queryset) -> str:
    return str(queryset.query)


def test_the_root_grant_reads_everything_without_the_tree(world):
    city, kerqin = world["users"]["city_admin"], world["users"]["kerqin_admin"]
    make_enterprise(world["units"]["djb-kerqin-delivery"], name="全树企业")
    make_enterprise(world["units"]["djb-naiman-delivery"], name="奈曼企业")
    assert scope_q(city, "view", Enterprise) == Q()
    city_rows = restrict(Enterprise.objects.all(), city)
    assert "orgs_orgunit" not in _sql(city_rows)
    assert city_rows.count() == Enterprise.objects.count()
    # a county's grant keeps its filter
    assert "orgs_orgunit" in _sql(restrict(Enterprise.objects.all(), kerqin))
    assert restrict(Enterprise.objects.all(), kerqin).count() < Enterprise.objects.count()


def test_a_second_root_brings_the_filter_back(world):
    city = world["users"]["city_admin"]
    root = world["units"]["tl-zzb"]
    other = OrgUnit.objects.create(
        code="t-second-root", name="另一棵树", kind=UnitKind.ORG_DEPARTMENT, region=root.region
    )
    stranger = make_enterprise(other, name="树外企业")
    make_enterprise(world["units"]["djb-naiman-delivery"], name="奈曼企业")
    clear_cache(city)
    rows = restrict(Enterprise.objects.all(), city)
    assert "orgs_orgunit" in _sql(rows)
    assert not rows.filter(pk=stranger.pk).exists()
    assert rows.exists()


def test_a_place_that_may_be_empty_keeps_the_filter(world):
    city = world["users"]["city_admin"]
    spec = spec_for(Responsibility)
    assert not _always_placed(Responsibility, spec.path_lookup)  # an agent's responsibility has no unit
    assert scope_q(city, "view", Responsibility) != Q()
    assert _always_placed(Practitioner, spec_for(Practitioner).path_lookup)
    assert _always_placed(OrgUnit, spec_for(OrgUnit).path_lookup)
