"""Every statistics page of the console exports what it shows (issue 17, "export everywhere"): `?format=xlsx`
gives the page's tables — same filters, same scope, same figures, totals included — one sheet each, a title row
naming the page, the exporter's scope and the filters, the header frozen; the export is logged, and refused
without the `export` action. A console page that shows a table and has no export fails `test_every_…`."""

import html
import io
import re

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from xinye.audit.models import ChangeLog

# url name → (kwargs or a callable world → kwargs). Every console page that renders a <table> of figures.
PAGES = {
    "appeals:stats": {},
    "coverage:dashboard": {},
    "coverage:enterprises": {},
    "coverage:proposals": {},
    "grading:overview": {},
    "guidance:assignment": {},
    "guidance:overdue": {},
    "guidance:assessments": {},
    "ledger:due_for_election": {},
    "members:pipeline": {},
    "members:arrears": {},
    "members:study_hours": {},
    "orglife:health": {},
    "orglife:health_detail": lambda world: {"unit_id": world["units"]["djb-kerqin-delivery"].pk},
    "pairing:overview": {},
    "plans:ranking": {},
    "plans:board": {},
    "plans:drive_progress": "drive",
    "stations:checkins": {},
    "support:stats": {},
    "teams:overview": {},
    "volunteers:totals": {},
    "admin:funds_allocation_balances": {},
    "orgs:tree": {},
    "orgs:matrix": {},
}
# Console pages with a <table> that are not statistics: say why.
NOT_STATISTICS = {
    "jobs:index": "the user's own background jobs; each finished job is itself a download",
    "ledger_io:index": "the ledger's import/export page: its table lists recent imports, each with its report",
}


def _kwargs(name, world):
    spec = PAGES[name]
    if spec == "drive":
        from tests.plans.factories import make_drive

        return {"pk": make_drive(world["units"]["tl-lxgw"]).pk}  # a city drive: 404 for a county admin
    return spec(world) if callable(spec) else spec


def _text(fragment: str) -> str:
    fragment = re.sub(r"<(br|/?(p|div|li|ul|ol))\b[^>]*>", " ", fragment)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def _page_rows(body: str, *, data_only=False) -> list[tuple[str, ...]]:
    """The rows of the page's tables as a reader sees them (an implementation apart from the export's);
    `data_only`: without header rows and the one-cell notes of an empty table."""
    body = re.sub(r"<script.*?</script>", "", body, flags=re.S)
    if data_only:
        body = re.sub(r"<thead\b.*?</thead>", "", body, flags=re.S)
    rows = []
    for tr in re.findall(r"<tr\b.*?</tr>", body, flags=re.S):
        cells = re.findall(r"<t[dh]\b([^>]*)>(.*?)</t[dh]>", tr, flags=re.S)
        if data_only and len(cells) == 1 and "colspan" in cells[0][0]:
            continue
        row = tuple(t for t in (_text(c) for _a, c in cells) if t)
        if row:
            rows.append(row)
    return rows


def _workbook(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _sheet_rows(ws) -> list[tuple[str, ...]]:
    return [tuple(str(c.value) for c in row if c.value not in (None, "")) for row in ws.iter_rows()]


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", prefix + str(p.pattern), p


def test_every_console_page_with_a_table_has_an_export(client_for, world):
    """Walk every console page without URL arguments (the model lists aside: they have their own export):
    one that shows a <table> must be in PAGES (and show the button) or say in NOT_STATISTICS why not."""
    console = client_for("city_admin")
    checked, missing = [], []
    for name, route, pattern in _walk(get_resolver().url_patterns):
        module = getattr(pattern.callback, "__module__", "") or ""
        if pattern.pattern.converters or "<" in route or not module.startswith("xinye."):
            continue
        if route.startswith(("m/", "api/", "media/")) or name.startswith("portal"):
            continue
        if name.startswith("admin:") and name not in PAGES:
            continue  # ModelAdmin lists and forms: ListExportMixin (tests/console/test_list_export.py)
        response = console.get(reverse(name))
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode()
        if "<table" not in body or name in NOT_STATISTICS:
            continue
        checked.append(name)
        if name not in PAGES or "format=xlsx" not in body:
            missing.append(name)
    assert not missing, f"console pages showing a table without 导出 Excel: {missing}"
    assert len(checked) >= 15  # the walk did reach the statistics pages


@pytest.mark.parametrize("username", ["city_admin", "kerqin_admin"])
@pytest.mark.parametrize("name", [n for n in PAGES if not n.startswith("orgs:")])
def test_the_export_is_what_the_page_shows(client_for, world, name, username):
    console = client_for(username)
    url = reverse(name, kwargs=_kwargs(name, world))
    page = console.get(url)
    if page.status_code == 404:
        pytest.skip(f"{username} does not see {name}")
    body = page.content.decode()
    assert "export-statistics" in body and "format=xlsx" in body
    shown = _page_rows(body)
    before = ChangeLog.objects.filter(action="export").count()
    wb = _workbook(console.get(url, {"format": "xlsx"}))
    exported = 0
    for ws in wb.worksheets:
        rows = _sheet_rows(ws)
        title, caption = rows[0][0], rows[1][0]
        assert f"导出人：{username}" in caption and "范围：" in caption and "条件：" in caption
        assert ws.freeze_panes == "A4"
        for row in rows[3:]:
            assert row in shown, f"{ws.title}: {row} is not on the page"
            exported += 1
        page_title = _text(re.search(r"<title>(.*?)</title>", body, re.S).group(1))
        assert title.split(" · ")[0] in page_title
    # and every row the page shows is in the workbook (header rows and empty-table notes aside)
    everything = [row for ws in wb.worksheets for row in _sheet_rows(ws)[2:]]
    left_out = [row for row in _page_rows(body, data_only=True) if row not in everything]
    assert not left_out, f"on the page, not in the export: {left_out[:3]}"
    log = ChangeLog.objects.filter(action="export").order_by("-id")
    assert log.count() == before + 1 and log[0].username == username and f"{exported} 条" in log[0].note


def test_no_export_without_the_export_action(client_for, world):
    # 行业主管部门 reads the coverage figures but holds no `export` on them: no button, the file refused
    dept = client_for("transport_dept")
    page = dept.get(reverse("coverage:dashboard"))
    assert page.status_code == 200 and "export-statistics" not in page.content.decode()
    before = ChangeLog.objects.filter(action="export").count()
    assert dept.get(reverse("coverage:dashboard"), {"format": "xlsx"}).status_code == 403
    assert ChangeLog.objects.filter(action="export").count() == before


def test_a_county_admin_exports_their_county_only_with_filters_named(client_for, world):
    url = reverse("plans:ranking")
    offices = {}
    for username in ("kerqin_admin", "city_admin"):
        sheet = _workbook(client_for(username).get(url, {"format": "xlsx", "month": "2026-11"})).worksheets[
            -1
        ]
        rows = _sheet_rows(sheet)
        assert "月份=2026-11" in rows[1][0]  # the filter, named as on the page
        offices[username] = {row[1] for row in rows[3:]}
    assert offices["kerqin_admin"] and all(o.startswith("科尔沁区") for o in offices["kerqin_admin"])
    assert offices["kerqin_admin"] < offices["city_admin"]
    assert any(not o.startswith("科尔沁区") for o in offices["city_admin"])
    log = ChangeLog.objects.filter(action="export").latest("id")
    assert "month=2026-11" in log.note


def test_formula_looking_cells_stay_text(world):
    from xinye.accounts.models import User
    from xinye.console.exports import write_tables

    data = write_tables(
        "测试", [("表", ["名称"], [["=1+1"], ["@SUM(A1)"], ["正常"]])], user=User(username="u")
    )
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [ws.cell(row=r, column=1) for r in (4, 5, 6)]
    assert [c.value for c in cells] == ["=1+1", "@SUM(A1)", "正常"]
    assert all(c.data_type == "s" for c in cells) and cells[0].quotePrefix and not cells[2].quotePrefix


def test_a_paged_table_exports_every_row_not_the_page_shown(client_for, world, settings):
    from tests.ledger.factories import make_enterprise
    from xinye.coverage import aggregates

    for i in range(57):
        make_enterprise(world["units"]["djb-kerqin-delivery"], name=f"分页导出企业{i:02d}")
    aggregates.refresh()  # their coverage rows, as `xinye coverage-refresh` writes them
    console = client_for("kerqin_admin")
    url = reverse("coverage:enterprises")

    def ours(rows):
        return {cell for row in rows for cell in row if cell.startswith("分页导出企业")}

    assert len(ours(_page_rows(console.get(url).content.decode()))) == 50  # the page shows 50 rows
    for page in ("1", "2"):  # whichever page is on screen: the whole table
        sheet = _workbook(console.get(url, {"format": "xlsx", "page": page})).worksheets[0]
        assert ours(_sheet_rows(sheet)[3:]) == {f"分页导出企业{i:02d}" for i in range(57)}
    settings.XINYE_EXPORT_SYNC_ROWS = 20  # a statistics page is exported in the request: capped
    before = ChangeLog.objects.filter(action="export").count()
    response = console.get(url, {"format": "xlsx"}, follow=True)
    assert response.redirect_chain and "format=xlsx" not in response.redirect_chain[-1][0]
    assert "超过单次导出上限 20 条" in response.content.decode()
    assert ChangeLog.objects.filter(action="export").count() == before
