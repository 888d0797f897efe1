"""Meetings through the services and the API: quorum flagged, attendance checked, health from the database."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tests.accounts.otp import pass_second_factor
from tests.guidance import helpers
from xinye.accounts.permissions import system_actor
from xinye.core.errors import OutOfScope
from xinye.orglife import services
from xinye.orglife.models import Meeting, MeetingRule, OnlineGroup

pytestmark = pytest.mark.django_db
SYSTEM = system_actor("test")
NOW = dt.datetime(2026, 10, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def branch(world):
    """A Kerqin rider branch (inside the demo secretary's scope) with four full members and one probationary."""
    unit = helpers.branch(
        world["units"]["djb-kerqin-delivery"], "美团外卖明仁站党支部", next_election_on=dt.date(2028, 1, 1)
    )
    members = [helpers.member(unit, n) for n in ("甲一", "乙二", "丙三", "丁四")]
    members.append(helpers.member(unit, "戊五", is_full=False))
    return unit, members


def test_meeting_rules_are_seeded_as_data():
    rules = {r.kind: (r.period, r.min_count) for r in MeetingRule.objects.all()}
    assert rules["general_meeting"] == ("quarter", 1)
    assert rules["committee_meeting"] == ("month", 1)
    assert rules["theme_day"] == ("month", 1)
    assert rules["life_meeting"] == ("year", 1)
    assert len(rules) == 8


def test_general_meeting_without_quorum_is_flagged(branch, world):
    unit, (a, b, c, d, probationary) = branch
    secretary = world["users"]["secretary"]
    present = [(a, "present"), (b, "present"), (probationary, "present")]
    away = [(c, "leave", "跑单"), (d, "absent", "联系不上")]
    meeting = services.record_meeting(
        actor=secretary,
        unit=unit,
        kind="general_meeting",
        date=dt.date(2026, 9, 5),
        topic="发展党员表决",
        place="站点会议室",
        attendance=present + away,
    )
    meeting.refresh_from_db()
    # probationary members have no vote: 2 of 4 voting members is not more than half
    assert (meeting.expected, meeting.present, meeting.quorum_met) == (4, 2, False)
    assert meeting.quorum_note == "有表决权党员应到 4 人，实到 2 人，未超过半数"
    services.set_attendance(meeting, present + [(c, "present"), (d, "absent", "联系不上")], actor=secretary)
    meeting.refresh_from_db()
    assert meeting.quorum_met is True


def test_attendance_is_checked(branch, world):
    unit, members = branch
    meeting = services.record_meeting(
        unit=unit, kind="theme_day", date=dt.date(2026, 9, 8), topic="主题党日", place="站点", actor=SYSTEM
    )
    stranger = helpers.member(helpers.branch(world["units"]["djb-kerqin-express"]), "外人")
    with pytest.raises(ValidationError, match="不属于"):
        services.set_attendance(meeting, [(stranger, "present")], actor=SYSTEM)
    with pytest.raises(ValidationError, match="须写明原因"):
        services.set_attendance(meeting, [(members[0], "absent")], actor=SYSTEM)
    with pytest.raises(ValidationError, match="会议地点"):
        services.record_meeting(
            unit=unit, kind="theme_day", date=dt.date(2026, 9, 8), topic="x", actor=SYSTEM
        )
    naiman = helpers.branch(world["units"]["djb-naiman-delivery"])
    with pytest.raises(OutOfScope):
        services.record_meeting(
            actor=world["users"]["secretary"],
            unit=naiman,
            kind="theme_day",
            date=dt.date(2026, 9, 8),
            topic="x",
            place="y",
        )


def test_online_meeting_in_an_online_group(branch):
    unit, members = branch
    group = services.create_online_group(
        unit=unit, name="明仁站网络党小组", platform="微信群", members=members[:3], actor=SYSTEM
    )
    meeting = services.record_meeting(
        unit=unit,
        kind="group_meeting",
        date=dt.date(2026, 9, 20),
        topic="线上学习",
        online_group=group,
        attendance=[(m, "present", "", True) for m in members[:3]],
        actor=SYSTEM,
    )
    assert meeting.is_online and meeting.attendance.filter(online=True).count() == 3


@time_machine.travel(NOW, tick=False)
def test_health_from_the_database_and_the_api(branch, world, api_client, monkeypatch):
    monkeypatch.setattr(services, "_arrears", lambda member, as_of: 0)  # dues are members' business: all paid
    unit, (a, b, c, d, p) = branch
    everyone = [(m, "present") for m in (a, b, c, d, p)]
    for day in (dt.date(2026, 7, 8), dt.date(2026, 8, 8)):
        services.record_meeting(
            unit=unit,
            kind="theme_day",
            date=day,
            topic="主题党日",
            place="站点",
            attendance=everyone,
            actor=SYSTEM,
        )
    services.record_meeting(
        unit=unit,
        kind="party_lecture",
        date=dt.date(2026, 9, 12),
        topic="党课",
        place="站点",
        attendance=everyone,
        actor=SYSTEM,
    )
    (h,) = services.assess_all(
        __import__("xinye.ledger.models", fromlist=["PartyOrganisation"]).PartyOrganisation.objects.filter(
            unit=unit
        ),
        "2026Q3",
    )
    # no online group or 党小组: 党小组会 not required; no committee: 支委会 not required
    assert h.missing == [
        "本季度应召开支部党员大会 1 次，实际 0 次",
        "本季度应召开主题党日 3 次，实际 2 次（9 月未召开）",
    ]
    assert h.parts == {"meetings": 36.0, "attendance": 20.0, "members": 10.0, "term": 10.0}
    assert h.score == 76 and h.normal
    client = api_client("secretary")
    r = client.get("/api/v1/orglife/health", {"period": "2026Q3"})
    assert r.status_code == 200
    mine = [o for o in r.json()["items"] if o["unit_id"] == unit.pk]
    assert mine and mine[0]["missing"] == h.missing
    r = client.get(f"/api/v1/orglife/health/{unit.pk}", {"period": "2026Q3"})
    assert r.json()["checks"][0]["label"] == "支部党员大会"
    naiman = helpers.branch(world["units"]["djb-naiman-delivery"])
    assert client.get(f"/api/v1/orglife/health/{naiman.pk}").status_code == 404
    page = client_for_page(world, "city_admin").get(
        "/admin/orglife/health/", {"period": "2026Q3", "all": "1"}
    )
    assert page.status_code == 200 and "美团外卖明仁站党支部" in page.content.decode()


def client_for_page(world, username):
    from django.test import Client

    c = Client()
    c.force_login(world["users"][username])
    pass_second_factor(c, world["users"][username])
    return c


def test_meeting_api_for_the_secretary(branch, world, api_client):
    unit, members = branch
    client = api_client("secretary")
    payload = {
        "unit_id": unit.pk,
        "kind": "committee_meeting",
        "date": "2026-09-03",
        "topic": "研究发展对象",
        "place": "站点",
        "attendance": [{"member_id": m.pk, "status": "present"} for m in members[:2]],
    }
    r = client.post("/api/v1/meetings", payload, content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["quorum_met"] is None and "未设支部委员会" in body["quorum_note"]
    assert len(body["attendance"]) == 2
    naiman = helpers.branch(world["units"]["djb-naiman-delivery"])
    r = client.post(
        "/api/v1/meetings",
        {**payload, "unit_id": naiman.pk, "attendance": None},
        content_type="application/json",
    )
    assert r.status_code == 404
    assert Meeting.objects.filter(unit=unit).count() == 1
    # an instructor may look but not record
    assert (
        api_client("instructor")
        .post("/api/v1/meetings", payload, content_type="application/json")
        .status_code
        == 403
    )


def test_online_group_api(branch, world, api_client):
    unit, members = branch
    client = api_client("secretary")
    r = client.post(
        "/api/v1/online-groups",
        {
            "unit_id": unit.pk,
            "name": "骑手网络党小组",
            "platform": "微信群",
            "member_ids": [m.pk for m in members[:2]],
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert sorted(r.json()["member_ids"]) == sorted(m.pk for m in members[:2])
    stranger = helpers.member(helpers.branch(world["units"]["djb-kerqin-express"]))
    r = client.post(
        "/api/v1/online-groups",
        {"unit_id": unit.pk, "name": "x", "member_ids": [stranger.pk]},
        content_type="application/json",
    )
    assert r.status_code == 422


def test_health_list_queries_do_not_grow_with_organisations(
    world, api_client, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(services, "_arrears", lambda member, as_of: None)
    parent = world["units"]["djb-kerqin-freight"]
    for i in range(6):
        unit = helpers.branch(parent, f"货运党支部{i}")
        m = helpers.member(unit)
        services.record_meeting(
            unit=unit,
            kind="theme_day",
            date=dt.date(2026, 7, 8),
            topic="t",
            place="p",
            attendance=[(m, "present")],
            actor=SYSTEM,
        )
    client = api_client("city_admin")
    with django_assert_max_num_queries(20):
        r = client.get("/api/v1/orglife/health", {"period": "2026Q3", "limit": 100})
    assert r.status_code == 200 and r.json()["count"] >= 6


def test_cli_lists_organisations_not_running_normally(branch):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("orglife_health", "--period", "2026Q3", stdout=out)
    assert (
        "美团外卖明仁站党支部" in out.getvalue()
        and "本季度应召开支部党员大会 1 次，实际 0 次" in out.getvalue()
    )


def test_secretary_records_a_meeting_with_attendance_in_the_console(branch, client_for):
    unit, (a, b, c, d, p) = branch
    client = client_for("secretary")
    assert client.get("/admin/orglife/meeting/add/").status_code == 200
    data = {
        "unit": unit.pk,
        "kind": "general_meeting",
        "date": "2026-09-05",
        "topic": "表决发展对象",
        "place": "站点",
        "minutes": "",
        "online_link": "",
        "attendance-TOTAL_FORMS": 4,
        "attendance-INITIAL_FORMS": 0,
        "photos-TOTAL_FORMS": 0,
        "photos-INITIAL_FORMS": 0,
    }
    rows = [(a, "present", ""), (b, "present", ""), (c, "present", ""), (d, "leave", "")]
    for i, (m, status, reason) in enumerate(rows):
        data |= {
            f"attendance-{i}-member": m.pk,
            f"attendance-{i}-status": status,
            f"attendance-{i}-reason": reason,
        }
    r = client.post("/admin/orglife/meeting/add/", data)
    assert r.status_code == 200 and "请假或缺席须写明原因" in r.content.decode()
    data["attendance-3-reason"] = "跑单"
    r = client.post("/admin/orglife/meeting/add/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    meeting = Meeting.objects.get(unit=unit, topic="表决发展对象")
    assert (meeting.expected, meeting.present, meeting.quorum_met) == (4, 3, True)


def test_only_the_city_edits_meeting_rules(world, client_for):
    from xinye.orglife.services import can_edit_rules

    assert can_edit_rules(world["users"]["city_admin"])
    assert not can_edit_rules(world["users"]["secretary"])
    assert not can_edit_rules(world["users"]["kerqin_admin"])
    rule = MeetingRule.objects.get(kind="theme_day")
    client = client_for("secretary")
    assert client.get(f"/admin/orglife/meetingrule/{rule.pk}/change/").status_code == 200  # may read
    client.post(
        f"/admin/orglife/meetingrule/{rule.pk}/change/",
        {
            "kind": "theme_day",
            "period": "year",
            "min_count": 1,
            "condition": "always",
            "source": "x",
            "is_active": "on",
        },
    )
    rule.refresh_from_db()
    assert rule.period == "month"


def test_meeting_patch_and_group_console_checks(branch, world, api_client, client_for):
    unit, members = branch
    meeting = services.record_meeting(
        unit=unit, kind="theme_day", date=dt.date(2026, 9, 8), topic="旧", place="站点", actor=SYSTEM
    )
    client = api_client("secretary")
    r = client.patch(
        f"/api/v1/meetings/{meeting.pk}",
        {"topic": "新主题", "is_online": True, "place": ""},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["topic"] == "新主题" and r.json()["is_online"]
    r = client.patch(f"/api/v1/meetings/{meeting.pk}", {"is_online": False}, content_type="application/json")
    assert r.status_code == 422  # offline without a place
    stranger = helpers.member(helpers.branch(world["units"]["djb-kerqin-delivery"], "别的支部"))
    admin = client_for("kerqin_admin")
    r = admin.post(
        "/admin/orglife/onlinegroup/add/",
        {"unit": unit.pk, "name": "网络党小组", "members": [stranger.pk], "is_active": "on"},
    )
    assert r.status_code == 200 and "不能加入其网络党小组" in r.content.decode()
    assert not OnlineGroup.objects.filter(unit=unit).exists()
