"""Every create, update and delete — console, API, CLI — lands in the change log, immutably."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from xinye.audit.models import ChangeLog, ImmutableLogError
from xinye.orgs.models import OrgUnit, Region


def entries_for(obj_or_pk, model=OrgUnit):
    pk = obj_or_pk if isinstance(obj_or_pk, int | str) else obj_or_pk.pk
    return ChangeLog.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=str(pk))


def test_console_create_update_delete_logged(world, client_for):
    client = client_for("kerqin_admin")
    parent = world["units"]["street-kerqin-1"]
    data = {
        "code": "c-new",
        "name": "新建社区",
        "kind": "community",
        "industry": "",
        "region": "150502",
        "parent": parent.pk,
        "sort": 0,
        "is_active": "on",
        "children-TOTAL_FORMS": 0,
        "children-INITIAL_FORMS": 0,
    }
    response = client.post("/admin/orgs/orgunit/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = OrgUnit.objects.get(code="c-new")
    created = entries_for(unit).get(action="create")
    assert created.username == "kerqin_admin" and created.source == "console" and created.request_id
    assert created.after["name"] == "新建社区"

    data["name"] = "改名社区"
    assert client.post(f"/admin/orgs/orgunit/{unit.pk}/change/", data).status_code == 302
    updated = entries_for(unit).get(action="update")
    assert updated.before["name"] == "新建社区" and updated.after["name"] == "改名社区"
    assert updated.changed_fields == ["name"]

    assert client.post(f"/admin/orgs/orgunit/{unit.pk}/delete/", {"post": "yes"}).status_code == 403
    city = client_for("city_admin")
    assert city.post(f"/admin/orgs/orgunit/{unit.pk}/delete/", {"post": "yes"}).status_code == 302
    deleted = entries_for(unit).get(action="delete")
    assert deleted.before["name"] == "改名社区" and deleted.after is None

    history = client_for("city_admin").get(f"/admin/orgs/orgunit/{parent.pk}/history/")
    assert history.status_code == 200


def test_console_history_page_lists_changes(world, client_for):
    unit = world["units"]["street-kerqin-1-c2"]
    client = client_for("kerqin_admin")
    client.post(
        f"/admin/orgs/orgunit/{unit.pk}/change/",
        {
            "code": unit.code,
            "name": "历史测试社区",
            "kind": unit.kind,
            "industry": "",
            "region": unit.region_id,
            "parent": unit.parent_id,
            "sort": 0,
            "is_active": "on",
            "children-TOTAL_FORMS": 0,
            "children-INITIAL_FORMS": 0,
        },
    )
    page = client.get(f"/admin/orgs/orgunit/{unit.pk}/history/").content.decode()
    assert "历史测试社区" in page and "kerqin_admin" in page
    # someone outside the county cannot read its history
    assert (
        client_for("rider_committee_admin").get(f"/admin/orgs/orgunit/{unit.pk}/history/").status_code == 404
    )


def test_api_create_update_delete_logged(world, api_client):
    client = api_client("kerqin_admin")
    parent = world["units"]["street-kerqin-2"]
    response = client.post(
        "/api/v1/org-units",
        {"code": "api-c", "name": "接口社区", "kind": "community", "region": "150502", "parent": parent.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert entries_for(pk).get(action="create").source == "api"
    response = client.patch(
        f"/api/v1/org-units/{pk}", {"name": "接口社区二"}, content_type="application/json"
    )
    assert response.status_code == 200
    entry = entries_for(pk).get(action="update")
    assert entry.username == "kerqin_admin" and entry.after["name"] == "接口社区二"
    assert client.delete(f"/api/v1/org-units/{pk}").status_code == 404  # county admins may not delete
    assert api_client("city_admin").delete(f"/api/v1/org-units/{pk}").status_code == 204
    assert entries_for(pk).filter(action="delete").exists()


def test_api_write_outside_scope_changes_nothing(world, api_client):
    client = api_client("kerqin_admin")
    naiman = world["units"]["street-naiman-1"]
    response = client.patch(
        f"/api/v1/org-units/{naiman.pk}", {"name": "越权"}, content_type="application/json"
    )
    assert response.status_code == 404
    response = client.post(
        "/api/v1/org-units",
        {"code": "x", "name": "越权", "kind": "community", "region": "150525", "parent": naiman.pk},
        content_type="application/json",
    )
    assert response.status_code == 404
    naiman.refresh_from_db()
    assert naiman.name != "越权" and not OrgUnit.objects.filter(code="x").exists()


def test_cli_changes_logged(world, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("代码,名称,上级代码\n150400,赤峰市,150000\n", encoding="utf-8")
    call_command("load_regions", str(path), stdout=io.StringIO())
    entry = entries_for("150400", Region).get(action="create")
    assert entry.source == "cli" and entry.username.startswith("cli:")
    call_command(
        "load_regions", str(path), "--actor", "sysadmin", stdout=io.StringIO()
    )  # unchanged → no entry
    path.write_text("代码,名称,上级代码\n150400,赤峰市（改）,150000\n", encoding="utf-8")
    call_command("load_regions", str(path), "--actor", "sysadmin", stdout=io.StringIO())
    entry = entries_for("150400", Region).get(action="update")
    assert entry.username == "sysadmin" and entry.before["name"] == "赤峰市"


def test_sensitive_values_masked_in_log(world):
    from xinye.orgs.models import Agent

    unit = world["units"]["lxgw-kerqin"]
    agent = Agent.objects.create(
        kind="liaison", name="王强", phone="13912345678", unit=unit, region=unit.region
    )
    entry = entries_for(agent, Agent).get(action="create")
    assert entry.after["phone"] == "139****5678"
    assert "phone_hash" not in entry.after


def test_log_cannot_be_edited_or_deleted(world, client_for):
    entry = ChangeLog.objects.first()
    entry.note = "篡改"
    with pytest.raises(ImmutableLogError):
        entry.save()
    with pytest.raises(ImmutableLogError):
        entry.delete()
    client = client_for("auditor")
    assert client.get(f"/admin/audit/changelog/{entry.pk}/change/").status_code == 200
    assert client.post(f"/admin/audit/changelog/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ChangeLog.objects.filter(pk=entry.pk).exists()


def test_auditor_filters_global_log(world, client_for):
    client = client_for("auditor")
    response = client.get("/admin/audit/changelog/", {"action__exact": "create", "q": "科尔沁"})
    assert response.status_code == 200
    assert "科尔沁" in response.content.decode()


def test_bulk_entries_read_like_single_ones(world):
    """`record_bulk` (imports, the demo) writes with one plain INSERT per batch; its entries carry the actor,
    the masked values and the changed fields exactly as `record_change`'s do, and stay immutable."""
    from xinye.audit.services import record_bulk, record_change
    from xinye.core.context import actor_context

    user = world["users"]["kerqin_admin"]
    unit = world["units"]["street-kerqin-1-c1"]
    with actor_context(user=user, source="cli", request_id="bulk-req-1"):
        count = record_bulk(
            "update",
            OrgUnit,
            [(unit.pk, unit.name, {"name": "旧名", "sort": 1}, {"name": "和平社区", "sort": 1})],
        )
        record_change("update", unit, {"name": "旧名", "sort": 1}, {"name": "和平社区", "sort": 1})
    assert count == 1
    bulk, single = entries_for(unit).filter(request_id="bulk-req-1").order_by("pk")
    for entry in (bulk, single):
        assert (entry.user, entry.source, entry.action) == (user, "cli", "update")
        assert entry.username == user.username
        assert entry.before == {"name": "旧名", "sort": 1} and entry.after["name"] == "和平社区"
        assert entry.changed_fields == ["name"]
    assert bulk.object_repr == unit.name and abs((bulk.time - single.time).total_seconds()) < 60
    with pytest.raises(ImmutableLogError):
        bulk.delete()


def test_bulk_creates_read_the_same_whichever_way_they_are_written(world):
    """A bulk create with consecutive ids (an import, the demo) is unpacked by SQLite from one JSON array; any
    other bulk write binds each row. Both give the same entries — ids, names, snapshots, changed fields."""
    from xinye.audit.services import record_bulk
    from xinye.core.context import actor_context

    snapshot = {"name": "科尔沁区“新业”驿站", "sort": 2, "note": None, "ratio": 0.5, "tags": ["a", "b"]}
    rows = [
        (900000 + i, f"单位{i}" + "长" * (300 if i == 1 else 0), None, {**snapshot, "n": i}) for i in range(3)
    ]
    scattered = [(800000 + 7 * i, text, before, after) for i, (_, text, before, after) in enumerate(rows)]
    with actor_context(source="cli", label="bulk-test", request_id="bulk-req-2"):
        assert record_bulk("create", OrgUnit, rows) == 3  # consecutive ids
        assert record_bulk("create", OrgUnit, scattered) == 3  # not consecutive: row by row
    entries = ChangeLog.objects.filter(request_id="bulk-req-2").order_by("pk")
    by_id = {e.object_id: e for e in entries}
    assert sorted(by_id) == sorted([str(r[0]) for r in rows] + [str(r[0]) for r in scattered])
    for (pk, text, _, after), (other, *_rest) in zip(rows, scattered, strict=True):
        fast, slow = by_id[str(pk)], by_id[str(other)]
        assert fast.object_repr == slow.object_repr == text[:255]
        assert fast.after == slow.after == after and fast.before is slow.before is None
        assert (
            fast.changed_fields == slow.changed_fields == sorted(k for k, v in after.items() if v is not None)
        )
        assert (fast.action, fast.username, fast.source) == (slow.action, slow.username, slow.source)
        assert fast.content_type == slow.content_type == ContentType.objects.get_for_model(OrgUnit)
