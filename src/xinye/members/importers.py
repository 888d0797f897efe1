"""Import study records from other platforms (学习强国 points, online academies) as CSV.

Columns: 姓名, 身份证号 or 手机号, 日期, 积分 and/or 学时, optional 内容/课程, 类别. People are matched by the
keyed hash of their ID number or phone (never by decrypting the ledger); the name must agree. All or
nothing: one bad row and nothing is written; every error is reported by row in Chinese.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction

from xinye.accounts.permissions import has_action, restrict, unit_in_scope
from xinye.audit.services import record_bulk, snapshot
from xinye.core.crypto import keyed_hash
from xinye.core.errors import OutOfScope, Refused
from xinye.core.validators import normalise
from xinye.ledger.models import Practitioner
from xinye.members.choices import CourseKind, StudySource
from xinye.members.models import StudyRecord
from xinye.members.services import party_unit_of

KIND_BY_LABEL = {str(label): value for value, label in CourseKind.choices}


@dataclass
class StudyImportResult:
    rows: int = 0
    created: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)
    committed: bool = False
    pending: list[StudyRecord] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Refused("文件编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV")


def _date(text: str) -> datetime.date:
    text = text.strip().replace("/", "-").replace(".", "-")
    for fmt in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise ValueError(f"日期“{text}”格式不对，应为 2026-11-28")


def parse_study_csv(
    data: bytes, *, actor, platform: str = "学习强国", today: datetime.date | None = None
) -> StudyImportResult:
    """Validate every row, matching people among those `actor` may see; the result holds unsaved records
    when there is no error."""
    result = StudyImportResult()
    text = _decode(data)
    reader = csv.DictReader(io.StringIO(text))
    headers = {normalise(h) for h in (reader.fieldnames or [])}
    missing = [h for h in ("姓名", "日期") if h not in headers]
    if not ({"身份证号", "手机号"} & headers):
        missing.append("身份证号或手机号")
    if not ({"积分", "学时"} & headers):
        missing.append("积分或学时")
    if missing:
        result.errors.append("缺少列：" + "、".join(missing))
        return result
    people = restrict(Practitioner.objects.all(), actor, "view")
    seen = set()
    for number, raw in enumerate(reader, start=2):
        row = {normalise(k): (v or "").strip() for k, v in raw.items() if k}
        if not any(row.values()):
            continue
        result.rows += 1
        problems = []
        name = row.get("姓名", "")
        person = None
        if row.get("身份证号"):
            id_number = normalise(row["身份证号"]).upper()
            if "E+" in id_number:
                problems.append(
                    "身份证号被表格软件转成了科学计数法，后几位已丢失，请把该列设为文本后重新导出"
                )
            else:
                person = people.filter(id_hash=keyed_hash(id_number)).first()
        elif row.get("手机号"):
            matches = list(people.filter(phone_hash=keyed_hash(normalise(row["手机号"])))[:2])
            if len(matches) > 1:
                problems.append("手机号对应多名从业人员，请改用身份证号")
            person = matches[0] if len(matches) == 1 else None
        else:
            problems.append("身份证号和手机号都为空")
        if person is None and not problems:
            problems.append("未在您管辖范围内的从业人员台账中找到此人")
        elif person is not None and name and person.name != name:
            problems.append(f"姓名“{name}”与台账中的姓名不一致")
        try:
            date = _date(row.get("日期", ""))
            if today and date > today:
                problems.append(f"日期 {date} 晚于今天")
        except ValueError as exc:
            problems.append(str(exc))
            date = None
        hours, points = Decimal("0"), None
        try:
            if row.get("学时"):
                hours = Decimal(row["学时"])
                if hours < 0 or hours > 24:
                    problems.append("学时应在 0–24 之间")
            if row.get("积分"):
                points = int(Decimal(row["积分"]))
                if points < 0:
                    problems.append("积分不能为负数")
        except (InvalidOperation, ValueError):
            problems.append("积分/学时须为数字")
        kind = CourseKind.THEORY
        if row.get("类别"):
            kind = KIND_BY_LABEL.get(row["类别"])
            if kind is None:
                problems.append(f"类别“{row['类别']}”不认识，应为：" + "、".join(KIND_BY_LABEL))
        if problems:
            result.errors.append(f"第 {number} 行：" + "；".join(problems))
            continue
        title = row.get("内容") or row.get("课程") or f"{platform}学习"
        key = (person.pk, date, title, platform)
        if (
            key in seen
            or StudyRecord.objects.filter(
                practitioner=person, date=date, title=title, platform=platform, source=StudySource.IMPORTED
            ).exists()
        ):
            result.duplicates += 1
            continue
        seen.add(key)
        unit = party_unit_of(person)
        if not unit_in_scope(actor, "add", StudyRecord, unit):
            result.errors.append(
                f"第 {number} 行：{person.name} 所在党组织不在您的管辖范围内，不能为其登记学习"
            )
            continue
        result.pending.append(
            StudyRecord(
                practitioner=person,
                unit=unit,
                kind=kind,
                title=title,
                date=date,
                hours=hours,
                points=points,
                source=StudySource.IMPORTED,
                platform=platform,
            )
        )
    return result


def import_study_csv(data: bytes, *, actor, commit: bool = False, platform: str = "学习强国", today=None):
    """Parse and, when `commit` and there is no error at all, write every record in one transaction.
    Writing needs the import right on study records (OutOfScope without it); every written row is checked
    against the actor's scope before the transaction commits (all or nothing)."""
    if commit and not has_action(actor, "import", StudyRecord):
        raise OutOfScope()
    result = parse_study_csv(data, actor=actor, platform=platform, today=today)
    if not result.ok or not commit:
        return result
    with transaction.atomic():
        created = StudyRecord.objects.bulk_create(result.pending)
        ids = [r.pk for r in created]
        if restrict(StudyRecord.objects.filter(pk__in=ids), actor, "add").count() != len(ids):
            raise OutOfScope()  # a row landed outside the importer's scope: nothing is written
        record_bulk("create", StudyRecord, [(r.pk, str(r)[:255], None, snapshot(r)) for r in created])
    result.created, result.committed = len(created), True
    return result
