"""Writing a plan: bulk inserts and updates, the change log written in bulk with them (values masked), the
denormalised copies kept in step, and one "enterprises changed" signal for the platform."""

from __future__ import annotations

import datetime
import json

from django.core.exceptions import ValidationError
from django.utils import timezone

from xinye.audit.services import record_bulk, record_bulk_prepared
from xinye.core.bulk import insert_rows
from xinye.core.masking import mask
from xinye.core.versioning import bump
from xinye.ledger import services, signals
from xinye.ledger.choices import PARTY_STATUSES, PoliticalStatus
from xinye.ledger.imports.check import (
    ENT,
    INSERT,
    LOG,
    LOG_CREATE_KEYS,
    MEMBER,
    MEMBER_FIELDS,
    PERSON,
    EnterpriseRef,
)
from xinye.ledger.models import Enterprise, PartyMember, Practitioner


def _masked_log(values: dict, sensitive: dict[str, str]) -> dict:
    out = {}
    for k, v in values.items():
        if k.endswith("_hash"):
            continue
        if k in sensitive:
            v = mask(sensitive[k], v) if v else ""
        elif isinstance(v, datetime.date):
            v = v.isoformat()
        out[k] = v
    return out


def _bulk_update_grouped(model, updates: list[tuple[int, dict]]) -> None:
    """bulk_update per set of changed fields, so no object writes a field it did not change."""
    groups: dict[tuple, list] = {}
    for pk, values in updates:
        groups.setdefault(tuple(sorted(values)), []).append(model(pk=pk, **values, version=bump()))
    for names, objs in groups.items():
        # Each row moves to its next version: an edit opened before the import is refused (stale edits).
        model.objects.bulk_update(objs, [*names, "version"], batch_size=500)


def announce_changed(enterprise_ids) -> None:
    """Bulk writes bypass the services: tell the platform once which enterprises the import changed."""
    signals.send(enterprise_ids)


# The order of a checked row's INSERT values (check._prepare_person builds them).
PEOPLE_INSERT_COLUMNS = (
    "name",
    "id_number",
    "id_hash",
    "phone",
    "phone_hash",
    "gender",
    "birth_date",
    "ethnicity",
    "education",
    "occupation",
    "occupation_note",
    "political_status",
    "enterprise",
    "unit",
    "region",
    "industry",
    "created_at",
    "updated_at",
)
PEOPLE_SENSITIVE = {"id_number": "id_number", "phone": "phone"}
CREATE_LOG_CHANGED = json.dumps(sorted(LOG_CREATE_KEYS))


ENTERPRISE_COMPARE = (
    "name",
    "uscc",
    "industry",
    "enterprise_type",
    "region_id",
    "address",
    "latitude",
    "longitude",
    "coord_source",
    "staff_count",
    "legal_representative",
    "contact_name",
    "contact_phone_hash",
    "in_survey_scope",
    "is_active",
)


def people(imp, plan) -> None:
    """Insert the new people (one INSERT per batch, the change log prepared by `check`), update the changed
    ones and keep their party-member rows in step."""
    now = timezone.now()
    creates = plan["create"]
    pks = insert_rows(Practitioner, PEOPLE_INSERT_COLUMNS, [p[INSERT] for p in creates], return_pks=True)
    if creates:
        record_bulk_prepared(
            "create",
            Practitioner,
            [
                (pk, p[PERSON][0], None, p[LOG], CREATE_LOG_CHANGED)
                for pk, p in zip(pks, creates, strict=True)
            ],
        )
        imp.touched_enterprises.update({p[ENT].id for p in creates})
    members_new = [
        _new_member(imp, pk, p, None)
        for pk, p in zip(pks, creates, strict=True)
        if p[PERSON][5] in PARTY_STATUSES
    ]
    people_updates, member_updates, logs_update = [], [], []
    for p, old, person, changed, member_changed in plan["update"]:
        ent, changed = p[ENT], dict(changed)
        imp.touched_enterprises.add(ent.id)
        moved = "enterprise_id" in changed
        if changed:
            before = {k: old.get(k) for k in changed}
            after = dict(changed)
            if "phone_hash" in changed:
                changed["phone"] = person["phone"]
                before["phone"], after["phone"] = old["phone"], changed["phone"]
            if moved:
                changed.update(unit_id=ent.unit_id, region_id=ent.region_id, industry=ent.industry)
                imp.touched_enterprises.add(old["enterprise_id"])
            people_updates.append((old["id"], {**changed, "updated_at": now}))
            logs_update.append(
                (
                    old["id"],
                    person["name"],
                    _masked_log(before, PEOPLE_SENSITIVE),
                    _masked_log(after, PEOPLE_SENSITIVE),
                )
            )
        member_changed = dict(member_changed)
        if old["party_member__id"] is None:
            if member_changed:
                members_new.append(_new_member(imp, old["id"], p, old))
            continue
        if moved:
            member_changed.update(
                enterprise_id=ent.id,
                unit_id=imp.member_unit(ent.id, ent.unit_id),
                region_id=ent.region_id,
                industry=ent.industry,
            )
        if member_changed:
            member_updates.append((old["party_member__id"], {**member_changed, "updated_at": now}))
    _bulk_update_grouped(Practitioner, people_updates)
    _bulk_update_grouped(PartyMember, member_updates)
    if members_new:
        PartyMember.objects.bulk_create(members_new, batch_size=1000)
    if logs_update:
        record_bulk("update", Practitioner, logs_update)
    if members_new:
        fields = ("practitioner_id", "enterprise_id", "unit_id", *MEMBER_FIELDS)
        record_bulk(
            "create",
            PartyMember,
            [
                (m.pk, m.practitioner_id, None, _masked_log({k: getattr(m, k) for k in fields}, {}))
                for m in members_new
            ],
        )
    if member_updates:
        record_bulk(
            "update",
            PartyMember,
            [
                (pk, pk, None, _masked_log({k: v for k, v in vals.items() if k != "updated_at"}, {}))
                for pk, vals in member_updates
            ],
        )


def _new_member(imp, practitioner_id: int, p: tuple, old) -> PartyMember:
    ent = p[ENT]
    status = p[PERSON][5] or (old or {}).get("political_status")
    fields = {"is_full": status == PoliticalStatus.FULL, **(p[MEMBER] or {})}
    return PartyMember(
        practitioner_id=practitioner_id,
        enterprise_id=ent.id,
        unit_id=imp.member_unit(ent.id, ent.unit_id),
        region_id=ent.region_id,
        industry=ent.industry,
        **fields,
    )


def enterprises(imp, plan) -> None:
    """Create and update enterprises; their people's denormalised unit, region and industry follow them."""
    sensitive = {"contact_phone": "phone"}
    new = []
    for item in plan["create"]:
        ent = Enterprise(unit=item["unit"], **item["fields"])
        new.append(ent)
    Enterprise.objects.bulk_create(new, batch_size=500)
    logs = []
    by_id, by_uscc, by_name = imp.enterprises()
    for ent in new:
        imp.touched.add(ent.pk)
        row = EnterpriseRef(ent.pk, ent.name, ent.uscc, ent.unit_id, ent.region_id, ent.industry)
        by_id[ent.pk] = row
        if ent.uscc:
            by_uscc[ent.uscc] = row
        by_name.setdefault(ent.name, []).append(row)
        logs.append(
            (
                ent.pk,
                ent.name,
                None,
                _masked_log(
                    {k: getattr(ent, k) for k in (*ENTERPRISE_COMPARE, "unit_id", "contact_phone")},
                    sensitive,
                ),
            )
        )
    if logs:
        record_bulk("create", Enterprise, logs)
    now = timezone.now()
    logs = []
    for item in plan["update"]:
        old, changed = item["old"], item["changed"]
        before = {k: getattr(old, k) for k in changed}
        if "contact_phone_hash" in changed:
            before["contact_phone"] = old.contact_phone
            changed["contact_phone"] = item["fields"]["contact_phone"]
        for k, v in changed.items():
            setattr(old, k, v)
        old.updated_at = now
        logs.append((old.pk, old.name, _masked_log(before, sensitive), _masked_log(changed, sensitive)))
        imp.touched.add(old.pk)
    if plan["update"]:
        names = sorted({k for item in plan["update"] for k in item["changed"]} | {"updated_at", "version"})
        for item in plan["update"]:
            item["old"].version = bump()  # the next version: an edit opened before the import is refused
        Enterprise.objects.bulk_update([i["old"] for i in plan["update"]], names, batch_size=500)
        for item in plan["update"]:
            ent = item["old"]
            # Denormalised copies follow the enterprise (scope filters rely on them).
            Practitioner.objects.filter(enterprise=ent).exclude(
                unit_id=ent.unit_id, region_id=ent.region_id, industry=ent.industry
            ).update(unit_id=ent.unit_id, region_id=ent.region_id, industry=ent.industry, version=bump())
        record_bulk("update", Enterprise, logs)


def organisations(imp, plan) -> None:
    """Through the ledger service (an OrgUnit each, its rules checked there): few rows."""
    for item in plan["create"]:
        v = item["values"]
        try:
            org = services.create_party_organisation(
                actor=imp.actor,
                kind=v["kind"],
                enterprises=[Enterprise.objects.get(pk=e.id) for e in item["ents"]],
                name=v["name"],
                founded_on=v.get("founded_on"),
                is_online=v.get("is_online"),
            )
        except ValidationError as exc:
            for reason in exc.messages:
                imp.error(imp.result, item["row"], "enterprises", item["raw"].get("enterprises"), reason)
            continue
        extra = {k: v[k] for k in ("term_years", "next_election_on") if k in v}
        if extra:
            services.update_party_organisation(org, actor=imp.actor, **extra)
    for item in plan["update"]:
        org, changed = item["old"], dict(item["changed"])
        ids = changed.pop("enterprises", None)
        if ids is not None:
            changed["enterprises"] = list(Enterprise.objects.filter(pk__in=ids))
        try:
            services.update_party_organisation(org, actor=imp.actor, **changed)
        except ValidationError as exc:
            for reason in exc.messages:
                imp.error(imp.result, item["row"], "enterprises", item["raw"].get("enterprises"), reason)
