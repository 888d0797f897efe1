"""Export what a console list shows (issue 17, "export everywhere"): the columns of the list, the rows its
filters, search and ordering select, within the user's export scope — to xlsx, logged.

Every list of a `ScopedAdmin` gets an 导出 Excel button (beside 新增) for a user who holds the `export`
action on its type. The file is the list as the clerk sees it: the same column headers, the same values
(choices as their labels, yes/no as 是/否), sensitive fields masked always — an unmasked export is the
ledger's own, with a reason (`ledger.exporters`). Cells are written as text, never as formulas: a value that
starts with = + - @ or a tab/carriage return gets Excel's quote prefix. The export is refused above
`XINYE_LIST_EXPORT_MAX_ROWS` (default 50,000) with the count and the way to narrow it.

Above `XINYE_EXPORT_SYNC_ROWS` (default 5,000) rows the file is built off the request, as a background job
(`console.list_export`, run by `xinye worker`), and the user is sent to the job's page in 我的任务: the job
recreates the list's request (the same path and query string, as its starter) and goes through the same
ModelAdmin code — changelist, scope, columns, masking — streaming the rows to the file in bounded memory
(xlsxwriter's constant_memory, the rows read in chunks), and logs the export as the request would.
"""

from __future__ import annotations

import datetime
import functools
import io
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import label_for_field, lookup_field
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect
from django.test import RequestFactory
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from xinye.accounts.permissions import has_action, restrict
from xinye.console import search
from xinye.console.search import logged_query, term_of, token_expired
from xinye.core.errors import Refused
from xinye.core.masking import mask
from xinye.jobs import services as jobs

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def max_rows() -> int:
    return int(getattr(settings, "XINYE_LIST_EXPORT_MAX_ROWS", 50_000))


def too_many_rows(total: int, limit: int | None = None) -> str:
    """The refusal of an export over its limit (`max_rows()` unless said): the count, the limit and how to
    narrow it."""
    return _(
        "当前列表共 %(total)s 条，超过单次导出上限 %(limit)s 条：请先按区县、行业等条件筛选后再导出。"
    ) % {"total": total, "limit": max_rows() if limit is None else limit}


def sync_rows() -> int:
    """Up to this many rows a list is exported in the request; above, as a background job."""
    return int(getattr(settings, "XINYE_EXPORT_SYNC_ROWS", 5_000))


LIST_EXPORT = "console.list_export"  # the job kind (ConsoleConfig.job_kinds)


def cell_text(value) -> str:
    """A displayed value as the text of a cell: labels for choices, 是/否, dates as yyyy-mm-dd, no HTML."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, models.Model):
        return str(value)
    return strip_tags(str(value)).strip()


class ListExportMixin:
    """Adds `<changelist>/export/` and the button's URL (with the list's query string) to the changelist."""

    list_export = True  # an admin sets False where a list must not leave the console

    def may_export_list(self, request) -> bool:
        return self.list_export and has_action(request.user, "export", self.model)

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_export_list"
        return [
            path("export/", self.admin_site.admin_view(self.export_list_view), name=name),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = dict(extra_context or {})
        if self.may_export_list(request):
            opts = self.model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_export_list")
            query = request.GET.urlencode()
            extra_context.setdefault("export_list_url", f"{url}?{query}" if query else url)
        return super().changelist_view(request, extra_context)

    def export_columns(self, request) -> list[str]:
        return [name for name in self.get_list_display(request) if name != "action_checkbox"]

    def export_list_view(self, request):
        if not self.may_export_list(request) or not self.has_view_permission(request):
            raise PermissionDenied
        opts = self.model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        query = request.GET.urlencode()
        back = HttpResponseRedirect(f"{changelist}?{query}" if query else changelist)
        if token_expired(request):  # never the whole list for a search that is gone: the list says why
            return back
        try:
            cl = self.get_changelist_instance(request)
        except Exception:  # an invalid filter in the URL: the list itself shows the message
            messages.error(request, _("筛选条件无效，未导出。"))
            return back
        rows = restrict(cl.queryset, request.user, "export")
        total = rows.count()
        if total > max_rows():
            messages.error(request, too_many_rows(total))
            return back
        title = str(opts.verbose_name_plural)
        if total > sync_rows():
            job = jobs.start(
                LIST_EXPORT,
                actor=request.user,
                title=_("导出列表：%(title)s") % {"title": title},
                # the search term travels with the job (its row is not in the change log, and only its
                # starter reads it), as the session held it: never in a URL (console.search)
                params={
                    "model": opts.label_lower,
                    "path": request.path,
                    "query": query,
                    "search": term_of(request),
                },
                unit_label=_("条"),
            )
            messages.info(
                request,
                _("共 %(total)s 条，已提交后台导出，完成后可在本页或“我的任务”中下载。") % {"total": total},
            )
            return redirect("jobs:detail", token=job.token.hex)
        columns = self.export_columns(request)
        data = self._write(request, rows, columns, title, total)
        log_export(request.user, title, total, logged_query(request))
        return xlsx_response(data, title)

    def _value(self, name, obj, sensitive: dict):
        if name in sensitive:  # a sensitive model field in the list: masked, always
            return mask(sensitive[name], getattr(obj, name, "") or "")
        try:
            field, attr, value = lookup_field(name, obj, self)
        except (AttributeError, ObjectDoesNotExist):
            return ""
        if field is not None and getattr(field, "flatchoices", None):
            return dict(field.flatchoices).get(value, value)
        return value

    def _write(self, request, rows, columns, title, total: int, *, path=None, progress=None) -> bytes | None:
        """The sheet of `rows`: returned as bytes, or — with `path` — streamed to that file (the job)."""
        sensitive = {
            f.name: f.mask for f in self.model._meta.concrete_fields if getattr(f, "sensitive", False)
        }
        headers = [str(label_for_field(name, self.model, self)) for name in columns]
        body = (
            [cell_text(self._value(name, obj, sensitive)) for name in columns]
            for obj in rows.iterator(chunk_size=2000)
        )
        if progress is not None:
            body = _reporting(body, progress, total)
        return write_table(title, headers, body, user=request.user, total=total, path=path)


def _reporting(rows, progress, total: int, every: int = 500):
    done = 0
    progress(0, total)
    for row in rows:
        yield row
        done += 1
        if done % every == 0:
            progress(done, total)
    progress(done, total, _("写入文件"))


def build_list_export(job, *, actor, progress) -> jobs.Outcome:
    """The job behind a large 导出 Excel: the list's request recreated as its starter (the same path and
    query string) goes through the same ModelAdmin code as the request would — may they still export it,
    the changelist's filters, search and ordering, the export scope, the columns, the masking — and the
    rows are streamed to the file; the export is logged as in the request."""
    params = job.params
    try:
        model = apps.get_model(params["model"])
    except (KeyError, LookupError, ValueError):
        raise Refused({"model": _("未知的列表，未导出。")}) from None
    model_admin = admin.site._registry.get(model)
    request = RequestFactory().get(params.get("path", "/"), QueryDict(params.get("query", "")))
    request.user = actor
    token, term = request.GET.get(search.TOKEN_VAR), params.get("search")
    request.session = {search.SESSION_KEY: {token: term}} if token and term is not None else {}
    if model_admin is None or not (
        model_admin.may_export_list(request) and model_admin.has_view_permission(request)
    ):
        raise Refused({"export": _("您已无权导出该列表，未导出。")})
    try:
        cl = model_admin.get_changelist_instance(request)
    except Exception:  # noqa: BLE001 - an invalid filter, as the request would say
        raise Refused({"query": _("筛选条件无效，未导出。")}) from None
    rows = restrict(cl.queryset, actor, "export")
    total = rows.count()
    if total > max_rows():
        raise Refused({"query": too_many_rows(total)})
    title = str(model._meta.verbose_name_plural)
    path = jobs.partial_dir(job) / "result.xlsx"  # offered only once `finish` has moved it into place
    columns = model_admin.export_columns(request)
    model_admin._write(request, rows, columns, title, total, path=path, progress=progress)
    log_export(actor, title, total, logged_query(request))
    return jobs.Outcome(
        file_path=path,
        file_name=f"{title}_{timezone.localdate():%Y%m%d}.xlsx",
        summary=_("%(n)s 条") % {"n": total},
    )


def write_table(
    title: str, headers: list[str], rows, *, user, total: int, note: str = "", path=None
) -> bytes | None:
    """One sheet as statistics offices expect it: a title row, who exported it and when (and `note`: the
    filters), the header row frozen and repeated on every printed page, A4 landscape fitted to width; every
    cell text, formula-looking text with Excel's quote prefix. Returned as bytes, or — with `path` — written
    to that file row by row (constant_memory: each row is flushed to a temporary file beside it as it is
    written, so memory stays bounded whatever the number of rows)."""
    import xlsxwriter

    options = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    if path is None:
        out = io.BytesIO()
        wb = xlsxwriter.Workbook(out, {**options, "constant_memory": True, "in_memory": True})
    else:
        wb = xlsxwriter.Workbook(
            str(path), {**options, "constant_memory": True, "tmpdir": str(Path(path).parent)}
        )
    ws = wb.add_worksheet(title[:31])
    text = wb.add_format({"num_format": "@"})
    quoted = wb.add_format({"num_format": "@", "quote_prefix": True})
    head = wb.add_format({"bold": True, "bg_color": "#DBEAFE", "border": 1, "align": "center"})
    big = wb.add_format({"bold": True, "font_size": 14})
    ws.write_string(0, 0, title, big)
    scope = _("导出人：%(user)s；导出时间：%(now)s；共 %(n)s 条") % {
        "user": user.get_username(),
        "now": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "n": total,
    }
    ws.write_string(1, 0, f"{scope}；{note}" if note else scope)
    for j, header in enumerate(headers):
        ws.write_string(2, j, header, head)
        ws.set_column(j, j, max(10, min(40, len(header) * 2 + 4)))
    ws.freeze_panes(3, 0)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(2)
    for i, values in enumerate(rows, start=3):
        for j, value in enumerate(values):
            value = value if isinstance(value, str) else cell_text(value)
            if value:
                ws.write_string(i, j, value, quoted if value.startswith(FORMULA_STARTS) else text)
    wb.close()
    return out.getvalue() if path is None else None


def log_export(user, title: str, n: int, query: str) -> None:
    """The change log's line for an export: what, how many rows, under which filters (PIPL; domain.md)."""
    from xinye.audit.models import LogAction
    from xinye.audit.services import log_event

    log_event(
        LogAction.EXPORT,
        user=user,
        note=_("导出列表：%(title)s %(n)s 条；条件：%(query)s")
        % {"title": title, "n": n, "query": query or _("无")},
    )


def xlsx_response(data: bytes, title: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    filename = f"{title}_{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


# --- Statistics pages (custom admin views): `?format=xlsx` exports the tables the page shows ---------------
#
# A statistics page is a view that renders one or more <table>s of figures. `@statistics_export(Model)` gives
# it `?format=xlsx`: the view runs as usual (same filters from the query string, same scope — the view itself
# restricts — same masking, since the figures come from the rendered page), and every <table> of the page
# becomes a sheet of one workbook: a title row naming the page, a row naming who exported it, their scope and
# the filters shown in the page's form, the frozen header row, then the rows exactly as shown (totals included).
# A table marked `data-no-export` is left out. The 导出 Excel button is `{% statistics_export_button %}`
# (console_exports tag library): shown only to a user who holds `export` on the page's type — the same rule
# as the lists' button — and carrying the page's query string.


def _scope_caption(user) -> str:
    """The user's scope in words: each role and the unit it is bound to."""
    parts = []
    for ra in user.role_assignments.select_related("role", "unit"):
        industry = f"（{ra.get_industry_display()}）" if ra.industry else ""
        parts.append(f"{ra.role.name}@{ra.unit.name}{industry}")
    return "、".join(parts) or (_("全市") if user.is_superuser else _("无"))


class _PageTables(HTMLParser):
    """The <table>s of a rendered page (cells as the text shown), the heading before each, and the values of
    the page's GET form (its filters) labelled as on the page."""

    HEADINGS = {"h1", "h2", "h3", "h4"}
    SKIP = {"script", "style", "template"}
    BLOCKS = {"br", "p", "div", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.filters: list[tuple[str, str]] = []
        self._stack: list[dict] = []  # open tables (nested tables become their own)
        self._cell: list[str] | None = None
        self._cell_span = 1
        self._heading: list[str] | None = None
        self._last_heading = ""
        self._skip = 0
        self._hidden = 0
        self._form = 0
        self._label: list[str] | None = None
        self._pending_label = ""  # a <label for=…> closed before its control
        self._select: dict | None = None
        self._option: dict | None = None
        self._depth_hidden: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in self.SKIP:
            self._skip += 1
            return
        if tag == "form" and (a.get("method") or "get").lower() == "get":
            self._form += 1
        if self._form and tag == "label":
            self._label = []
        if self._form and tag == "select":
            self._select = {
                "name": a.get("name", ""),
                "label": self._label_text(),
                "chosen": None,
                "first": None,
            }
        if self._select is not None and tag == "option":
            self._option = {"selected": "selected" in a, "text": []}
        if (
            self._form
            and tag == "input"
            and a.get("name")
            and a.get("type", "text") not in ("hidden", "submit")
        ):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.filters.append((self._label_text() or a["name"], _("是")))
            elif a.get("value"):
                self.filters.append((self._label_text() or a["name"], a["value"]))
        if tag in self.HEADINGS:
            self._heading = []
        self._block(tag)
        if tag == "table":
            self._stack.append(
                {
                    "name": self._last_heading,
                    "rows": [],
                    "head": 0,
                    "in_head": False,
                    "skip": "data-no-export" in a,
                    "row": None,
                }
            )
        elif self._stack:
            t = self._stack[-1]
            if tag == "thead":
                t["in_head"] = True
            elif tag == "tr":
                t["row"] = []
            elif tag in ("td", "th") and t["row"] is not None:
                self._cell = []
                try:
                    self._cell_span = max(1, min(50, int(a.get("colspan", 1))))
                except ValueError:
                    self._cell_span = 1

    def _block(self, tag):
        if self._cell is not None and tag in self.BLOCKS:
            self._cell.append(" ")  # <br>, list items, paragraphs in a cell: a space, as the eye reads it

    def _label_text(self) -> str:
        if self._label:
            return " ".join("".join(self._label).split())
        text, self._pending_label = self._pending_label, ""
        return text

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
            return
        if tag == "form" and self._form:
            self._form -= 1
        if tag == "label" and self._label is not None:
            self._pending_label = " ".join("".join(self._label).split())
            self._label = None
        if tag == "option" and self._option is not None and self._select is not None:
            text = " ".join("".join(self._option["text"]).split())
            if self._select["first"] is None:
                self._select["first"] = text
            if self._option["selected"]:
                self._select["chosen"] = text
            self._option = None
        if tag == "select" and self._select is not None:
            s = self._select
            if s["chosen"]:
                self.filters.append((s["label"] or s["name"], s["chosen"]))
            self._select = None
        self._block(tag)
        if tag in self.HEADINGS and self._heading is not None:
            self._last_heading = " ".join("".join(self._heading).split())
            self._heading = None
        if not self._stack:
            return
        t = self._stack[-1]
        if tag in ("td", "th") and self._cell is not None and t["row"] is not None:
            text = " ".join("".join(self._cell).split())
            t["row"].extend([text] + [""] * (self._cell_span - 1))
            t["spans"] = t.get("spans", 0) + (self._cell_span > 1)
            self._cell = None
        elif tag == "tr" and t["row"] is not None:
            note = (
                sum(1 for c in t["row"] if c) == 1
                and t.get("spans")
                and len(t["row"]) > 1
                and not t["in_head"]
            )
            t["spans"] = 0
            if any(t["row"]) and not note:  # not "该期间没有任务。" spanning an empty table
                t["rows"].append(t["row"])
                if t["in_head"]:
                    t["head"] += 1
            t["row"] = None
        elif tag == "thead":
            t["in_head"] = False
        elif tag == "table":
            self._stack.pop()
            if not t["skip"] and t["rows"]:
                self.tables.append(t)

    def handle_data(self, data):
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        if self._heading is not None:
            self._heading.append(data)
        if self._label is not None and self._select is None:
            self._label.append(data)
        if self._option is not None:
            self._option["text"].append(data)


def page_tables(html: str) -> tuple[list[tuple[str, list[str], list[list[str]]]], list[tuple[str, str]]]:
    """[(heading, header row, body rows)] of every exportable table in `html`, and the form's filters."""
    parser = _PageTables()
    parser.feed(html)
    parser.close()
    tables = []
    for t in parser.tables:
        head = t["head"] or 1  # a table without <thead>: its first row is the header
        headers = [" / ".join(filter(None, col)) for col in zip(*t["rows"][:head], strict=False)]
        width = max(len(r) for r in t["rows"])
        headers += [""] * (width - len(headers))
        tables.append((t["name"], headers, t["rows"][head:]))
    return tables, parser.filters


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join(c for c in name if c not in "[]:*?/\\")[:28] or "Sheet"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base[:26]}_{n}", n + 1
    used.add(candidate)
    return candidate


def write_tables(title: str, tables, *, user, note: str = "") -> bytes:
    """Several tables, one sheet each, each sheet laid out as `write_table` lays out one."""
    import xlsxwriter

    out = io.BytesIO()
    wb = xlsxwriter.Workbook(
        out,
        {
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "in_memory": True,
        },
    )
    text = wb.add_format({"num_format": "@"})
    quoted = wb.add_format({"num_format": "@", "quote_prefix": True})
    head = wb.add_format({"bold": True, "bg_color": "#DBEAFE", "border": 1, "align": "center"})
    big = wb.add_format({"bold": True, "font_size": 14})
    used: set[str] = set()
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    for name, headers, rows in tables or [(title, [str(_("（本页没有数据）"))], [])]:
        ws = wb.add_worksheet(_sheet_name(name if name and name != title else title, used))
        ws.write_string(0, 0, f"{title} · {name}" if name and name != title else title, big)
        who = _("导出人：%(user)s；导出时间：%(now)s；共 %(n)s 行") % {
            "user": user.get_username(),
            "now": now,
            "n": len(rows),
        }
        ws.write_string(1, 0, f"{who}；{note}" if note else who)
        for j, header in enumerate(headers):
            ws.write_string(2, j, header, head)
            ws.set_column(j, j, max(10, min(40, len(header) * 2 + 4)))
        ws.freeze_panes(3, 0)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(2)
        for i, values in enumerate(rows, start=3):
            for j, value in enumerate(values):
                if value:
                    ws.write_string(i, j, value, quoted if value.startswith(FORMULA_STARTS) else text)
    wb.close()
    return out.getvalue()


_EXPORTING = "_xinye_exporting_statistics"


class _TooManyRows(Exception):
    def __init__(self, total: int):
        self.total = total


def paged(request, objects, per_page: int):
    """A statistics page's long table, paged: the page the request asks for — or, while the page is being
    exported (`?format=xlsx`), one page holding every row, so the workbook has the whole table and not the
    screenful shown. A statistics page is exported in the request (its figures are read off the rendered
    page), so the export is refused above `XINYE_EXPORT_SYNC_ROWS` rows with the count and how to narrow it."""
    if not getattr(request, _EXPORTING, False):
        return Paginator(objects, per_page).get_page(request.GET.get("page"))
    paginator = Paginator(objects, sync_rows())
    if paginator.count > sync_rows():
        raise _TooManyRows(paginator.count)
    return paginator.page(1)


def statistics_export(model):
    """Give a statistics page (a view, or a ModelAdmin method view) `?format=xlsx`: the tables it shows, under
    the same query string and scope, refused (403, as the lists) without the `export` action on `model`."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            request = args[0] if isinstance(args[0], HttpRequest) else args[1]
            if request.GET.get("format") != "xlsx":
                return view(*args, **kwargs)
            if not has_action(request.user, "export", model):
                raise PermissionDenied
            query = request.GET.copy()
            del query["format"]
            request.GET = query
            setattr(request, _EXPORTING, True)
            try:
                response = view(*args, **kwargs)
            except _TooManyRows as too_many:
                messages.error(request, too_many_rows(too_many.total, sync_rows()))
                return HttpResponseRedirect(f"{request.path}?{query.urlencode()}" if query else request.path)
            if getattr(response, "status_code", 200) != 200 or "html" not in response.get("Content-Type", ""):
                return response  # a redirect, a refusal: as the page would answer
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            tables, filters = page_tables(response.content.decode(response.charset or "utf-8"))
            title = _page_title(response) or str(model._meta.verbose_name_plural)
            conditions = "；".join(f"{label.rstrip('：:')}={value}" for label, value in filters) or _("无")
            note = _("范围：%(scope)s；条件：%(conditions)s") % {
                "scope": _scope_caption(request.user),
                "conditions": conditions,
            }
            data = write_tables(title, tables, user=request.user, note=note)
            log_export(request.user, title, sum(len(rows) for _n, _h, rows in tables), query.urlencode())
            return xlsx_response(data, title)

        wrapped.export_model = model
        return wrapped

    return decorate


def _page_title(response) -> str:
    context = getattr(response, "context_data", None) or {}
    if context.get("title"):
        return str(context["title"])
    match = re.search(r"<title>(.*?)</title>", response.content.decode(response.charset or "utf-8"), re.S)
    return strip_tags(match.group(1)).split("|")[0].strip() if match else ""


def may_export_page(request) -> bool:
    """The statistics page being shown has an export and the user holds `export` on its type."""
    match = getattr(request, "resolver_match", None)
    model = getattr(getattr(match, "func", None), "export_model", None)
    return model is not None and has_action(request.user, "export", model)
