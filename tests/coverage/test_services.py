"""Coverage through the services on a small database ledger: statuses, figures, and aggregates that stay
equal to a full recompute as the ledger changes."""

import pytest

from tests.coverage.helpers import (
    SYSTEM,
    agent,
    enterprise,
    make_region,
    members,
    organisation,
    practitioners,
    snapshot,
)
from xinye.accounts.permissions import system_actor
from xinye.core.errors import Refused
from xinye.coverage import aggregates, services
from xinye.coverage.models import CoverageCell, EnterpriseCoverage
from xinye.ledger import services as ledger

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(world):
    region, offices = make_region(world)
    ex, dl = offices["express"], offices["delivery"]
    e = {
        "own": enterprise(ex, "自有支部快递", lat=43.60, lon=122.26),
        "j1": enterprise(ex, "联合一", lat=43.61, lon=122.26),
        "j2": enterprise(dl, "联合二", lat=43.61, lon=122.27),
        "work": enterprise(ex, "仅联络员", lat=43.62, lon=122.26),
        "blank": enterprise(dl, "空白外卖", lat=43.605, lon=122.262),
        "out": enterprise(ex, "不在摸排范围", in_survey_scope=False),
        "closed": enterprise(ex, "已歇业", is_active=False),
    }
    members(e["own"], full=3, probationary=1)
    members(e["j1"], full=1)
    members(e["work"], full=4)
    members(e["blank"], full=2)
    practitioners(e["own"], 10)
    practitioners(e["blank"], 5)
    organisation("branch", [e["own"]], ex)
    organisation("joint_branch", [e["j1"], e["j2"]], ex)
    agent("liaison", ex, e["work"])
    agent("instructor", ex, e["own"], e["j1"])
    agent("instructor", ex)  # not yet assigned: counted where dispatched
    world["small"] = e
    return region, offices, e


def status(ent):
    return EnterpriseCoverage.objects.get(enterprise=ent).status


def test_statuses_and_figures(small, world):
    region, _offices, e = small
    assert {k: status(v) for k, v in e.items()} == {
        "own": "independent",
        "j1": "joint",
        "j2": "joint",
        "work": "work",
        "blank": "blank",
        "out": "blank",
        "closed": "blank",
    }
    figures = services.overview(world["users"]["city_admin"], region=region.code)
    assert figures["enterprises"] == 5
    # practitioners: 10 + 5 plain, and every member is a practitioner too (4 + 1 + 4 + 2)
    assert figures["practitioners"] == 26
    assert figures["party_members"] == 11 and figures["party_members_full"] == 10
    assert figures["party_organisations"] == {
        "total": 2,
        "党委": 0,
        "党总支": 0,
        "党支部": 2,
        "联合党支部": 1,
        "网络党支部": 0,
        "党小组": 0,
    }
    assert (figures["instructors"], figures["liaisons"]) == (2, 1)
    assert (figures["industry_offices"], figures["industry_committees"]) == (2, 2)
    assert figures["coverage"] == {
        "organisation_rate": 0.6,
        "independent_rate": 0.2,
        "work_rate": 0.8,
        "independent": 1,
        "joint": 2,
        "work": 1,
        "blank": 1,
    }
    assert figures["must_form"] == 1
    # The naive scan gives the same figures.
    assert services.naive_overview(world["users"]["city_admin"], region=region.code) == figures


def test_rows_by_industry_and_must_form(small, world):
    region, _offices, e = small
    user = world["users"]["city_admin"]
    rows = {r["industry"]: r for r in services.coverage_rows(user, "industry", region=region.code)}
    assert rows["express"]["enterprises"] == 3 and rows["express"]["work_rate"] == 1.0
    assert rows["delivery"]["enterprises"] == 2 and rows["delivery"]["organisation_rate"] == 0.5
    listed = list(services.enterprise_rows(user, region=region.code, must_form=True))
    assert listed == [e["work"]]
    assert "正式党员 4 名" in services.must_form_reason(listed[0].coverage)
    with pytest.raises(Refused, match="只能是 county"):
        services.coverage_rows(user, "street")


def test_joint_proposal_through_services(small, world):
    region, offices, e = small
    # 空白外卖 (2 full) and a new 快递 site 300 m away with 1 full member: 外卖骑手 ~ 快递 are related.
    near = enterprise(offices["express"], "新快递网点", lat=43.6077, lon=122.262)
    members(near, full=1)
    groups, unmatched = services.proposals_for(world["users"]["city_admin"], region=region.code)
    assert [[x["name"] for x in g["enterprises"]] for g in groups] == [["空白外卖", "新快递网点"]]
    assert groups[0]["explanation"].startswith(
        "测试旗 2 家外卖骑手、快递企业相距不超过 0.3 公里，合计正式党员 3 名"
    )
    assert unmatched == []


def assert_matches_full_recompute():
    incremental = snapshot()
    aggregates.refresh()
    assert snapshot() == incremental


def test_aggregates_follow_every_change(small, world):
    region, offices, e = small
    ex = offices["express"]
    assert_matches_full_recompute()

    new = enterprise(ex, "新设企业")
    assert status(new) == "blank"
    assert_matches_full_recompute()

    m = members(new, full=3)
    assert EnterpriseCoverage.objects.get(enterprise=new).must_form
    assert_matches_full_recompute()

    org = organisation("branch", [new], ex)
    assert status(new) == "independent"
    assert_matches_full_recompute()

    ledger.delete_party_organisation(org, actor=SYSTEM)
    assert status(new) == "blank"
    assert_matches_full_recompute()

    joint = organisation("joint_branch", [new, e["blank"]], ex)  # covers two: both 联合组建
    assert status(new) == "joint" and status(e["blank"]) == "joint"
    assert_matches_full_recompute()

    ledger.update_party_organisation(joint, actor=SYSTEM, enterprises=[new, e["j2"]])
    assert status(e["blank"]) == "blank" and status(e["j2"]) == "joint"
    assert_matches_full_recompute()

    joint.unit.kind = "branch"  # the unit's kind changed in the org tree: the ledger tells coverage
    joint.unit.save()
    assert status(new) == "joint" and status(e["j2"]) == "joint"  # a branch covering two is joint too
    single = organisation("branch", [e["blank"]], ex)
    assert status(e["blank"]) == "independent"
    single.unit.kind = "joint_branch"
    single.unit.save()
    assert status(e["blank"]) == "joint"
    ledger.delete_party_organisation(single, actor=SYSTEM)
    assert status(e["blank"]) == "blank"
    assert_matches_full_recompute()

    ledger.delete_party_organisation(joint, actor=SYSTEM)
    assert status(new) == "blank"
    assert_matches_full_recompute()

    ledger.save_party_member(m[0].practitioner, actor=SYSTEM, is_full=False)
    assert not EnterpriseCoverage.objects.get(enterprise=new).must_form
    assert_matches_full_recompute()

    ledger.update_practitioner(m[1].practitioner, actor=SYSTEM, enterprise=e["out"])
    assert_matches_full_recompute()

    p = practitioners(new, 3)
    ledger.delete_practitioner(p[0], actor=SYSTEM)
    ledger.update_practitioner(p[1], actor=SYSTEM, enterprise=e["own"])
    assert (
        EnterpriseCoverage.objects.get(enterprise=new).practitioners == 2 + 1
    )  # 2 members' (one moved away with the person) + 1 left
    assert_matches_full_recompute()

    liaison = agent("liaison", ex, new)
    assert status(new) == "work"
    assert_matches_full_recompute()

    liaison.is_active = False
    liaison.save()
    assert status(new) == "blank"
    assert_matches_full_recompute()

    liaison.is_active = True
    liaison.save()
    liaison.responsibilities.all().delete()
    assert status(new) == "blank"
    assert_matches_full_recompute()

    liaison.delete()
    assert_matches_full_recompute()

    ledger.update_enterprise(new, actor=SYSTEM, industry="delivery", unit=offices["delivery"])
    assert EnterpriseCoverage.objects.get(enterprise=new).industry == "delivery"
    assert_matches_full_recompute()

    for member in new.members.all():
        ledger.delete_party_member(member, actor=SYSTEM)
    for practitioner in new.practitioners.all():
        ledger.delete_practitioner(practitioner, actor=SYSTEM)
    ledger.delete_enterprise(new, actor=SYSTEM)
    assert not EnterpriseCoverage.objects.filter(enterprise_id=new.pk).exists()
    assert_matches_full_recompute()


def test_deferred_runs_once_at_the_end(small, world):
    region, offices, _e = small
    with aggregates.deferred():
        new = enterprise(offices["express"], "批量新企业")
        members(new, full=1)
        assert not EnterpriseCoverage.objects.filter(enterprise=new).exists()
    assert EnterpriseCoverage.objects.get(enterprise=new).members_full == 1
    assert_matches_full_recompute()


def test_refresh_one_county_leaves_others(small, world):
    region, _offices, _e = small
    before = snapshot()
    CoverageCell.objects.filter(region=region).delete()
    aggregates.refresh(region.code)
    assert snapshot() == before


def test_people_are_counted_once_across_cells(small, world):
    from xinye.orgs.models import Agent
    from xinye.orgs.services import assign_responsibility

    region, _offices, e = small
    user = world["users"]["city_admin"]
    idle = Agent.objects.get(kind="instructor", responsibilities__isnull=True, unit__region=region)
    assign_responsibility(e["own"], "instructor", agent=idle, actor=system_actor("test"))  # 快递 cell
    assign_responsibility(e["blank"], "instructor", agent=idle, actor=system_actor("test"))  # 外卖骑手 cell
    assert services.overview(user, region=region.code)["instructors"] == 2
    assert services.overview(user, region=region.code, industry="express")["instructors"] == 2
    assert services.overview(user, region=region.code, industry="delivery")["instructors"] == 1
    for industry in (None, "express", "delivery"):
        assert services.overview(user, region.code, industry) == services.naive_overview(
            user, region.code, industry
        )
    assert status(e["blank"]) == "work"
    assert_matches_full_recompute()


def test_assigned_roles_see_their_enterprises_only(small, world):
    from xinye.accounts.permissions import clear_cache
    from xinye.orgs.models import Agent
    from xinye.orgs.services import assign_responsibility

    _region, offices, e = small
    user = world["users"]["instructor"]
    agent_ = Agent.objects.create(
        kind="instructor", name="演示指导员", unit=offices["express"], region=_region, user=user
    )
    assign_responsibility(e["work"], "instructor", agent=agent_, actor=system_actor("test"))
    clear_cache(user)
    figures = services.overview(user)
    assert figures["enterprises"] == 1 and figures["party_members"] == 4
    assert figures["coverage"]["work"] == 1 and figures["must_form"] == 1
    assert [r["enterprises"] for r in services.coverage_rows(user, "county")] == [1]


def test_coverage_refresh_command(small, world):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    region, _offices, _e = small
    enterprise(world["units"]["djb-kerqin-delivery"], "另一旗县的企业")  # a second county with its own cell
    kept = snapshot()
    CoverageCell.objects.all().delete()
    EnterpriseCoverage.objects.all().delete()
    out = StringIO()
    call_command("coverage_refresh", stdout=out)
    assert "已重算" in out.getvalue()
    assert snapshot() == kept
    out = StringIO()
    call_command("coverage_refresh", "--region", region.code, stdout=out)
    assert snapshot() == kept
    # the counts printed are of that county, not of the city
    from xinye.ledger.models import Enterprise

    county = Enterprise.objects.filter(region=region).count()
    cells = CoverageCell.objects.filter(region=region).count()
    assert CoverageCell.objects.exclude(region=region).exists()
    assert f"已重算 {county} 家企业，统计单元 {cells} 个" in out.getvalue()
    with pytest.raises(CommandError, match="未知的区划代码"):
        call_command("coverage_refresh", "--region", "999999")


def test_lists_behind_the_rates(small, world):
    region, _offices, e = small
    user = world["users"]["city_admin"]

    def names(status):
        return {x.name for x in services.enterprise_rows(user, status=status, region=region.code)}

    assert names("organised") == {e["own"].name, e["j1"].name, e["j2"].name}
    assert names("covered") == names("organised") | {e["work"].name}
    assert names(None) == names("covered") | {e["blank"].name}
    with pytest.raises(Refused, match="未知的状态"):
        names("nonsense")
