"""The change log's hash chains: every write path chains its rows, `xinye audit verify` finds an edit, a
deletion and an insertion made around the application, the purge keeps the retention and logs itself, and
the export ships rows with their hashes."""

import datetime
import io
import json

import pytest
import time_machine
from django.core import checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from xinye.audit import chain
from xinye.audit.models import ChainHead, ChangeLog
from xinye.audit.services import log_event, purge, record_bulk
from xinye.core.context import actor_context
from xinye.core.errors import Refused
from xinye.orgs.models import OrgUnit


def run(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("audit", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


def sql(statement: str, params=()) -> None:
    table = connection.ops.quote_name(ChangeLog._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(statement.format(table=table), params)


@pytest.fixture
def logged(world):
    """Five fresh rows at the end of today's chain, written the way the application writes them."""
    with actor_context(source="cli", label="cli:test"):
        return [log_event("export", note=f"第 {i} 次导出") for i in range(5)]


def test_rows_carry_their_chain_position_and_the_log_verifies(logged):
    first, second = logged[0], logged[1]
    assert first.chain_day == timezone.localdate()
    assert (second.chain_day, second.chain_shard, second.seq) == (
        first.chain_day,
        first.chain_shard,
        first.seq + 1,
    )
    stored = ChangeLog.objects.get(pk=second.pk)
    assert stored.hash == chain.link(
        chain.chain_key(stored.chain_day, stored.chain_shard), stored.seq, first.hash, chain.text_of(stored)
    )
    code, out = run("verify")
    assert code == 0 and "哈希链完好" in out
    assert f"{ChangeLog.objects.count()} 行" in out


def test_the_canonical_text_is_the_sorted_compact_json_of_the_hashed_fields(logged):
    row = ChangeLog.objects.get(pk=logged[0].pk)
    fields = {
        name: getattr(row, name) for name in chain.HASHED_FIELDS if name not in ("time", "content_type")
    }
    fields |= {"time": chain.time_text(row.time), "content_type": row.content_type_id}
    assert chain.text_of(row) == json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def test_an_edit_is_found(logged):
    target = logged[2]
    sql("UPDATE {table} SET note = %s WHERE id = %s", ["改过的说明", target.pk])
    code, out = run("verify")
    assert code == 1
    assert f"日志行：{target.pk}" in out and f"第 {target.seq} 行的内容或哈希与记录时不符" in out
    assert chain.chain_key(target.chain_day, target.chain_shard) in out


def test_an_edit_of_a_json_field_is_found(logged):
    target = logged[1]
    sql("UPDATE {table} SET after = %s WHERE id = %s", ['{"name":"伪造"}', target.pk])
    assert chain.verify().broken.row_id == target.pk


def test_a_deletion_in_the_middle_is_found(logged):
    target = logged[2]
    sql("DELETE FROM {table} WHERE id = %s", [target.pk])
    code, out = run("verify")
    assert code == 1 and f"缺少第 {target.seq} 至 {target.seq} 行" in out
    assert f"日志行：{logged[3].pk}" in out  # the first row whose link is broken


def test_a_deletion_at_the_end_is_found(logged):
    sql("DELETE FROM {table} WHERE id = %s", [logged[-1].pk])
    code, out = run("verify")
    assert code == 1 and f"止于第 {logged[-2].seq} 行，链头记录为第 {logged[-1].seq} 行" in out


def test_an_insertion_is_found(logged):
    last = logged[-1]
    text = chain.text_of(last)  # a forged copy: even with a well-formed hash it is found
    forged = chain.link(chain.chain_key(last.chain_day, last.chain_shard), last.seq + 1, last.hash, text)
    sql(
        "INSERT INTO {table} (time, username, request_id, source, ip, action, object_id, object_repr, "
        "changed_fields, note, chain_day, chain_shard, seq, hash) "
        "SELECT time, username, request_id, source, ip, action, object_id, object_repr, changed_fields, note, "
        "chain_day, chain_shard, seq + 1, %s FROM {table} WHERE id = %s",
        [forged, last.pk],
    )
    code, out = run("verify")
    assert code == 1 and "止于第" in out and f"链头记录为第 {last.seq} 行" in out


def test_an_insertion_outside_any_chain_is_found(logged):
    sql(
        "INSERT INTO {table} (time, username, request_id, source, ip, action, object_id, object_repr, "
        "changed_fields, note, chain_day, chain_shard, seq, hash) "
        "VALUES (%s, 'ghost', '', 'cli', '', 'delete', '1', '伪造', '[]', '', %s, 7, 1, %s)",
        [timezone.now(), timezone.localdate(), "f" * 64],
    )
    code, out = run("verify")
    assert code == 1 and "/7" in out


def test_verify_since_skips_older_days(world):
    with time_machine.travel(datetime.datetime(2026, 1, 10, 10, 0, tzinfo=datetime.UTC)):
        old = log_event("export", note="旧日志")
    sql("UPDATE {table} SET note = 'x' WHERE id = %s", [old.pk])
    assert run("verify")[0] == 1
    code, out = run("verify", "--since", "2026-01-11")
    assert code == 0, out


def test_console_and_bulk_writes_chain_their_rows(world, client_for):
    """The signal path (a console edit), the bulk path (an import's record_bulk) and events all verify."""
    unit = world["units"]["street-kerqin-1-c2"]
    client = client_for("kerqin_admin")
    response = client.post(
        f"/admin/orgs/orgunit/{unit.pk}/change/",
        {
            "code": unit.code,
            "name": "链测试社区",
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
    assert response.status_code == 302
    units = list(OrgUnit.objects.order_by("pk")[:50])
    with actor_context(source="import", label="import:test"):
        record_bulk("create", OrgUnit, [(u.pk, u.name, None, {"name": u.name, "n": 1.5}) for u in units])
        record_bulk("update", OrgUnit, [(u.pk, u.name, {"name": "甲"}, {"name": u.name}) for u in units[:3]])
    bulk = ChangeLog.objects.filter(username="import:test").order_by("seq")
    assert bulk.count() == 53
    seqs = [row.seq for row in bulk]
    assert seqs == list(range(seqs[0], seqs[0] + 53))
    assert chain.verify().intact


def test_purge_refuses_days_inside_the_retention(logged):
    young = timezone.localdate() - datetime.timedelta(days=100)
    code, out = run("purge", "--before", young.isoformat())
    assert code == 2 and "保留期为 183 天" in out and "只能清除" in out
    assert ChangeLog.objects.filter(pk=logged[0].pk).exists()
    with pytest.raises(Refused):
        purge(timezone.localdate() - datetime.timedelta(days=182), actor=None)


def test_a_retention_below_the_minimum_is_refused(logged):
    with override_settings(XINYE_AUDIT_RETENTION_DAYS=30):
        code, out = run("purge", "--before", "2020-01-01")
        assert code == 2 and "低于法定最短 183 天" in out
        errors = checks.run_checks()
        assert any(e.id == "xinye_audit.E001" for e in errors)
    assert not any(e.id == "xinye_audit.E001" for e in checks.run_checks())


def test_purge_deletes_whole_old_days_logs_itself_and_the_rest_still_verifies(world):
    old_days = [datetime.datetime(2025, 3, d, 9, 0, tzinfo=datetime.UTC) for d in (1, 2, 3)]
    for moment in old_days:
        with time_machine.travel(moment):
            log_event("export", note="旧日志")
            log_event("export", note="旧日志")
    head = ChainHead.objects.get(day=datetime.date(2025, 3, 2))
    code, out = run("purge", "--before", "2025-03-03")
    assert code == 0, out
    assert not ChangeLog.objects.filter(chain_day__lt=datetime.date(2025, 3, 3)).exists()
    assert ChangeLog.objects.filter(chain_day=datetime.date(2025, 3, 3)).count() == 2
    entry = ChangeLog.objects.get(action="purge")
    assert (
        entry.username.startswith("cli:")
        and entry.source == "cli"
        and "4 条" in entry.note
        and "2025-03-01 至 2025-03-02" in entry.note
    )
    assert entry.after["rows"] == 4 and entry.after["chains"][f"2025-03-02/{head.shard}"]["hash"] == head.hash
    assert chain.verify().intact


def test_export_writes_rows_with_their_hashes(logged, tmp_path):
    target = tmp_path / "log.jsonl"
    today = timezone.localdate().isoformat()
    code, out = run("export", "--since", today, "--out", str(target))
    assert code == 0, out
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    mine = [line for line in lines if line["id"] == logged[0].pk]
    assert len(mine) == 1 and mine[0]["hash"] == logged[0].hash and mine[0]["seq"] == logged[0].seq
    assert mine[0]["note"] == "第 0 次导出" and mine[0]["chain"].startswith(today)
    assert ChangeLog.objects.filter(action="export", note__contains="导出操作日志").exists()

    stdout = io.StringIO()
    call_command("audit", "export", "--since", today, "--until", today, "--out", "-", stdout=stdout)
    assert len(stdout.getvalue().splitlines()) == len(lines) + 1  # the first export's own row


def test_bad_dates_and_paths_are_clear_messages(logged, tmp_path):
    code, out = run("verify", "--since", "2026-13-01")
    assert code == 2 and "--since" in out and "YYYY-MM-DD" in out
    code, out = run("export", "--since", "2026-01-01", "--out", str(tmp_path / "missing" / "x.jsonl"))
    assert code == 2 and "无法写入" in out


def test_an_auditor_verifies_from_the_console(logged, client_for):
    client = client_for("auditor")
    listing = client.get("/admin/audit/changelog/").content.decode()
    assert "校验哈希链" in listing and f"#{logged[0].seq}" in listing
    page = client.get("/admin/audit/changelog/verify/?run=1").content.decode()
    assert "哈希链完好" in page
    sql("UPDATE {table} SET username = 'someone' WHERE id = %s", [logged[1].pk])
    page = client.get("/admin/audit/changelog/verify/?run=1").content.decode()
    assert "发现断裂" in page and str(logged[1].pk) in page and "内容或哈希与记录时不符" in page
    page = client.get("/admin/audit/changelog/verify/?run=1&since=2026-99-01").content.decode()
    assert "格式不对" in page
    assert client_for("kerqin_admin").get("/admin/audit/changelog/verify/?run=1").status_code == 404
