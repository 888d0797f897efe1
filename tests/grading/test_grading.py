"""Grading: the rules in words, the counts adding up to the overview, the rule table edited in the console
changing grades, the distinction registry, the monthly history and the tick."""

import datetime

import pytest

from tests.ledger.factories import make_enterprise
from xinye.accounts.permissions import system_actor
from xinye.core.errors import OutOfScope, Refused
from xinye.coverage import aggregates
from xinye.grading import engine, facts, services
from xinye.grading.models import GradeRule, GradeSnapshot, OrganisationStanding
from xinye.ledger import services as ledger
from xinye.orgs.choices import UnitKind

SYS = system_actor("test")
T = engine.DEFAULT_TABLE


def test_grades_in_words():
    assert engine.grade_enterprise("blank", None, [], T) == (
        "blank",
        "空白点（未覆盖）：既无党组织，也无工作覆盖",
    )
    grade, words = engine.grade_enterprise("work", None, [], T)
    assert grade == "solid" and "以工作覆盖计为实心" in words and "须组织覆盖" in words
    grade, words = engine.grade_enterprise("independent", 64, [], T)
    assert grade == "blank" and words.endswith("未达实心标准：党组织健康分 64，低于 70")
    grade, words = engine.grade_enterprise("joint", 88, [], T)
    assert grade == "solid" and "亮点 0 项，须不少于 1 项" in words
    grade, words = engine.grade_enterprise("joint", 88, ["发展了新党员"], T)
    assert grade == "shining" and "亮点：发展了新党员" in words
    assert engine.grade_organisation(None, [], T)[1].endswith("党组织尚未评定健康分")
    assert engine.grade_organisation(70, [], T)[0] == "solid"


@pytest.fixture
def ledger_world(world):
    """Kerqin: a blank enterprise and one with its own branch; Naiman: a blank enterprise."""
    kerqin, naiman = world["units"]["djb-kerqin-delivery"], world["units"]["djb-naiman-delivery"]
    blank = make_enterprise(kerqin, name="科尔沁空白企业")
    covered = make_enterprise(kerqin, name="科尔沁有支部企业")
    org = ledger.create_party_organisation(
        kind=UnitKind.BRANCH, enterprises=[covered], founded_on=datetime.date(2026, 3, 15), actor=SYS
    )
    far = make_enterprise(naiman, name="奈曼空白企业")
    aggregates.refresh_enterprises([blank.pk, far.pk])  # saved directly by the factory: no signal
    services.refresh(actor=SYS)
    return {"blank": blank, "covered": covered, "org": org, "far": far}


def _score(org, score, names=()):
    OrganisationStanding.objects.filter(organisation=org).update(
        score=score, distinctions=list(names), distinction_count=len(names)
    )


@pytest.mark.parametrize("username", ["city_admin", "kerqin_admin"])
def test_grade_counts_add_up_to_the_overview(ledger_world, api_client, username):
    client = api_client(username)
    grades = client.get("/api/v1/stats/grades").json()
    overview = client.get("/api/v1/stats/overview").json()
    assert grades["blank"] + grades["solid"] + grades["shining"] == overview["enterprises"] > 0
    orgs = grades["organisations"]
    assert orgs["blank"] + orgs["solid"] + orgs["shining"] == overview["party_organisations"]["total"] > 0
    by = client.get("/api/v1/stats/grades?by=county").json()
    assert sum(r["blank"] + r["solid"] + r["shining"] for r in by["rows"]) == overview["enterprises"]
    if username == "kerqin_admin":
        assert [r["key"] for r in by["rows"]] == ["150502"]
    assert client.get("/api/v1/stats/grades?by=street").status_code == 422


def test_editing_the_rule_table_in_the_console_changes_grades(ledger_world, world, client_for):
    _score(ledger_world["org"], 75)
    city = world["users"]["city_admin"]
    assert services.counts(city)["solid"] == 1
    row = GradeRule.objects.get(subject="enterprise", grade="solid")
    data = {"coverage": "covered", "min_score": 80, "min_distinctions": 0, "note": "提高标准"}
    county = client_for("kerqin_admin")
    assert county.post(f"/admin/grading/graderule/{row.pk}/change/", data).status_code == 403
    assert services.counts(city)["solid"] == 1
    r = client_for("city_admin").post(f"/admin/grading/graderule/{row.pk}/change/", data)
    assert r.status_code == 302
    assert services.counts(city) == {
        "blank": 3,
        "solid": 0,
        "shining": 0,
        "organisations": {"blank": 0, "solid": 1, "shining": 0},
    }
    why = services.enterprise_grade(city, ledger_world["covered"].pk)
    assert why["grade"] == "blank" and "党组织健康分 75，低于 80" in why["explanation"]
    # 闪光 can never be made easier than 实心
    shine = GradeRule.objects.get(subject="enterprise", grade="shining")
    r = client_for("city_admin").post(
        f"/admin/grading/graderule/{shine.pk}/change/",
        {"coverage": "organised", "min_score": 60, "min_distinctions": 1, "note": ""},
    )
    assert r.status_code == 200 and "不能低于实心点" in r.content.decode()


def test_a_distinction_from_the_registry_makes_a_shining_point(ledger_world, world, monkeypatch, api_client):
    covered = ledger_world["covered"]
    monkeypatch.setitem(
        facts.FACTS,
        "model_worker",
        facts.Fact("model_worker", "有劳动模范", "enterprise", lambda s, u: {covered.pk}),
    )
    services.refresh(actor=SYS)
    standing = OrganisationStanding.objects.get(organisation=ledger_world["org"])
    assert standing.distinctions == ["model_worker"]  # lifted from the enterprise to its organisation
    _score(ledger_world["org"], 95, ["model_worker"])
    body = api_client("kerqin_admin").get("/api/v1/grades/shining").json()
    assert {(i["subject"], i["name"]) for i in body["items"]} == {
        ("organisation", ledger_world["org"].unit.name),
        ("enterprise", "科尔沁有支部企业"),
    }
    assert all("亮点：有劳动模范" in i["explanation"] for i in body["items"])
    assert api_client("kerqin_admin").get("/api/v1/stats/grades").json()["shining"] == 1


def test_enterprise_grade_is_explained_and_scoped(ledger_world, api_client):
    client = api_client("kerqin_admin")
    body = client.get(f"/api/v1/grades/enterprises/{ledger_world['blank'].pk}").json()
    assert body == {
        "id": ledger_world["blank"].pk,
        "name": "科尔沁空白企业",
        "grade": "blank",
        "explanation": "空白点（未覆盖）：既无党组织，也无工作覆盖",
    }
    assert client.get(f"/api/v1/grades/enterprises/{ledger_world['far'].pk}").status_code == 404


def test_history_shows_a_blank_becoming_solid(ledger_world, world, api_client):
    rule = GradeRule.objects.get(subject="enterprise", grade="solid")
    rule.min_score = 0  # any organisation founded counts as solid here: the history is about coverage
    services.save_rule(rule, actor=SYS)
    services.backfill([datetime.date(2026, 2, 1), datetime.date(2026, 4, 1)], actor=SYS)
    feb = GradeSnapshot.objects.get(month=datetime.date(2026, 2, 1), enterprise=ledger_world["covered"])
    apr = GradeSnapshot.objects.get(month=datetime.date(2026, 4, 1), enterprise=ledger_world["covered"])
    assert (feb.grade, apr.grade) == ("blank", "solid")
    assert feb.reason.startswith("空白点（未覆盖）") and apr.reason.startswith("实心点（单独组建")
    assert not GradeSnapshot.objects.filter(
        month=datetime.date(2026, 2, 1), organisation__isnull=False
    ).exists()
    body = api_client("kerqin_admin").get("/api/v1/stats/grades/history").json()
    assert [(m["month"], m["blank"], m["solid"]) for m in body["items"]] == [
        ("2026-02", 2, 0),
        ("2026-04", 1, 1),
    ]
    # the naiman admin sees only Naiman's rows
    naiman = api_client("city_admin").get("/api/v1/stats/grades/history?region=150525").json()
    assert [(m["blank"], m["solid"]) for m in naiman["items"]] == [(1, 0), (1, 0)]
    with pytest.raises(Refused, match="未来"):
        services.snapshot(datetime.date(2099, 1, 1), actor=SYS)


def test_the_tick_grades_once_a_day_and_only_as_the_system(ledger_world, world):
    first = services.tick(actor=SYS)
    assert first.assessed == 1 and first.snapshots == 4 and "等次已更新" in first.details[0]
    assert services.tick(actor=SYS).total == 0
    with pytest.raises(OutOfScope):
        services.tick(actor=world["users"]["city_admin"])
    with pytest.raises(OutOfScope):
        services.refresh(actor=world["users"]["kerqin_admin"])


def test_the_console_overview_shows_counts_history_and_shining_points(ledger_world, client_for):
    _score(ledger_world["org"], 95, ["members_developed"])
    services.snapshot(datetime.date(2026, 4, 1), actor=SYS)
    page = client_for("kerqin_admin").get("/admin/grading/overview/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "科尔沁区" in html and "奈曼旗" not in html
    assert "2026-04" in html and "科尔沁有支部企业 — 闪光点" in html and "发展了新党员" in html
