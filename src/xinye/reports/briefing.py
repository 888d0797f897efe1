"""The Word briefing (工作简报) of a period: the usual shape of a 简报 — a red masthead with the title, the
issuing unit and the date; an opening paragraph written from the live figures; one section per pillar with
its figures, a chart and a short table; the changes since last month and the same month last year (from
the daily snapshots); and the problems flagged. Government-document fonts and layout: 方正小标宋 title
(falling back to 宋体), 黑体 headings, 仿宋_GB2312 body at 16 pt (三号), 1.5 line spacing, A4 with the
公文 margins. python-docx writes plain WordprocessingML, which WPS and Word both open.

Every figure comes from the same functions as the workbook (reports.sheets) and the API.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from xinye.accounts.permissions import restrict
from xinye.appeals import services as appeal_stats
from xinye.appeals.models import AppealTask
from xinye.coverage import services as coverage
from xinye.ledger.models import PartyOrganisation
from xinye.orglife import services as orglife
from xinye.reports import charts
from xinye.reports.context import Period, Scope
from xinye.reports.sheets import MONEY, RATE, Sheet, Table, build_all
from xinye.reports.trends import compare

READS = ("write_briefing", "opening_paragraph", "figures")

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
TABLE_FONT = "宋体"
RED = RGBColor(0xC0, 0x00, 0x00)
BODY_PT = 16  # 三号
TABLE_PT = 10.5  # 五号
HEALTH_LIMIT = 2000  # organisations: above this the health check is left to the orglife pages


def _n(value) -> str:
    return f"{value:,}".replace(",", "") if isinstance(value, int) else str(value)


def _pct(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%".replace(".0%", "%")


def _where(scope: Scope) -> str:
    return "全市" if scope.name == "全市" else scope.name


def figures(scope: Scope, tables: dict[str, Table]) -> dict:
    """The headline figures of the opening paragraph (and of the changes table)."""
    o = coverage.overview(scope.viewer)
    stations = tables["stations"].totals if "stations" in tables else None
    return {
        "enterprises": o["enterprises"],
        "practitioners": o["practitioners"],
        "party_members": o["party_members"],
        "organisations": o["party_organisations"]["total"],
        "org_committees": o["party_organisations"]["党委"],
        "org_general": o["party_organisations"]["党总支"],
        "org_branches": o["party_organisations"]["党支部"],
        "instructors": o["instructors"],
        "liaisons": o["liaisons"],
        "industry_committees": o["industry_committees"],
        "industry_offices": o["industry_offices"],
        "work_rate": o["coverage"]["work_rate"],
        "organisation_rate": o["coverage"]["organisation_rate"],
        "independent": o["coverage"]["independent"],
        "joint": o["coverage"]["joint"],
        "work": o["coverage"]["work"],
        "blank": o["coverage"]["blank"],
        "must_form": o["must_form"],
        "stations": stations[1] if stations else 0,
    }


def opening_paragraph(scope: Scope, period: Period, f: dict) -> str:
    kinds = [
        f"{label}{f[key]}个"
        for key, label in (("org_committees", "党委"), ("org_general", "党总支"), ("org_branches", "党支部"))
        if f[key]
    ]
    return (
        f"截至{period.made.year}年{period.made.month}月{period.made.day}日，{_where(scope)}共有新业态企业"
        f"{_n(f['enterprises'])}家，从业人员{_n(f['practitioners'])}名，其中党员{_n(f['party_members'])}名；"
        f"建立党组织{_n(f['organisations'])}个（{'、'.join(kinds) or '暂无'}），"
        f"选派党建指导员{_n(f['instructors'])}名、驻企联络员{_n(f['liaisons'])}名，"
        f"党的工作覆盖率{_pct(f['work_rate'])}，组织覆盖率{_pct(f['organisation_rate'])}；"
        f"建成新业态党建服务站{_n(f['stations'])}个。"
    )


# --- document helpers ---


def _font(run, name: str, size: float, *, bold=False, colour=None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    if colour is not None:
        run.font.color.rgb = colour


def _para(doc, text="", *, font=BODY_FONT, size=BODY_PT, bold=False, colour=None, align=None, indent=True):
    p = doc.add_paragraph()
    p.paragraph_format.line_spacing = 1.5
    p.paragraph_format.space_after = Pt(0)
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    if text:
        _font(p.add_run(text), font, size, bold=bold, colour=colour)
    return p


def _red_rule(paragraph) -> None:
    """The red line under a 简报's masthead: a bottom border on the paragraph."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "18"), ("w:space", "4"), ("w:color", "C00000")):
        bottom.set(qn(k), v)
    borders.append(bottom)
    ppr.append(borders)


def _heading(doc, text: str) -> None:
    _para(doc, text, font=HEADING_FONT, size=BODY_PT)


def _table(doc, table: Table, *, limit: int = 12) -> None:
    """A short form of a statistics sheet: the first `limit` rows and the totals."""
    rows = table.rows[:limit]
    cols = table.columns
    t = doc.add_table(rows=1, cols=len(cols))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER

    def fill(cells, values, bold=False):
        for cell, col, value in zip(cells, cols, values, strict=False):
            if col.kind == RATE and isinstance(value, float):
                text = _pct(value)
            elif value is None:
                text = "—"
            else:
                text = _n(value) if isinstance(value, int) else str(value)
            cell.text = ""
            run = cell.paragraphs[0].add_run(text)
            _font(run, TABLE_FONT, TABLE_PT, bold=bold)
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER

    fill(t.rows[0].cells, [f"{c.label}（{c.unit}）" if c.unit else c.label for c in cols], bold=True)
    for row in rows:
        fill(t.add_row().cells, row)
    if table.totals is not None:
        fill(t.add_row().cells, table.totals, bold=True)
    if len(table.rows) > limit:
        _para(doc, f"（仅列前 {limit} 行，全表见统计报表。）", size=TABLE_PT, indent=False)


def _picture(doc, png: bytes) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run().add_picture(io.BytesIO(png), width=Cm(15))


def _setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(BODY_PT)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)


# --- the sections ---


def _change_words(delta, unit: str) -> str:
    if delta is None:
        return "—"
    if delta == 0:
        return "持平"
    return f"{'增加' if delta > 0 else '减少'}{abs(delta)}{unit}"


CHANGE_ROWS = (
    ("enterprises", "新业态企业", "家"),
    ("practitioners", "从业人员", "名"),
    ("party_members", "党员", "名"),
    ("organisations", "党组织", "个"),
    ("instructors", "党建指导员", "名"),
    ("liaisons", "驻企联络员", "名"),
    ("blank", "空白企业", "家"),
)


def _changes(doc, scope: Scope, period: Period, f: dict) -> None:
    current = {key: f[key] for key, _l, _u in CHANGE_ROWS}
    result = compare(scope, period, current)
    if result["previous_day"] is None and result["year_ago_day"] is None:
        _para(doc, "本期为统计快照启用后的首期（或尚无上月末、上年同期的快照），暂无可比数据。")
        return
    said = []
    for key, label, unit in CHANGE_ROWS:
        _now, prev, _year = result["figures"][key]
        if prev:
            said.append(f"{label}{_change_words(prev, unit)}")
    prev_day = result["previous_day"]
    if prev_day is not None:
        text = "；".join(said) if said else "各项主要数据与上月末持平"
        _para(doc, f"与上月末（{prev_day:%Y-%m-%d}）相比，{text}。")
    t = doc.add_table(rows=1, cols=4)
    t.style = "Table Grid"
    for cell, text in zip(t.rows[0].cells, ("指标", "本期", "较上月末", "较上年同期"), strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), TABLE_FONT, TABLE_PT, bold=True)
    for key, label, unit in CHANGE_ROWS:
        now, prev, year = result["figures"][key]
        for cell, text in zip(
            t.add_row().cells,
            (f"{label}（{unit}）", _n(now), _change_words(prev, unit), _change_words(year, unit)),
            strict=True,
        ):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), TABLE_FONT, TABLE_PT)


def _health(scope: Scope, period: Period) -> list[str] | None:
    orgs = restrict(PartyOrganisation.objects.exclude(unit__kind="party_group"), scope.viewer, "view")
    if orgs.count() > HEALTH_LIMIT:
        return None
    results = orglife.assess_all(orgs, None, period.as_of, dues=False)
    return [h.name for h in results if not h.normal]


def _problems(doc, scope: Scope, period: Period, f: dict) -> None:
    lines = []
    if f["blank"]:
        lines.append(f"尚有空白企业{f['blank']}家（既无党组织也未选派指导员、联络员），需尽快实现工作覆盖。")
    if f["must_form"]:
        lines.append(f"有{f['must_form']}家企业正式党员已达3名以上但尚未单独建立党组织，应建尽建。")
    sick = _health(scope, period)
    if sick is None:
        lines.append("党组织较多，运转情况请见“组织生活”的健康度页面。")
    elif sick:
        names = "、".join(sick[:5]) + ("等" if len(sick) > 5 else "")
        lines.append(f"有{len(sick)}个党组织未正常运转（{names}），需督促按规定开展组织生活。")
    tasks = restrict(AppealTask.objects.all(), scope.viewer, "view")
    overdue = appeal_stats.overdue_tasks(tasks).count()
    if overdue:
        lines.append(f"有{overdue}件诉求办理任务已超过时限，需催办督办。")
    if not lines:
        lines.append("本期未发现需要提请关注的问题。")
    for i, line in enumerate(lines, start=1):
        _para(doc, f"{i}. {line}")


def _sheet_sentence(sheet: Sheet, table: Table) -> str:
    """One sentence from a sheet's totals: each figure with its unit."""
    if table.totals is None:
        return ""
    parts = []
    for col, value in zip(table.columns[table.keys :], table.totals[table.keys :], strict=False):
        if value in (None, ""):
            continue
        if col.kind == RATE:
            shown = _pct(value)
        elif isinstance(value, int):
            shown = _n(value)
        else:
            shown = f"{Decimal(value):.2f}" if col.kind == MONEY else f"{Decimal(value):.1f}"
        parts.append(f"{col.label}{shown}{'' if col.kind == RATE else col.unit}")
    return f"{sheet.title}：" + "，".join(parts) + "。"


def write_briefing(target, scope: Scope, period: Period, *, tables=None) -> None:
    """Write the briefing for `scope` and `period` to `target` (a path or a binary file object)."""
    built = tables if tables is not None else build_all(scope, period)
    by_key = {sheet.key: table for sheet, table in built}
    sheets = {sheet.key: sheet for sheet, _t in built}
    f = figures(scope, by_key)
    doc = Document()
    _setup(doc)
    doc.core_properties.title = f"新业态新就业群体党建工作简报（{period.title}）"
    doc.core_properties.author = "xinye"

    _para(
        doc,
        "新业态新就业群体党建工作简报",
        font=TITLE_FONT,
        size=26,
        colour=RED,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
    )
    _para(doc, f"（{period.title}）", size=BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    issuer = scope.unit.name if scope.unit else "中共通辽市委组织部"
    made = timezone.localdate()
    masthead = _para(doc, indent=False)
    _font(masthead.add_run(f"{issuer}编"), BODY_FONT, BODY_PT)
    _font(masthead.add_run("\u3000" * 6 + f"{made.year}年{made.month}月{made.day}日"), BODY_FONT, BODY_PT)
    _red_rule(masthead)

    _para(doc, opening_paragraph(scope, period, f))

    _heading(doc, "一、谁负责：责任体系")
    _para(
        doc,
        f"{_where(scope)}有行业党委{f['industry_committees']}个、县级行业党建办{f['industry_offices']}个，"
        "按“分块负责、条块结合”压实责任。",
    )

    _heading(doc, "二、怎么建：组织覆盖")
    _para(
        doc,
        f"单独组建{f['independent']}家、联合组建{f['joint']}家、工作覆盖{f['work']}家、空白{f['blank']}家；"
        f"组织覆盖率{_pct(f['organisation_rate'])}，工作覆盖率{_pct(f['work_rate'])}。",
    )
    rows = coverage.coverage_rows(scope.viewer, "county")
    if rows:
        _picture(
            doc,
            charts.stacked_bars(
                "各旗县市区企业覆盖情况",
                [r["region_name"] for r in rows],
                [
                    ("单独组建", [r["independent"] for r in rows]),
                    ("联合组建", [r["joint"] for r in rows]),
                    ("工作覆盖", [r["work"] for r in rows]),
                    ("空白", [r["blank"] for r in rows]),
                ],
                "家",
            ),
        )
    if "coverage" in by_key:
        _table(doc, by_key["coverage"], limit=10)

    _heading(doc, "三、作用发挥：阵地与志愿服务")
    for key in ("stations", "volunteers", "development"):
        if key in by_key:
            _para(doc, _sheet_sentence(sheets[key], by_key[key]))

    _heading(doc, "四、如何保障：诉求办理")
    if "appeals" in by_key:
        appeals = by_key["appeals"]
        _para(doc, _sheet_sentence(sheets["appeals"], appeals))
        cats = [r for r in appeals.rows if r[0] == "按类别"]
        if cats:
            _picture(doc, charts.bars("本期诉求按类别", [r[1] for r in cats], [r[2] for r in cats], "件"))

    _heading(doc, "五、队伍建设：指导员与联络员")
    if "guidance" in by_key:
        _para(doc, _sheet_sentence(sheets["guidance"], by_key["guidance"]))
        _table(doc, by_key["guidance"], limit=10)

    _heading(doc, "六、制度落实：党费与组织生活")
    if "dues" in by_key:
        _para(doc, _sheet_sentence(sheets["dues"], by_key["dues"]))

    _heading(doc, "七、本期变化")
    _changes(doc, scope, period, f)

    _heading(doc, "八、存在问题")
    _problems(doc, scope, period, f)

    doc.save(target)
