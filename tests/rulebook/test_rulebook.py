"""The rule book: versioned documents (publishing a new version keeps the old one readable), the links from
enforced rules to their clauses, the citation in other apps' refusals, and GET /api/v1/rulebook."""

import datetime

import pytest

from tests.appeals.helpers import key, worker
from tests.guidance import helpers
from xinye.accounts.permissions import system_actor
from xinye.appeals import services as appeals
from xinye.core.errors import Refused
from xinye.demo import rulebook as rulebook_demo
from xinye.ledger.models import PartyOrganisation
from xinye.rulebook import services
from xinye.rulebook.models import Clause, RuleDocument, RuleLink, cn_number
from xinye.teams import services as teams

SYS = system_actor("test")
PLAN = "关于加强新业态、新就业群体党的建设的实施方案"


@pytest.fixture
def book(world):
    rulebook_demo.load({})


def test_chinese_clause_numbers():
    assert [cn_number(n) for n in (1, 4, 10, 12, 20, 25, 99, 100)] == [
        "一",
        "四",
        "十",
        "十二",
        "二十",
        "二十五",
        "九十九",
        "100",
    ]


def test_cite_is_empty_without_a_link_and_names_the_clause_in_force(book):
    assert services.cite("no.such.rule") == ""
    assert services.cite("ledger.committee_size") == f"依据《{PLAN}》第六条"
    assert services.cite("members.step_interval").endswith("常态化发展党员的若干措施》第二条")
    # the 2025 version is in force; on a day in 2024 the first version was, and it had no clause 8
    assert services.cite("appeals.extension", on=datetime.date(2024, 6, 1)) == ""
    assert services.cite("appeals.extension") == f"依据《{PLAN}》第八条"


def test_the_demo_book_is_idempotent(book):
    counts = (RuleDocument.objects.count(), Clause.objects.count(), RuleLink.objects.count())
    rulebook_demo.load({})
    assert counts == (6, Clause.objects.count(), RuleLink.objects.count())
    assert RuleLink.objects.count() == 12


def test_a_new_version_keeps_the_old_one_readable(book):
    current = services.current("org-life-measures")
    draft = services.new_version(current, actor=SYS, effective_from=datetime.date(2026, 1, 1))
    assert draft.version == 2 and draft.clauses.count() == current.clauses.count()
    with pytest.raises(Refused, match="已发布的版本不能修改"):
        services.save_clause(Clause(document=current, number=9, text="新增"), actor=SYS)
    changed = draft.clauses.get(number=2)
    changed.text = "支部党员大会每季度召开 1 次，支委会每月 1 次（修订）"
    services.save_clause(changed, actor=SYS)
    with pytest.raises(Refused, match="未发布的草稿"):
        services.new_version(current, actor=SYS)
    services.publish(draft, actor=SYS)
    assert services.current("org-life-measures").pk == draft.pk
    old = RuleDocument.objects.get(code="org-life-measures", version=1)
    assert "修订" not in old.clauses.get(number=2).text  # the old text stays as it was


def test_publishing_refuses_a_version_that_drops_a_cited_clause(book):
    draft = services.new_version(services.current("instructor-measures"), actor=SYS)
    services.delete_clause(draft.clauses.get(number=3), actor=SYS)
    with pytest.raises(Refused, match="走访"):
        services.publish(draft, actor=SYS)


def test_a_link_must_name_a_known_rule_and_an_existing_clause(book):
    with pytest.raises(Refused) as exc:
        services.save_link(
            RuleLink(rule_key="ledger.branch_size2", document_code="implementation-plan", clause_number=4),
            actor=SYS,
        )
    assert "rule_key" in exc.value.message_dict
    with pytest.raises(Refused) as exc:
        services.save_link(
            RuleLink(
                rule_key="orglife.meeting_frequency", document_code="org-life-measures", clause_number=30
            ),
            actor=SYS,
        )
    assert "第三十条" in exc.value.message_dict["clause_number"][0]


def test_refusals_cite_the_clause(book, world):
    # appeals: a complaint extended twice
    a = appeals.submit_appeal(
        worker=worker(), category="contract", text="公司不签劳动合同", idempotency_key=key()
    )
    appeals.dispatch_appeal(a, actor=SYS)
    appeals.extend_appeal(a, reason="需要劳动监察调查", actor=SYS)
    with pytest.raises(Refused, match=f"已延期一次，不能再次延期（依据《{PLAN}》第八条）"):
        appeals.extend_appeal(a, reason="再延", actor=SYS)
    # ledger: a committee in a branch of fewer than 7 full members
    unit = helpers.branch(world["units"]["djb-kerqin-delivery"])
    members = [helpers.member(unit) for _ in range(3)]
    with pytest.raises(Refused) as exc:
        teams.appoint(
            PartyOrganisation.objects.get(unit=unit), post="committee_member", member=members[0], actor=SYS
        )
    assert exc.value.message_dict["post"][0].endswith(f"（依据《{PLAN}》第六条）")


def test_refusals_read_as_before_without_a_rule_book(world):
    a = appeals.submit_appeal(
        worker=worker(), category="contract", text="公司不签劳动合同", idempotency_key=key()
    )
    appeals.dispatch_appeal(a, actor=SYS)
    appeals.extend_appeal(a, reason="需要劳动监察调查", actor=SYS)
    with pytest.raises(Refused) as exc:
        appeals.extend_appeal(a, reason="再延", actor=SYS)
    assert exc.value.messages == ["该诉求已延期一次，不能再次延期"]


def test_api_lists_the_documents_in_force_and_every_version_on_request(book, api_client):
    client = api_client("kerqin_admin")
    body = client.get("/api/v1/rulebook").json()
    assert body["count"] == 5
    plan = next(d for d in body["items"] if d["code"] == "implementation-plan")
    assert plan["title"] == PLAN and plan["version"] == 2 and plan["effective_from"] == "2025-03-01"
    clause6 = next(c for c in plan["clauses"] if c["number"] == 6)
    assert clause6["label"] == "第六条" and clause6["rules"][0]["key"] == "ledger.committee_size"
    every = client.get("/api/v1/rulebook?versions=all").json()
    assert every["count"] == 6
    old = next(d for d in every["items"] if d["code"] == "implementation-plan" and d["version"] == 1)
    assert old["in_force"] is False and len(old["clauses"]) == 7


def test_console_shows_the_citation_and_a_county_admin_cannot_edit(book, client_for):
    city = client_for("city_admin")
    page = city.get("/admin/rulebook/rulelink/").content.decode()
    assert f"依据《{PLAN}》第四条" in page
    doc = services.current("implementation-plan")
    county = client_for("kerqin_admin")
    assert county.get(f"/admin/rulebook/ruledocument/{doc.pk}/change/").status_code == 200
    r = county.post(f"/admin/rulebook/ruledocument/{doc.pk}/change/", {"title": "改"})
    assert r.status_code == 403
    assert RuleDocument.objects.get(pk=doc.pk).title == PLAN
