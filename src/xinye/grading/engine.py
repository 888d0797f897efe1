"""The grade of one enterprise or organisation under the rule table, and why, in words: plain functions over
plain inputs (no queries), shared by the counts' explanations, the snapshots and the tests."""

from dataclasses import dataclass

from xinye.grading.choices import CoverageNeed, Grade, Subject

ORGANISED = ("independent", "joint")
COVERED = ("independent", "joint", "work")
STATUS_WORDS = {"independent": "单独组建", "joint": "联合组建", "work": "工作覆盖", "blank": "未覆盖"}


@dataclass(frozen=True)
class Row:
    """One row of the rule table."""

    coverage: str
    min_score: int
    min_distinctions: int

    def statuses(self) -> tuple[str, ...]:
        return ORGANISED if self.coverage == CoverageNeed.ORGANISED else COVERED


# The defaults (also the data migration's rows): 实心 = covered and, where there is an organisation, its
# health score ≥ 70 (orglife's "running normally"); 闪光 = an organisation scoring ≥ 85 with ≥ 1 distinction.
DEFAULT_TABLE = {
    (Subject.ENTERPRISE, Grade.SOLID): Row(CoverageNeed.COVERED, 70, 0),
    (Subject.ENTERPRISE, Grade.SHINING): Row(CoverageNeed.ORGANISED, 85, 1),
    (Subject.ORGANISATION, Grade.SOLID): Row(CoverageNeed.ORGANISED, 70, 0),
    (Subject.ORGANISATION, Grade.SHINING): Row(CoverageNeed.ORGANISED, 85, 1),
}


def _meets(row: Row, status: str, score: int | None, distinctions: list[str]) -> tuple[bool, str]:
    if status not in row.statuses():
        need = "组织覆盖（单独或联合组建）" if row.coverage == CoverageNeed.ORGANISED else "已覆盖"
        return False, f"覆盖状态为“{STATUS_WORDS.get(status, status)}”，须{need}"
    if status != "work" or row.coverage == CoverageNeed.ORGANISED:
        if score is None:
            return False, "党组织尚未评定健康分"
        if score < row.min_score:
            return False, f"党组织健康分 {score}，低于 {row.min_score}"
    if len(distinctions) < row.min_distinctions:
        return False, f"亮点 {len(distinctions)} 项，须不少于 {row.min_distinctions} 项"
    return True, ""


def grade_enterprise(status: str, score: int | None, distinctions: list[str], table: dict) -> tuple[str, str]:
    """(grade, words) for an enterprise of coverage `status` whose organisation scores `score` (None: no
    organisation, or not assessed) with `distinctions` (labels)."""
    return _grade(Subject.ENTERPRISE, status, score, distinctions, table)


def grade_organisation(score: int | None, distinctions: list[str], table: dict) -> tuple[str, str]:
    return _grade(Subject.ORGANISATION, "independent", score, distinctions, table)


def _grade(subject, status, score, distinctions, table) -> tuple[str, str]:
    shining, solid = table[(subject, Grade.SHINING)], table[(subject, Grade.SOLID)]
    facts = f"（{STATUS_WORDS.get(status, status)}" if subject == Subject.ENTERPRISE else "（"
    facts += (f"，健康分 {score}" if score is not None else "") + (
        f"，亮点：{'、'.join(distinctions)}）" if distinctions else "）"
    )
    facts = facts.replace("（，", "（")
    ok, why_not_shining = _meets(shining, status, score, distinctions)
    if ok:
        return (
            Grade.SHINING,
            f"闪光点{facts}：达到闪光标准（健康分≥{shining.min_score}，亮点≥{shining.min_distinctions} 项）",
        )
    ok, why_not_solid = _meets(solid, status, score, distinctions)
    if ok:
        if status == "work" and subject == Subject.ENTERPRISE:
            basis = "以工作覆盖计为实心"
        else:
            basis = f"党组织正常运转（健康分≥{solid.min_score}）"
        return Grade.SOLID, f"实心点{facts}：{basis}；未达闪光：{why_not_shining}"
    if status == "blank":
        return Grade.BLANK, "空白点（未覆盖）：既无党组织，也无工作覆盖"
    return Grade.BLANK, f"空白点{facts}：未达实心标准：{why_not_solid}"
