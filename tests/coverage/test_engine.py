"""The coverage engine on hand-built plain inputs: statuses, rates, 应建尽建 and joint proposals known exactly."""

import pytest

from xinye.coverage import engine
from xinye.coverage.engine import AssignmentIn, EnterpriseIn, OrganisationIn
from xinye.coverage.rules import RELATED_INDUSTRIES

PAIRS = frozenset(frozenset((str(a), str(b))) for a, b in RELATED_INDUSTRIES)
KERQIN, NAIMAN = "150502", "150525"
NAMES = {KERQIN: "科尔沁区", NAIMAN: "奈曼旗"}
LABELS = {"express": "快递", "delivery": "外卖骑手", "internet": "互联网", "freight": "大货车（网约车）"}


def E(id, full=0, industry="express", in_scope=True, region=KERQIN, north_km=0.0, east_km=0.0, coords=True):
    lat = 43.6 + north_km / 111.195 if coords else None
    lon = 122.26 + east_km / (111.195 * 0.72417) if coords else None  # cos(43.6°) ≈ 0.72417
    return EnterpriseIn(
        id=id,
        name=f"企业{id}",
        region=region,
        industry=industry,
        in_scope=in_scope,
        latitude=lat,
        longitude=lon,
        full_members=full,
    )


@pytest.fixture
def ledger():
    enterprises = [
        E(1, full=4),  # own branch → 单独组建
        E(2, full=1),  # in a 联合党支部 with 3 → 联合组建
        E(3, industry="delivery"),
        E(4, full=5),  # no organisation, a liaison → 工作覆盖, 应建尽建
        E(5, industry="logistics"),  # nothing → 空白
        E(6, in_scope=False),  # out of the survey scope: not counted
        E(7),  # only a 党小组 and an inactive instructor → 空白
        E(
            8, full=3
        ),  # a 党支部 covering two enterprises → 联合组建, and 应建尽建 (no organisation of its own)
        E(9),
        E(10, full=2),  # a 党委 of its own (an organisation of its own whatever its size) → 单独组建
    ]
    organisations = [
        OrganisationIn(101, "branch", (1,)),
        OrganisationIn(102, "joint_branch", (2, 3)),
        OrganisationIn(103, "party_group", (7,)),
        OrganisationIn(104, "branch", (8, 9)),
        OrganisationIn(105, "party_committee", (10,)),
    ]
    assignments = [
        AssignmentIn(4, "liaison", 1),
        AssignmentIn(7, "instructor", 2, active=False),
        AssignmentIn(1, "instructor", 3),
    ]
    return enterprises, organisations, assignments


def test_statuses(ledger):
    enterprises, organisations, assignments = ledger
    statuses = engine.classify(enterprises, organisations, assignments)
    assert {eid: s.status for eid, s in statuses.items()} == {
        1: "independent",
        2: "joint",
        3: "joint",
        4: "work",
        5: "blank",
        6: "blank",
        7: "blank",
        8: "joint",
        9: "joint",
        10: "independent",
    }
    assert statuses[1].organisation_id == 101 and statuses[1].has_instructor
    assert statuses[2].organisation_id == 102
    assert statuses[4].has_liaison and statuses[4].label == "工作覆盖"
    assert not statuses[7].has_instructor  # an inactive instructor covers nothing


def test_own_organisation_wins_over_joint():
    enterprises = [E(1, full=3), E(2)]
    organisations = [OrganisationIn(1, "joint_branch", (1, 2)), OrganisationIn(2, "branch", (1,))]
    statuses = engine.classify(enterprises, organisations)
    assert statuses[1].status == "independent" and statuses[1].organisation_id == 2
    assert statuses[2].status == "joint"


def test_rates(ledger):
    enterprises, organisations, assignments = ledger
    statuses = engine.classify(enterprises, organisations, assignments)
    t = engine.tally(enterprises, statuses)[None]
    # in scope: 1,2,3,4,5,7,8,9,10 = 9; 单独 1,10; 联合 2,3,8,9; 工作 4; 空白 5,7
    assert (t.enterprises, t.independent, t.joint, t.work, t.blank) == (9, 2, 4, 1, 2)
    assert t.rates == engine.Rates(organisation_rate=0.6667, independent_rate=0.2222, work_rate=0.7778)
    assert engine.rates(0, 0, 0, 0) == engine.Rates(0.0, 0.0, 0.0)


def test_rates_by_industry(ledger):
    enterprises, organisations, assignments = ledger
    statuses = engine.classify(enterprises, organisations, assignments)
    by = engine.tally(enterprises, statuses, key=lambda e: e.industry)
    assert by["delivery"].enterprises == 1 and by["delivery"].rates.organisation_rate == 1.0
    assert by["logistics"].rates == engine.Rates(0.0, 0.0, 0.0)
    assert by["express"].enterprises == 7  # 6 is out of scope


def test_must_form(ledger):
    enterprises, organisations, assignments = ledger
    statuses = engine.classify(enterprises, organisations, assignments)
    assert [e.id for e in engine.must_form(enterprises, statuses, 3)] == [4, 8]
    assert [e.id for e in engine.must_form(enterprises, statuses, 5)] == [4]


def test_haversine():
    # one degree of latitude ≈ 111.195 km on the mean sphere
    assert engine.haversine_km(43.0, 122.0, 44.0, 122.0) == pytest.approx(111.195, abs=0.01)
    assert engine.haversine_km(43.6, 122.26, 43.6, 122.26) == 0.0


def propose(enterprises, **kw):
    statuses = engine.classify(enterprises, [])
    kw.setdefault("related_pairs", PAIRS)
    return engine.propose_joint_branches(
        enterprises, statuses, region_names=NAMES, industry_labels=LABELS, **kw
    )


def test_joint_proposal_nearest_first_with_explanation():
    enterprises = [
        E(1, full=2),
        E(2, full=1, north_km=0.5),
        E(3, full=1, north_km=1.0),
        E(4, full=0, east_km=0.3),  # no member: joins to be covered once the group has 3 members
        E(5, full=1, industry="internet", east_km=-0.2),  # 互联网 is not related to 快递
        E(6, full=2, industry="freight", north_km=50),  # too far from everyone
        E(7, full=1, region=NAIMAN),  # another county
        E(8, full=1, coords=False),  # no coordinates: cannot be placed
    ]
    result = propose(enterprises)
    assert [g.enterprise_ids for g in result.groups] == [(1, 2, 4)]
    group = result.groups[0]
    assert group.full_members == 3
    assert group.max_distance_km == pytest.approx(0.58, abs=0.01)
    assert group.explanation == (
        "科尔沁区 3 家快递企业相距不超过 0.6 公里，合计正式党员 3 名，可联合组建党支部"
        "（建议由企业1牵头，其中 1 家暂无正式党员，一并纳入组织覆盖）"
    )
    assert sorted(eid for eid, _reason in result.unmatched) == [3, 5, 6, 7]
    assert "不足 3 名" in dict(result.unmatched)[6]


def test_related_industries_group_together():
    enterprises = [
        E(1, full=2, industry="delivery"),
        E(2, full=1, industry="express", north_km=0.4),
        E(3, full=2, industry="logistics", north_km=0.1),  # 物流 ~ 快递 but not ~ 外卖骑手
    ]
    result = propose(enterprises)
    assert [g.enterprise_ids for g in result.groups] == [(1, 2)]
    assert result.groups[0].explanation.startswith("科尔沁区 2 家外卖骑手、快递企业相距不超过 0.4 公里")
    assert [eid for eid, _ in result.unmatched] == [3]
    # Without the related pairs only the same industry groups: nothing reaches 3 members.
    assert propose(enterprises, related_pairs=frozenset()).groups == []


def test_group_size_limit_and_distance_limit():
    enterprises = [
        E(1, full=1),
        E(2, full=1, north_km=0.1),
        E(3, full=1, north_km=0.2),
        *(E(10 + i, north_km=0.3 + i * 0.1) for i in range(4)),  # four without members
        E(20, full=1, north_km=12),
        E(21, full=2, north_km=12.5),
    ]
    result = propose(enterprises, max_units=5, max_distance_km=10)
    assert [g.enterprise_ids for g in result.groups] == [(21, 20), (1, 2, 3, 10, 11)]
    assert all(len(g.enterprise_ids) <= 5 for g in result.groups)
    # Within 90 m nobody reaches 3 full members together.
    assert propose(enterprises, max_distance_km=0.09).groups == []


def test_organised_and_large_enterprises_are_not_proposed():
    enterprises = [E(1, full=2), E(2, full=1, north_km=0.1), E(3, full=3, north_km=0.1)]
    organisations = [OrganisationIn(9, "joint_branch", (1, 4))]
    statuses = engine.classify(enterprises, organisations)
    result = engine.propose_joint_branches(enterprises, statuses, related_pairs=PAIRS)
    assert result.groups == []  # 1 is already in a joint branch, 3 must form its own
    assert [eid for eid, _ in result.unmatched] == [2]
