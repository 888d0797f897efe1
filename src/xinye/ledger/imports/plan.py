"""Planning: which checked rows create a ledger row, which update one (and what changes), which change
nothing — and which are refused because the row already in the ledger is outside the importer's scope."""

from __future__ import annotations

import json

from django.db import connection

from xinye.core.choices import Industry
from xinye.ledger.choices import PARTY_STATUSES, PoliticalStatus
from xinye.ledger.imports.check import (
    ENT,
    ID_HASH,
    MEMBER,
    MEMBER_FIELDS,
    PERSON,
    RAW_ID,
    RAW_STATUS,
    ROW,
    person_dict,
)
from xinye.ledger.models import Enterprise, PartyOrganisation, Practitioner

PEOPLE_FIELDS = (
    "name",
    "phone_hash",
    "enterprise_id",
    "ethnicity",
    "education",
    "occupation",
    "occupation_note",
    "political_status",
)


def existing_keys(model, column: str, keys: list) -> set:
    """Which of `keys` exist in `model.column` (an indexed column) — one plain query with the keys as one array
    parameter (a JSON array on SQLite), without the ORM's per-parameter cost on lists of thousands."""
    if not keys:
        return set()
    table = connection.ops.quote_name(model._meta.db_table)
    col = connection.ops.quote_name(model._meta.get_field(column).column)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            sql = f"SELECT {col} FROM {table} WHERE {col} IN (SELECT value FROM json_each(%s))"  # noqa: S608
            cursor.execute(sql, [json.dumps(keys)])
            return {r[0] for r in cursor.fetchall()}
        # A point lookup by an indexed key. The planner would scan the whole table when its statistics are
        # older than the rows this import has already written (a new ledger, a large sheet), once per batch.
        cursor.execute("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")
        before = cursor.fetchone()[0]
        try:
            cursor.execute(f"SELECT {col} FROM {table} WHERE {col} = ANY(%s)", [list(keys)])  # noqa: S608
            return {r[0] for r in cursor.fetchall()}
        finally:
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [before])


def people(imp, rows: list[tuple]) -> dict:
    """{"create": [rows], "update": [(row, old values, person, changed, member changed)]}: one query for
    which IDs exist, one more for their current values when any do."""
    found = existing_keys(Practitioner, "id_hash", [p[ID_HASH] for p in rows])
    if not found:  # a sheet of new people: the common case of a survey
        imp.result.created += len(rows)
        return {"create": rows, "update": []}
    existing = {
        row["id_hash"]: row
        for row in Practitioner.objects.filter(id_hash__in=found).values(
            "id",
            "id_hash",
            "phone",
            "unit_id",
            "industry",
            "region_id",
            *PEOPLE_FIELDS,
            "party_member__id",
            *(f"party_member__{k}" for k in MEMBER_FIELDS),
            "party_member__unit_id",
        )
    }
    plan = {"create": [], "update": []}
    for p in rows:
        old = existing.get(p[ID_HASH])
        if old is None:
            imp.result.created += 1
            plan["create"].append(p)
            continue
        if old["enterprise_id"] != p[ENT].id and not imp.allowed(old["unit_id"], old["industry"]):
            imp.error(
                imp.result,
                p[ROW],
                "id_number",
                p[RAW_ID],
                # Naming the county would tell the importer where this person works.
                "该人员已登记在您导入范围以外的单位，不能改动",
            )
            continue
        person = person_dict(p[PERSON])
        changed = {k: v for k, v in person.items() if k != "phone" and old.get(k) != v}
        status = person.get("political_status", old["political_status"])
        is_member = old["party_member__id"] is not None
        if is_member and status not in PARTY_STATUSES:
            imp.error(
                imp.result,
                p[ROW],
                "political_status",
                p[RAW_STATUS],
                "该人员在党员台账中，请先办理党员减少（转出、除名等）再修改政治面貌",
            )
            continue
        member_changed = {}
        if p[MEMBER] or status in PARTY_STATUSES:
            want = dict(p[MEMBER] or {}) or {"is_full": status == PoliticalStatus.FULL}
            want.setdefault("is_full", status == PoliticalStatus.FULL)
            member_changed = {k: v for k, v in want.items() if old.get(f"party_member__{k}") != v}
            if not is_member:
                member_changed = want
        if not changed and not member_changed:
            imp.result.unchanged += 1
            continue
        imp.result.updated += 1
        plan["update"].append((p, old, person, changed, member_changed))
    return plan


def enterprises(imp, items):
    """By credit code, else by name within the county; the enterprise's office decides its scope."""
    _, by_uscc, by_name = imp.enterprises()
    plan = {"create": [], "update": []}
    for item in items:
        f = item["fields"]
        row = by_uscc.get(f["uscc"]) if f.get("uscc") else None
        if row is None and not f.get("uscc"):
            rows = [r for r in by_name.get(f["name"], []) if r.region_id == f["region_id"]]
            row = rows[0] if len(rows) == 1 else None
        old = Enterprise.objects.filter(pk=row.id).first() if row else None
        same_place = old is not None and old.region_id == f["region_id"] and old.industry == f["industry"]
        unit = old.unit if same_place else imp.office(f["region_id"], f["industry"])
        if unit is None:
            imp.error(
                imp.result,
                item["row"],
                "region",
                item["raw"].get("region"),
                f"{imp.region_name(f['region_id'])}没有该行业的行业党建办",
            )
            continue
        imp.units[unit.pk] = unit
        if not imp.allowed(unit.pk, f["industry"]):
            imp.error(
                imp.result,
                item["row"],
                "region",
                item["raw"].get("region"),
                f"{imp.region_name(f['region_id'])}的{Industry(f['industry']).label}企业不在您的导入范围内（整行拒绝导入）",
            )
            continue
        if old is not None and not same_place and not imp.allowed(old.unit_id, old.industry):
            imp.error(
                imp.result,
                item["row"],
                "name",
                item["raw"].get("name"),
                "该企业已登记在您管辖范围外的旗县区或行业，不能改动",
            )
            continue
        item["unit"] = unit
        item["old"] = old
        if old is None:
            imp.result.created += 1
            plan["create"].append(item)
            continue
        changed = {}
        for k, v in f.items():
            if k == "contact_phone":
                continue
            cur = getattr(old, k)
            if isinstance(v, float) and isinstance(cur, float) and abs(v - cur) < 1e-9:
                continue
            if cur != v:
                changed[k] = v
        if old.unit_id != unit.pk:
            changed["unit_id"] = unit.pk
        if not changed:
            imp.result.unchanged += 1
            continue
        item["changed"] = changed
        imp.result.updated += 1
        plan["update"].append(item)
    return plan


def organisations(imp, items):
    """By name; the kind of an existing organisation is not changed by an import."""
    existing = {
        o.unit.name: o
        for o in PartyOrganisation.objects.filter(unit__name__in=[i["values"]["name"] for i in items])
        .select_related("unit")
        .prefetch_related("enterprises")
    }
    plan = {"create": [], "update": []}
    for item in items:
        v = item["values"]
        old = existing.get(v["name"])
        item["old"] = old
        if old is None:
            imp.result.created += 1
            plan["create"].append(item)
            continue
        if not imp.allowed(old.unit_id, old.industry):
            imp.error(imp.result, item["row"], "name", v["name"], "该党组织不在您的导入范围内")
            continue
        changed = {}
        if v["kind"] != old.unit.kind:
            imp.error(
                imp.result,
                item["row"],
                "kind",
                item["raw"].get("kind"),
                f"已有同名{old.unit.get_kind_display()}，组织类型不能通过导入修改",
            )
            continue
        for k in ("founded_on", "term_years", "next_election_on", "is_online"):
            if k in v and getattr(old, k) != v[k]:
                changed[k] = v[k]
        ids = [e.id for e in item["ents"]]
        if sorted(ids) != sorted(e.pk for e in old.enterprises.all()):
            changed["enterprises"] = ids
        if not changed:
            imp.result.unchanged += 1
            continue
        item["changed"] = changed
        imp.result.updated += 1
        plan["update"].append(item)
    return plan
