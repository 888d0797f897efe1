"""Export what a console list shows (issue 17, "export everywhere"): the columns of the list, the rows its
filters, search and ordering select, within the user's export scope — to xlsx, logged.

Every list of a `ScopedAdmin` gets an 导出 Excel button (beside 新增) for a user who holds the `export`
action on its type. The file is the list as the clerk sees it: the same column headers, the same values
(choices as their labels, yes/no as 是/否), sensitive fields masked always — an unmasked export is the
ledger's own, with a reason (`ledger.exporters`). Cells are written as text, never as formulas: a value that
starts with = + - @ or a tab/carriage return gets Excel's quote prefix. The export is refused above
`XINYE_LIST_EXPORT_MAX_ROWS` (default 50,000) with the count and the way to narrow it.
"""

from __future__ import annotations

import datetime
import io
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import label_for_field, lookup_field
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from xinye.accounts.permissions import has_action, restrict
from xinye.core.masking import mask

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def max_rows() -> int:
    return int(getattr(settings, "XINYE_LIST_EXPORT_MAX_ROWS", 50_000))


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
        try:
            cl = self.get_changelist_instance(request)
        except Exception:  # an invalid filter in the URL: the list itself shows the message
            messages.error(request, _("筛选条件无效，未导出。"))
            return back
        rows = restrict(cl.queryset, request.user, "export")
        total = rows.count()
        if total > max_rows():
            messages.error(
                request,
                _(
                    "当前列表共 %(total)s 条，超过单次导出上限 %(limit)s 条：请先按区县、行业等条件筛选后再导出。"
                )
                % {"total": total, "limit": max_rows()},
            )
            return back
        columns = self.export_columns(request)
        title = str(opts.verbose_name_plural)
        data = self._write(request, rows, columns, title, total)
        log_export(request.user, title, total, query)
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

    def _write(self, request, rows, columns, title, total: int) -> bytes:
        sensitive = {
            f.name: f.mask for f in self.model._meta.concrete_fields if getattr(f, "sensitive", False)
        }
        headers = [str(label_for_field(name, self.model, self)) for name in columns]
        body = (
            [cell_text(self._value(name, obj, sensitive)) for name in columns]
            for obj in rows.iterator(chunk_size=2000)
        )
        return write_table(title, headers, body, user=request.user, total=total)


def write_table(title: str, headers: list[str], rows, *, user, total: int, note: str = "") -> bytes:
    """One sheet as statistics offices expect it: a title row, who exported it and when (and `note`: the
    filters), the header row frozen and repeated on every printed page, A4 landscape fitted to width; every
    cell text, formula-looking text with Excel's quote prefix."""
    import xlsxwriter

    out = io.BytesIO()
    wb = xlsxwriter.Workbook(
        out,
        {
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "constant_memory": True,
            "in_memory": True,
        },
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
    return out.getvalue()


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
