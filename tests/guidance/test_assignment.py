"""The assignment proposal (分级分片) on hand-made inputs: no database."""

from collections import Counter

from xinye.guidance.assignment import AgentInput, EnterpriseInput, ExistingAssignment, propose

KERQIN, KAILU, KULUN = "150502", "150523", "150524"
NAMES = {KERQIN: "科尔沁区", KAILU: "开鲁县", KULUN: "库伦旗"}


def ent(i, county=KERQIN, lat=43.60, lng=122.26, own=False):
    return EnterpriseInput(i, f"企业{i}", county, lat, lng, own, NAMES[county])


def agent(i, kind, county=KERQIN, lat=43.60, lng=122.26, **kw):
    return AgentInput(i, f"人员{i}", kind, county, lat, lng, **kw)


def loads(items, kind):
    return Counter(i.agent_id for i in items if i.kind == kind)


def test_every_enterprise_is_covered_and_loads_balanced():
    ents = [ent(i, lat=43.6 + i * 0.003, lng=122.26 + (i % 4) * 0.004, own=i % 5 == 0) for i in range(1, 23)]
    agents = [agent(100 + k, "instructor", lat=43.6 + k * 0.01) for k in range(4)]
    agents += [agent(200 + k, "liaison", lat=43.6 + k * 0.02) for k in range(5)]
    p = propose(ents, agents, [])
    instr = {i.enterprise_id for i in p.for_kind("instructor")}
    liais = {i.enterprise_id for i in p.for_kind("liaison")}
    assert instr == {e.id for e in ents}  # instructors cover every enterprise, own organisation or not
    assert liais == {e.id for e in ents if not e.has_own_organisation}  # a liaison wherever none is organised
    for kind, n_agents in (("instructor", 4), ("liaison", 5)):
        counts = [loads(p.items, kind).get(a.id, 0) for a in agents if a.kind == kind]
        assert len(counts) == n_agents
        assert max(counts) - min(counts) <= 1, counts
    assert all(i.explanation for i in p.items)


def test_tolerance_two_allows_more_locality_but_stays_within_it():
    ents = [ent(i, lat=43.60 if i <= 8 else 43.90) for i in range(1, 11)]
    agents = [agent(1, "liaison", lat=43.60), agent(2, "liaison", lat=43.90)]
    p = propose(ents, agents, [], tolerance=2, kinds=("liaison",))
    counts = loads(p.items, "liaison")
    assert abs(counts[1] - counts[2]) <= 2
    assert counts[1] == 6 and counts[2] == 4  # the near agent takes as many as the tolerance allows


def test_same_county_first_even_when_another_county_is_nearer():
    # The enterprise sits on the county border, nearer to the 开鲁 liaison than to the 科尔沁 one.
    e = ent(1, KERQIN, lat=43.60, lng=121.80)
    near_other = agent(1, "liaison", KAILU, lat=43.60, lng=121.70)
    far_same = agent(2, "liaison", KERQIN, lat=43.60, lng=122.30)
    p = propose([e], [near_other, far_same], [], kinds=("liaison",))
    (item,) = p.items
    assert item.agent_id == 2 and item.same_county
    assert item.explanation.startswith("科尔沁区 企业1 → 驻企联络员 人员2：同一旗县，距离")
    assert "当前负责 0 家" in item.explanation


def test_nearest_other_county_only_when_none_at_home_and_it_says_so():
    e = ent(1, KULUN, lat=42.73, lng=121.77)
    kailu = agent(1, "instructor", KAILU, lat=43.60, lng=121.32)
    kerqin = agent(2, "instructor", KERQIN, lat=43.62, lng=122.26)
    far = agent(3, "instructor", "150581", lat=45.53, lng=119.66)
    p = propose([e], [kailu, kerqin, far], [], kinds=("instructor",))
    (item,) = p.items
    assert not item.same_county
    assert item.agent_id in (1, 2)
    assert "本旗县无党建指导员" in item.explanation
    assert any("库伦旗没有在岗的党建指导员" in n for n in p.notes)


def test_existing_assignments_are_kept_without_replan():
    ents = [ent(i) for i in range(1, 7)]
    agents = [agent(1, "liaison"), agent(2, "liaison")]
    existing = [
        ExistingAssignment(1, 1, "liaison"),
        ExistingAssignment(2, 1, "liaison"),
        ExistingAssignment(3, 2, "liaison"),
    ]
    p = propose(ents, agents, existing, kinds=("liaison",))
    assert {i.enterprise_id for i in p.items} == {4, 5, 6}  # only those without a liaison
    assert all(i.change == "new" for i in p.items)
    final = Counter({1: 2, 2: 1}) + loads(p.items, "liaison")
    assert max(final.values()) - min(final.values()) <= 1
    # fully assigned: nothing to propose
    everything = existing + [ExistingAssignment(i.enterprise_id, i.agent_id, "liaison") for i in p.items]
    assert propose(ents, agents, everything, kinds=("liaison",)).items == []


def test_replan_rebalances_but_moves_as_few_as_possible():
    ents = [ent(i) for i in range(1, 7)]
    agents = [agent(1, "liaison"), agent(2, "liaison")]
    existing = [ExistingAssignment(i, 1, "liaison") for i in range(1, 7)]  # all on one person
    kept = propose(ents, agents, existing, kinds=("liaison",))
    assert kept.items == [] and any("负荷差为 6 家" in n for n in kept.notes)
    p = propose(ents, agents, existing, replan=True, kinds=("liaison",))
    assert len(p.items) == 6
    changes = Counter(i.change for i in p.items)
    assert changes == {"keep": 3, "move": 3}
    assert Counter(i.agent_id for i in p.items) == {1: 3, 2: 3}
    assert all("调整原分配" in i.explanation for i in p.items if i.change == "move")


def test_instructor_target_note_when_staff_cannot_meet_it():
    ents = [ent(i) for i in range(1, 13)]
    p = propose(ents, [agent(1, "instructor"), agent(2, "instructor")], [], kinds=("instructor",))
    assert any("约 3 家" in n and "无法达到目标" in n for n in p.notes)
    assert Counter(i.agent_id for i in p.items) == {1: 6, 2: 6}


def test_capacity_is_respected_while_others_can_take_more():
    ents = [ent(i) for i in range(1, 7)]
    agents = [agent(1, "liaison", capacity=1), agent(2, "liaison", lat=43.7)]
    p = propose(ents, agents, [], kinds=("liaison",), tolerance=10)
    assert Counter(i.agent_id for i in p.items) == {1: 1, 2: 5}


def test_no_agent_anywhere_is_reported_not_invented():
    p = propose([ent(1)], [], [], kinds=("liaison",))
    assert p.items == [] and p.unassigned == [(1, "liaison", "全市没有在岗的驻企联络员")]


def test_random_counties_keep_the_invariants():
    import random

    for seed in range(5):
        rng = random.Random(seed)
        ents = [
            ent(
                i,
                rng.choice([KERQIN, KAILU]),
                43.6 + rng.uniform(-0.1, 0.1),
                122.0 + rng.uniform(-0.3, 0.3),
                rng.random() < 0.2,
            )
            for i in range(1, 80)
        ]
        ents += [ent(100 + i, KULUN, None, None) for i in range(5)]  # no coordinates, no agents of its own
        agents = [
            agent(1000 + k, kind, rng.choice([KERQIN, KAILU]), 43.6 + rng.uniform(-0.1, 0.1), 122.0)
            for k, kind in enumerate(["instructor"] * 9 + ["liaison"] * 23)
        ]
        agents += [agent(2000, "instructor", KERQIN), agent(2001, "liaison", KAILU)]  # at least one each
        tol = rng.choice([1, 2])
        p = propose(ents, agents, [], tolerance=tol)
        for kind in ("instructor", "liaison"):
            got = Counter(i.enterprise_id for i in p.for_kind(kind))
            assert set(got) == {e.id for e in ents if kind == "instructor" or not e.has_own_organisation}
            assert set(got.values()) == {1}
            for county in (KERQIN, KAILU):
                ids = [a.id for a in agents if a.kind == kind and a.county == county]
                counts = [p.loads[i] for i in ids]
                if counts:
                    assert max(counts) - min(counts) <= tol, (seed, kind, county, counts)
