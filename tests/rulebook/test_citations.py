"""Every rule the rule book can link to a clause is either cited by a refusal that enforces it, or marked
informational (enforced by reminders and figures, never by a refusal) — so a linked clause that nothing
cites is a choice written down, not a gap."""

import pathlib
import re

from xinye.rulebook.keys import INFORMATIONAL, RULE_KEYS

SRC = pathlib.Path(__file__).resolve().parents[2] / "src" / "xinye"
SKIP = {"rulebook", "demo"}  # the book itself and the demo's links name every key without citing any


def cited_keys() -> set[str]:
    found = set()
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).parts
        if parts[0] in SKIP or "migrations" in parts:
            continue
        text = path.read_text(encoding="utf-8")
        found |= {k for k in RULE_KEYS if re.search(rf"[\"']{re.escape(k)}[\"']", text)}
    return found


def test_every_rule_is_cited_or_marked_informational():
    cited = cited_keys()
    missing = set(RULE_KEYS) - cited - set(INFORMATIONAL)
    assert not missing, f"linked but never cited, and not marked informational: {sorted(missing)}"


def test_an_informational_rule_is_not_also_cited():
    both = cited_keys() & set(INFORMATIONAL)
    assert not both, f"cited by a refusal, so not informational: {sorted(both)}"
    assert set(INFORMATIONAL) <= set(RULE_KEYS)


def test_the_informational_rules_today():
    assert set(INFORMATIONAL) == {
        "orglife.meeting_frequency",
        "guidance.instructor_quota",
        "appeals.time_limits",
    }


def test_the_console_says_which_links_are_informational(world, client_for):
    from xinye.demo import rulebook as rulebook_demo

    rulebook_demo.load({})
    page = client_for("city_admin").get("/admin/rulebook/rulelink/").content.decode()
    assert "以办理期限、超时催办和督办体现，不拒绝办理" in page  # appeals.time_limits: informational
    assert "拒绝时引用" in page  # the cited ones say so
