"""结对共建: the refusals a user meets, both sides of a pair reading and logging, the 六联 statistics, the
pairs silent this quarter (frozen clock), the uncovered enterprises no one is paired with, and the ids the
grading asks for."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import login
from tests.core.images import PNG
from tests.ledger.factories import make_enterprise
from tests.pairing.factories import END, START, make_activity, make_enterprise_org, make_host, make_pairing
from xinye.accounts.models import User
from xinye.accounts.permissions import restrict, system_actor
from xinye.accounts.services import assign_role
from xinye.core.errors import OutOfScope, Refused
from xinye.coverage import aggregates
from xinye.coverage.models import EnterpriseCoverage
from xinye.ledger.models import Enterprise
from xinye.pairing import services
from xinye.pairing.models import Pairing, PairingActivity

SYS = system_actor("test")
OFFICE = "djb-kerqin-delivery"
OTHER_OFFICE = "djb-naiman-delivery"
# 2026-11-20, a Friday in the fourth quarter (2026-10-01 … 2026-12-31), 10:00 in 通辽
NOV_20 = datetime.datetime(2026, 11, 20, 2, 0, tzinfo=datetime.UTC)


def _secretary_of(unit, username):
    user = User.objects.create(username=username, display_name=username, is_staff=True)
    assign_role(user, "secretary", unit, actor=SYS)
    return user


@pytest.fixture
def pair(world):
    """A 机关 branch under the city's org department paired with an enterprise's own branch in 科尔沁区."""
    host = make_host(world["units"]["tl-zzb"])
    org = make_enterprise_org(world["units"][OFFICE])
    return make_pairing(host, partner_org=org)


# --- refusals ---


def test_a_pair_is_recorded_between_a_party_organisation_and_an_enterprise_side(world):
    host = make_host(world["units"]["tl-zzb"])
    org = make_enterprise_org(world["units"][OFFICE])
    pairing = services.create_pairing(
        unit=host, host_sector="organ", partner_org=org, starts_on=START, ends_on=END, actor=SYS
    )
    assert (
        pairing.partner_unit == org.unit and pairing.region_id == "150502" and pairing.industry == "delivery"
    )
    bare = make_enterprise(world["units"][OFFICE])
    other = services.create_pairing(
        unit=host, host_sector="organ", enterprise=bare, starts_on=START, ends_on=END, actor=SYS
    )
    assert other.partner_unit == world["units"][OFFICE]


def test_the_host_side_must_be_a_party_organisation_and_not_an_enterprises(world):
    org = make_enterprise_org(world["units"][OFFICE])
    department = world["units"]["dept-transport"]  # a 机关 itself, not its party organisation
    with pytest.raises(Refused) as exc:
        services.create_pairing(
            unit=department, host_sector="organ", partner_org=org, starts_on=START, ends_on=END, actor=SYS
        )
    assert (
        "须为党组织" in exc.value.message_dict["unit"][0]
        and "行业主管部门" in exc.value.message_dict["unit"][0]
    )
    other = make_enterprise_org(world["units"][OFFICE])
    with pytest.raises(Refused, match="是企业党组织"):
        services.create_pairing(
            unit=other.unit, host_sector="soe", partner_org=org, starts_on=START, ends_on=END, actor=SYS
        )
    assert not Pairing.objects.exists()


def test_an_enterprise_with_an_organisation_is_paired_through_it_and_periods_run_forward(world):
    host = make_host(world["units"]["tl-zzb"])
    org = make_enterprise_org(world["units"][OFFICE])
    with pytest.raises(Refused, match="请与该党组织结对"):
        services.create_pairing(
            unit=host,
            host_sector="organ",
            enterprise=org.enterprises.get(),
            starts_on=START,
            ends_on=END,
            actor=SYS,
        )
    with pytest.raises(Refused, match="二者选一"):
        services.create_pairing(unit=host, host_sector="organ", starts_on=START, ends_on=END, actor=SYS)
    with pytest.raises(Refused, match="不能早于起始日期"):
        services.create_pairing(
            unit=host, host_sector="organ", partner_org=org, starts_on=END, ends_on=START, actor=SYS
        )
    services.create_pairing(
        unit=host, host_sector="organ", partner_org=org, starts_on=START, ends_on=END, actor=SYS
    )
    with pytest.raises(Refused, match="已有结对"):
        services.create_pairing(
            unit=host,
            host_sector="organ",
            partner_org=org,
            starts_on=datetime.date(2027, 6, 1),
            ends_on=datetime.date(2028, 5, 31),
            actor=SYS,
        )


@time_machine.travel(NOV_20, tick=False)
def test_an_activity_outside_the_period_or_with_an_unknown_link_is_refused(pair):
    with pytest.raises(Refused) as exc:
        services.log_activity(
            pair,
            held_on=datetime.date(2025, 12, 30),
            title="提前活动",
            links=["venue"],
            participants=8,
            actor=SYS,
        )
    assert "不在结对期限（2026-01-01 至 2027-12-31）内" in exc.value.message_dict["held_on"][0]
    with pytest.raises(Refused) as exc:
        services.log_activity(
            pair,
            held_on=datetime.date(2026, 11, 2),
            title="共建",
            links=["venue", "money"],
            participants=8,
            actor=SYS,
        )
    assert "未知的六联类别：money" in exc.value.message_dict["links"][0]
    for links, participants, field in (([], 8, "links"), (["team"], 0, "participants")):
        with pytest.raises(Refused) as exc:
            services.log_activity(
                pair,
                held_on=datetime.date(2026, 11, 2),
                title="共建",
                links=links,
                participants=participants,
                actor=SYS,
            )
        assert field in exc.value.message_dict
    with pytest.raises(Refused, match="不能晚于今天"):
        services.log_activity(
            pair, held_on=datetime.date(2026, 11, 21), title="共建", links=["team"], participants=3, actor=SYS
        )
    assert not PairingActivity.objects.exists()
    # the period cannot be shortened past an activity already logged
    make_activity(pair, held_on=datetime.date(2026, 11, 2))
    with pytest.raises(Refused, match="不在新的结对期限内"):
        services.update_pairing(pair, ends_on=datetime.date(2026, 10, 31), actor=SYS)
    with pytest.raises(Refused, match="不能删除"):
        services.delete_pairing(pair, actor=SYS)


# --- both sides ---


@time_machine.travel(NOV_20, tick=False)
def test_both_sides_see_the_pair_and_log_on_it_and_a_third_does_not(world, pair):
    host_secretary = _secretary_of(pair.unit, "host_sec")
    partner_secretary = _secretary_of(pair.partner_unit, "ent_sec")
    stranger = _secretary_of(make_enterprise_org(world["units"][OTHER_OFFICE]).unit, "other_sec")
    for user in (host_secretary, partner_secretary):
        assert list(restrict(Pairing.objects.all(), user)) == [pair]
    assert not restrict(Pairing.objects.all(), stranger).exists()

    day = datetime.date(2026, 11, 12)
    by_host = services.log_activity(
        pair,
        held_on=day,
        title="机关党员进站点",
        links=["venue", "service"],
        participants=14,
        actor=host_secretary,
    )
    by_partner = services.log_activity(
        pair, held_on=day, title="骑手党员到机关学习", links=["team"], participants=9, actor=partner_secretary
    )
    assert (by_host.side, by_partner.side) == ("host", "partner")
    # each side reads the other's activity, and its evidence may be attached from either side
    assert set(restrict(PairingActivity.objects.all(), host_secretary)) == {by_host, by_partner}
    assert set(restrict(PairingActivity.objects.all(), partner_secretary)) == {by_host, by_partner}
    services.add_evidence(
        by_host, file=SimpleUploadedFile("合影.png", PNG), caption="合影", actor=partner_secretary
    )
    with pytest.raises(OutOfScope):
        services.log_activity(pair, held_on=day, title="冒名", links=["team"], participants=1, actor=stranger)

    # through the API too, from the enterprise side
    client = login("ent_sec")
    response = client.post(
        f"/api/v1/pairings/{pair.pk}/activities",
        {"held_on": "2026-11-19", "title": "信息互通会", "links": ["information"], "participants": 6},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["side"] == "partner"
    assert login("other_sec").get(f"/api/v1/pairings/{pair.pk}").status_code == 404
    bad = client.post(
        f"/api/v1/pairings/{pair.pk}/activities",
        {"held_on": "2028-01-05", "title": "期满之后", "links": ["venue"], "participants": 6},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "held_on"


def test_evidence_is_a_photo_or_a_document_by_its_bytes(pair):
    activity = make_activity(pair)
    photo = services.add_evidence(activity, file=SimpleUploadedFile("x.jpg", PNG), actor=SYS)
    document = services.add_evidence(
        activity, file=SimpleUploadedFile("计划.pdf", b"%PDF-1.7\n..."), caption="共建协议", actor=SYS
    )
    assert (photo.kind, document.kind) == ("photo", "document")
    with pytest.raises(Refused, match="只能上传照片"):
        services.add_evidence(
            activity, file=SimpleUploadedFile("x.png", b"MZ\x90\x00 not an image"), actor=SYS
        )
    assert activity.evidence.count() == 2


# --- statistics ---


@time_machine.travel(NOV_20, tick=False)
def test_pairing_statistics_count_activities_under_each_link_and_the_silent_pairs(world, pair):
    host = pair.unit
    silent = make_pairing(host, partner_org=make_enterprise_org(world["units"][OFFICE]))
    ended = make_pairing(
        host,
        partner_org=make_enterprise_org(world["units"][OFFICE]),
        starts_on=START,
        ends_on=datetime.date(2026, 6, 30),
    )
    make_activity(
        pair, held_on=datetime.date(2026, 10, 8), links=["organisation", "venue", "activity"], participants=20
    )
    make_activity(pair, held_on=datetime.date(2026, 3, 5), links=["venue", "team"], participants=10)
    make_activity(
        silent, held_on=datetime.date(2026, 9, 30), links=["information", "service"], participants=7
    )
    make_activity(ended, held_on=datetime.date(2026, 5, 1), links=["service"], participants=5)
    make_activity(pair, held_on=datetime.date(2025, 12, 1), links=["team"], participants=99)  # another year

    stats = services.pairing_stats(Pairing.objects.all())
    assert stats["pairings"] == 2  # the pair that ended in June is not counted as active
    assert stats["activities"] == 4 and stats["participants"] == 42
    assert stats["by_link"] == {
        "organisation": 1,
        "venue": 2,
        "activity": 1,
        "information": 1,
        "service": 2,
        "team": 1,
    }
    # the second pair's last activity was on 30 September: silent since the quarter began on 1 October
    assert list(services.silent_pairings(Pairing.objects.all())) == [silent]
    assert stats["pairs_without_activity_this_quarter"] == 1

    response = login("city_admin").get("/api/v1/stats/pairings")
    body = response.json()
    assert {"pairings", "activities", "by_link", "pairs_without_activity_this_quarter"} <= set(body)
    assert body["by_link"] == stats["by_link"] and body["pairs_without_activity_this_quarter"] == 1
    assert body["quarter"] == {"from": "2026-10-01", "to": "2026-12-31"}
    # a county outside the pairs sees none of them
    naiman = User.objects.create(username="naiman_admin", is_staff=True)
    assign_role(naiman, "county_admin", world["units"]["lxgw-naiman"], actor=SYS)
    assert login("naiman_admin").get("/api/v1/stats/pairings").json()["activities"] == 0

    listed = login("city_admin").get("/api/v1/pairings", {"silent_this_quarter": True}).json()
    assert [item["id"] for item in listed["items"]] == [silent.pk]
    activities = login("city_admin").get("/api/v1/pairing-activities", {"link": "team", "limit": 50}).json()
    assert activities["count"] == 2 and all("team" in a["links"] for a in activities["items"])
    assert login("city_admin").get("/api/v1/pairing-activities", {"link": "money"}).status_code == 422
    item = login("city_admin").get(f"/api/v1/pairings/{pair.pk}").json()
    assert item["links"] == ["organisation", "venue", "activity", "team"]
    assert item["partner"]["kind"] == "organisation" and item["activities"] == 3


@time_machine.travel(datetime.datetime(2027, 1, 3, 2, 0, tzinfo=datetime.UTC), tick=False)
def test_a_new_quarter_makes_every_pair_silent_until_it_meets(pair):
    make_activity(pair, held_on=datetime.date(2026, 12, 28))
    assert services.quarter_bounds(datetime.date(2027, 1, 3)) == (
        datetime.date(2027, 1, 1),
        datetime.date(2027, 3, 31),
    )
    assert list(services.silent_pairings(Pairing.objects.all())) == [pair]
    make_activity(pair, held_on=datetime.date(2027, 1, 2))
    assert not services.silent_pairings(Pairing.objects.all()).exists()


@time_machine.travel(NOV_20, tick=False)
def test_uncovered_enterprises_no_one_is_paired_with(world):
    office = world["units"][OFFICE]
    host = make_host(world["units"]["tl-zzb"])
    alone, paired_alone, organised = make_enterprise(office), make_enterprise(office), make_enterprise(office)
    make_enterprise_org(office, enterprise=organised)
    lapsed = make_enterprise(office)
    make_pairing(host, enterprise=paired_alone)
    make_pairing(host, enterprise=lapsed, ends_on=datetime.date(2026, 9, 30))
    aggregates.refresh()  # the coverage tables, as `xinye coverage-refresh` rebuilds them
    statuses = dict(EnterpriseCoverage.objects.values_list("enterprise_id", "status"))
    assert statuses[alone.pk] == "blank" and statuses[organised.pk] == "independent"

    found = list(services.uncovered_unpaired(Enterprise.objects.filter(unit=office)))
    assert found == sorted([alone, lapsed], key=lambda e: e.name)
    assert {e.coverage_status for e in found} == {"blank"}

    body = login("kerqin_admin").get("/api/v1/pairings/unpaired-enterprises").json()
    assert {item["id"] for item in body["items"]} >= {alone.pk, lapsed.pk}
    assert paired_alone.pk not in {item["id"] for item in body["items"]}
    assert organised.pk not in {item["id"] for item in body["items"]}
    assert (
        login("kerqin_admin")
        .get("/api/v1/pairings/unpaired-enterprises", {"status": "independent"})
        .status_code
        == 422
    )


@time_machine.travel(NOV_20, tick=False)
def test_active_pairing_ids_for_the_grading(world, pair):
    office = world["units"][OFFICE]
    bare = make_enterprise(office)
    make_pairing(pair.unit, enterprise=bare)
    old_org = make_enterprise_org(office)
    make_pairing(pair.unit, partner_org=old_org, ends_on=datetime.date(2026, 6, 30))
    covered = pair.partner_org.enterprises.get()

    result = services.active_pairing_ids()
    assert result.enterprise_ids == {bare.pk, covered.pk}
    assert result.org_ids == {pair.partner_org_id}
    narrowed = services.active_pairing_ids(
        enterprise_ids=[bare.pk, old_org.enterprises.get().pk], org_ids=[old_org.pk]
    )
    assert narrowed.enterprise_ids == {bare.pk} and narrowed.org_ids == set()
    assert services.active_pairing_ids(on=datetime.date(2026, 5, 1)).org_ids == {
        pair.partner_org_id,
        old_org.pk,
    }


# --- plans and reviews ---


def test_the_yearly_plan_and_review_are_one_per_year_within_the_period(pair):
    plan = services.save_plan(pair, year=2026, content="每季度至少开展一次共建活动", actor=SYS)
    again = services.save_plan(pair, year=2026, content="每季度至少两次", actor=SYS)
    assert again.pk == plan.pk and again.content == "每季度至少两次"
    item = services.add_plan_item(
        plan, month=7, title="七一联合主题党日", links=["activity", "organisation"], actor=SYS
    )
    assert item.links == ["organisation", "activity"]
    with pytest.raises(Refused, match="1 至 12"):
        services.add_plan_item(plan, month=13, title="x", links=["venue"], actor=SYS)
    with pytest.raises(Refused, match="年度须在结对期限内"):
        services.save_plan(pair, year=2030, content="x", actor=SYS)
    review = services.review_pairing(pair, year=2026, rating="excellent", text="阵地共用成效好", actor=SYS)
    assert services.review_pairing(pair, year=2026, rating="good", text="改", actor=SYS).pk == review.pk
    with pytest.raises(Refused, match="未知的评价等次"):
        services.review_pairing(pair, year=2027, rating="A+", text="x", actor=SYS)


def test_an_instructor_reads_the_pairs_of_the_enterprises_assigned_to_them(world, pair):
    """The assigned scope follows the partner side too: the organisation covering an assigned enterprise."""
    from xinye.orgs.models import Agent
    from xinye.orgs.services import assign_responsibility

    user = User.objects.create(username="inst2", is_staff=True)
    assign_role(user, "instructor", world["units"]["lxgw-kerqin"], actor=SYS)
    agent = Agent.objects.create(
        kind="instructor", name="王指导", unit=world["units"]["lxgw-kerqin"], region_id="150502", user=user
    )
    assert not restrict(Pairing.objects.all(), user).exists()
    assign_responsibility(pair.partner_org.enterprises.get(), "instructor", agent=agent, actor=SYS)
    user = User.objects.get(pk=user.pk)  # grants and assignments are cached per user object
    assert list(restrict(Pairing.objects.all(), user)) == [pair]
    assert not restrict(Pairing.objects.all(), user, "add").exists()  # instructors read pairs, never write


def test_a_pair_is_recorded_by_whoever_sees_both_sides(world):
    """A county records its own communities' and bodies' pairs; a pair with a city 机关 is the city's to record
    (the county cannot see the 机关's organisation), and an enterprise's secretary cannot name a host."""
    office = world["units"][OFFICE]
    community_branch = make_host(world["units"]["street-kerqin-1-c1"], name="科尔沁街道社区党委")
    city_branch = make_host(world["units"]["dept-transport"])
    org = make_enterprise_org(office)
    county = world["users"]["kerqin_admin"]
    pairing = services.create_pairing(
        unit=community_branch,
        host_sector="community",
        partner_org=org,
        starts_on=START,
        ends_on=END,
        actor=county,
    )
    assert pairing.created_by == county
    with pytest.raises(OutOfScope):
        services.create_pairing(
            unit=city_branch, host_sector="organ", partner_org=org, starts_on=START, ends_on=END, actor=county
        )
    secretary = _secretary_of(org.unit, "ent_sec2")
    with pytest.raises(OutOfScope):
        services.create_pairing(
            unit=city_branch,
            host_sector="organ",
            partner_org=org,
            starts_on=START,
            ends_on=END,
            actor=secretary,
        )
    city = services.create_pairing(
        unit=city_branch,
        host_sector="organ",
        partner_org=org,
        starts_on=START,
        ends_on=END,
        actor=world["users"]["city_admin"],
    )
    # once recorded, the enterprise's secretary and the county see it and may change its goals
    services.update_pairing(city, goals="每季度一次联合主题党日", actor=secretary)
    assert restrict(Pairing.objects.filter(pk=city.pk), county).exists()
    with pytest.raises(Refused, match="结对双方不能修改"):
        services.update_pairing(city, unit=community_branch, actor=world["users"]["city_admin"])
