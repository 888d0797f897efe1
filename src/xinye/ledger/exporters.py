"""Templates and exports of the survey ledgers, in the one column layout of `imports.specs.SPECS`.

An export is the template filled in, so exporting and importing the file again changes nothing. Exports are
masked by default; an unmasked export needs the `export` and `view_sensitive` actions and a stated reason.
Every export is logged (PIPL; domain.md privacy). Cells are written as values, never as formulas: text that
starts with = + - @ is stored as a string with Excel's quote prefix (the hidden leading apostrophe).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from django.utils import timezone

from xinye.core.errors import Refused
from xinye.core.exports import is_formula_like
from xinye.core.masking import mask
from xinye.ledger.choices import MembershipHeld
from xinye.ledger.imports.pipeline import acting_as
from xinye.ledger.imports.specs import SPECS, Spec, get_spec
from xinye.ledger.models import Enterprise, PartyMember, PartyOrganisation, Practitioner

TITLE_ROW, HEADER_ROW = 0, 1  # data from the third row; the importer finds the header under the title


def _label(choices, value) -> str:
    if not value:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _yes(value) -> str:
    return "是" if value else "否"


class _Writer:
    def __init__(self, out, spec: Spec, *, title: str):
        import xlsxwriter

        self.spec = spec
        self.wb = xlsxwriter.Workbook(
            out,
            {
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "constant_memory": True,
                "default_date_format": "yyyy-mm-dd",
            },
        )
        self.ws = self.wb.add_worksheet(f"{spec.label}台账")
        self.text = self.wb.add_format({"num_format": "@"})
        self.quoted = self.wb.add_format({"num_format": "@", "quote_prefix": True})
        self.date = self.wb.add_format({"num_format": "yyyy-mm-dd"})
        head = {"bold": True, "bg_color": "#DBEAFE", "border": 1, "align": "center", "valign": "vcenter"}
        self.head = self.wb.add_format(head)
        self.head_required = self.wb.add_format({**head, "font_color": "#B91C1C"})
        title_format = self.wb.add_format({"bold": True, "font_size": 14, "align": "center"})
        n = len(spec.columns)
        for j, col in enumerate(spec.columns):
            # text columns keep what people type as text (IDs, phones, codes keep every digit)
            self.ws.set_column(j, j, col.width, self.text if col.is_text_cell else None)
        self.ws.merge_range(TITLE_ROW, 0, TITLE_ROW, n - 1, title, title_format)
        for j, col in enumerate(spec.columns):
            self.ws.write_string(HEADER_ROW, j, col.header, self.head_required if col.required else self.head)
        self.ws.freeze_panes(HEADER_ROW + 1, 0)
        self.row = HEADER_ROW + 1

    def write(self, values: Iterable) -> None:
        for j, value in enumerate(values):
            self.cell(self.row, j, value)
        self.row += 1

    def cell(self, i: int, j: int, value) -> None:
        if value is None or value == "":
            return
        if isinstance(value, bool):
            self.ws.write_string(i, j, _yes(value), self.text)
        elif isinstance(value, int | float):
            self.ws.write_number(i, j, value)
        elif isinstance(value, datetime.date):
            self.ws.write_datetime(i, j, datetime.datetime.combine(value, datetime.time()), self.date)
        else:
            text = str(value)
            self.ws.write_string(i, j, text, self.quoted if is_formula_like(text) else self.text)

    def close(self) -> None:
        notes = self.wb.add_worksheet("填写说明")
        bold = self.wb.add_format({"bold": True})
        wrap = self.wb.add_format({"text_wrap": True, "valign": "top"})
        notes.set_column(0, 0, 24)
        notes.set_column(1, 1, 8)
        notes.set_column(2, 2, 70)
        notes.write_row(0, 0, ["列名", "必填", "说明"], bold)
        for i, col in enumerate(self.spec.columns, start=1):
            also = f"（也可写作：{'、'.join(col.aliases)}）" if col.aliases else ""
            notes.write_string(i, 0, col.header)
            notes.write_string(i, 1, "是" if col.required else "")
            notes.write_string(i, 2, f"{col.note}{also}", wrap)
        k = len(self.spec.columns) + 2
        for line in (
            "第一张工作表为台账：第 1 行为标题，第 2 行为表头，从第 3 行起每行一条记录；可在表头上方保留标题行。",
            "身份证号、手机号、统一社会信用代码请保持“文本”格式，不要转为数字（否则末几位会丢失）。",
            "导入时先逐行校验，全部无误后才一次性写入；同一文件重复导入不会重复写入。",
        ):
            notes.write_string(k, 0, line)
            k += 1
        self.wb.close()


def _title(spec: Spec, note: str = "") -> str:
    return f"{spec.label}台账{note}"


def write_template(kind: str, out) -> None:
    """The empty template of `kind`: title, Chinese headers (required ones in red), text-formatted ID and
    phone columns, and a sheet of instructions."""
    spec = get_spec(kind)
    _Writer(out, spec, title=_title(spec, "（模板）")).close()


# --- rows of each ledger, in the spec's column order ---


def _enterprise_rows(qs, show) -> Iterator[list]:
    from xinye.core.choices import Industry
    from xinye.ledger.choices import CoordSystem, EnterpriseType

    for e in (
        qs.select_related("region").order_by("region_id", "industry", "name", "pk").iterator(chunk_size=2000)
    ):
        yield [
            e.name,
            e.uscc or "",
            _label(Industry, e.industry),
            _label(EnterpriseType, e.enterprise_type),
            e.region.name,
            e.address,
            e.longitude,
            e.latitude,
            _label(CoordSystem, e.coord_source),
            e.staff_count,
            e.legal_representative,
            e.contact_name,
            show("phone", e.contact_phone),
            e.in_survey_scope,
            e.is_active,
        ]


def _practitioner_rows(qs, show) -> Iterator[list]:
    from xinye.ledger.choices import Education, Occupation, PoliticalStatus

    qs = qs.select_related("enterprise").order_by("enterprise_id", "name", "pk")
    for p in qs.iterator(chunk_size=2000):
        yield [
            p.name,
            show("id_number", p.id_number),
            show("phone", p.phone),
            p.enterprise.name,
            p.enterprise.uscc or "",
            p.ethnicity,
            _label(Education, p.education),
            _label(Occupation, p.occupation),
            _label(PoliticalStatus, p.political_status),
        ]


def _member_rows(qs, show) -> Iterator[list]:
    qs = qs.select_related("practitioner", "enterprise").order_by("enterprise_id", "practitioner__name", "pk")
    for m in qs.iterator(chunk_size=2000):
        p = m.practitioner
        yield [
            p.name,
            show("id_number", p.id_number),
            show("phone", p.phone),
            m.enterprise.name,
            m.enterprise.uscc or "",
            "正式党员" if m.is_full else "预备党员",
            m.joined_on,
            m.full_member_on,
            _label(MembershipHeld, m.membership_held),
            m.home_organisation,
        ]


def _organisation_rows(qs, show) -> Iterator[list]:
    qs = qs.select_related("unit").prefetch_related("enterprises").order_by("unit__path")
    for o in qs:
        ents = sorted(o.enterprises.all(), key=lambda e: e.pk)
        yield [
            o.unit.name,
            o.unit.get_kind_display(),
            "、".join(e.uscc or e.name for e in ents),
            o.founded_on,
            o.term_years,
            o.next_election_on,
            o.is_online,
        ]


ROWS = {
    "enterprises": (Enterprise, _enterprise_rows),
    "practitioners": (Practitioner, _practitioner_rows),
    "members": (PartyMember, _member_rows),
    "organisations": (PartyOrganisation, _organisation_rows),
}


def check_export(actor, kind: str, *, unmasked: bool = False, reason: str = "") -> None:
    """Refuse an export the actor may not make (`Refused` with a Chinese reason)."""
    from xinye.accounts.permissions import has_action

    model = ROWS[get_spec(kind).kind][0]
    if not has_action(actor, "export", model):
        raise Refused(f"您无权导出{model._meta.verbose_name}台账")
    if unmasked:
        if not has_action(actor, "view_sensitive", model):
            raise Refused("不脱敏导出需要查看敏感信息的权限")
        if not (reason or "").strip():
            raise Refused("不脱敏导出须填写理由（将记入操作日志）")


def export_ledger(kind: str, out, *, actor, unmasked: bool = False, reason: str = "") -> int:
    """Write every record of `kind` in the actor's export scope (the system actor: all) to `out` in the
    template layout; masked unless `unmasked`. Logs the export and returns the number of rows."""
    from xinye.accounts.permissions import restrict
    from xinye.audit.services import log_sensitive_access

    check_export(actor, kind, unmasked=unmasked, reason=reason)
    spec = SPECS[kind]
    model, rows = ROWS[kind]
    qs = restrict(model.objects.all(), actor, "export")
    if unmasked:  # only rows the actor may also see unmasked: view_sensitive is a right over a scope
        qs = restrict(qs, actor, "view_sensitive")

    def show(kind_, value):
        if not value:
            return ""
        return value if unmasked else mask(kind_, value)

    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    writer = _Writer(out, spec, title=_title(spec, f"（{'不脱敏' if unmasked else '脱敏'}导出，{stamp}）"))
    count = 0
    for values in rows(qs, show):
        writer.write(values)
        count += 1
    writer.close()
    sensitive = [c.header for c in spec.columns if c.sensitive]
    if kind == "enterprises":
        sensitive = ["联系电话"]
    if kind == "organisations":
        sensitive = []
    note = f"不脱敏导出，理由：{reason.strip()}" if unmasked else "脱敏导出"
    with acting_as(actor, "system"):
        log_sensitive_access(
            "export", model=model, count=count, reason=note, fields=sensitive if unmasked else ()
        )
    return count
