"""Large people sheets are checked and encrypted in a helper process: same results as in-process, streamed."""

import datetime
import itertools
import os
import subprocess
import sys

import pytest

from tests.ledger.factories import make_enterprise, make_id, make_practitioner
from tests.ledger.io_helpers import PRACTITIONER_HEADERS, csv_file, person
from xinye.accounts.permissions import system_actor
from xinye.audit.models import ChangeLog
from xinye.core.crypto import keyed_hash
from xinye.ledger import services
from xinye.ledger.choices import PARTY_STATUSES, Occupation, PoliticalStatus
from xinye.ledger.imports import check
from xinye.ledger.imports.kinds import IMPORTERS, PARALLEL_MIN_BYTES, PractitionerImporter, run_import
from xinye.ledger.imports.read import ImportUsageError
from xinye.ledger.imports.specs import spec_rules
from xinye.ledger.models import PartyMember, Practitioner

SYSTEM = system_actor("test")


@pytest.fixture
def kerqin(world):
    return make_enterprise(world["units"]["djb-kerqin-delivery"], name="科尔沁区美团骑手站")


@pytest.fixture
def kailu(world):
    return make_enterprise(world["units"]["djb-kailu-delivery"], name="开鲁县饿了么骑手站")


def _bad_check_digit(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


def mixed_sheet(tmp_path, kerqin, kailu):
    """Good rows, every kind of row error, an update, an unchanged row and an out-of-county row."""
    existing = make_practitioner(kerqin, name="老员工", phone="13800001111", occupation="rider")
    same = make_practitioner(kerqin, name="不变", phone="13800002222", occupation="rider", ethnicity="汉族")
    same.education = "senior"
    same.save()
    dup = make_id()
    rows = [
        person(f"新人{i}", make_id(male=i % 2 == 0), kerqin.name, phone=f"1391234{i:04d}") for i in range(12)
    ]
    rows += [
        person("重复甲", dup, kerqin.name),
        person("重复乙", dup, kerqin.name),
        person("校验错", _bad_check_digit(make_id()), kerqin.name),
        person("没企业", make_id(), "不存在的企业"),
        person("开鲁人", make_id(), kailu.name),
        ["", "", "", "", "", "", "", ""],
        person("坏手机", make_id(), kerqin.name, phone="12345"),
        person("老员工", existing.id_number, kerqin.name, phone="13800003333"),
        ["不变", same.id_number, "13800002222", kerqin.name, "汉族", "高中", "外卖骑手", "群众"],
        person("党员", make_id(), kerqin.name, status="正式党员"),
        person("", make_id(), kerqin.name, status="不知道"),
    ]
    return csv_file(tmp_path / "mixed.csv", PRACTITIONER_HEADERS, rows), existing


def _outcome(result):
    d = result.as_dict()
    d.pop("file_name")
    return d


def test_helper_process_gives_the_same_preview_and_progress(world, kerqin, kailu, tmp_path):
    path, _ = mixed_sheet(tmp_path, kerqin, kailu)
    user = world["users"]["kerqin_admin"]
    seen = {True: [], False: []}
    results = {
        parallel: run_import(
            "practitioners",
            path,
            actor=user,
            parallel=parallel,
            progress=seen[parallel].append,
            progress_every=5,
        )
        for parallel in (False, True)
    }
    assert results[True].stats.get("helper_peak_rss_kib", 0) > 0  # it did run in the helper
    assert _outcome(results[True]) == _outcome(results[False])
    assert seen[True] == seen[False] == [5, 10, 15, 20, 22]
    got = {(e.row, e.column) for e in results[True].errors}
    assert got == {
        (15, "公民身份号码"),  # duplicate of row 14
        (16, "公民身份号码"),  # check digit
        (17, "所在企业"),  # unknown enterprise
        (18, "所在企业"),  # another county
        (20, "手机号"),
        (24, "姓名"),
        (24, "政治面貌"),
    }
    assert (results[True].created, results[True].updated, results[True].unchanged) == (14, 1, 1)


def test_helper_process_writes_the_same_rows(world, kerqin, kailu, tmp_path):
    rows = [person(f"新人{i}", make_id(), kerqin.name, phone=f"1371234{i:04d}") for i in range(30)]
    rows.append(person("党员", make_id(), kerqin.name, status="预备党员"))
    ids = [r[1] for r in rows]
    path = csv_file(tmp_path / "clean.csv", PRACTITIONER_HEADERS, rows)
    result = run_import("practitioners", path, commit=True, parallel=True, progress_every=7, actor=SYSTEM)
    assert result.committed and result.created == 31, [str(e) for e in result.errors]
    assert result.stats["helper_peak_rss_kib"] > 0
    people = {p.id_number: p for p in Practitioner.objects.filter(enterprise=kerqin)}
    assert set(people) == set(ids)
    first = people[ids[0]]
    assert (first.name, first.phone, first.education, first.occupation) == (
        "新人0",
        "13712340000",
        "senior",
        "rider",
    )
    assert first.id_hash == keyed_hash(ids[0]) and first.phone_hash == keyed_hash("13712340000")
    assert first.birth_date == datetime.date(1990, 5, 17) and first.gender == "M"
    assert first.unit_id == kerqin.unit_id and first.region_id == kerqin.region_id
    logs = ChangeLog.objects.filter(action="create", content_type__model="practitioner")
    log = logs.get(object_id=str(first.pk))
    assert log.after["id_number"] == ids[0][:6] + "********" + ids[0][-4:]
    assert log.after["phone"] == "137****0000" and log.object_repr == "新人0"
    assert set(log.changed_fields) == set(log.after)
    assert logs.filter(object_id__in=[str(p.pk) for p in people.values()]).count() == 31
    member = people[ids[-1]]
    assert PartyMember.objects.filter(practitioner=member, is_full=False).exists()
    again = run_import("practitioners", path, commit=True, parallel=True, actor=SYSTEM)
    assert again.already is not None


def test_members_sheet_in_the_helper_process(world, kerqin, tmp_path):
    headers = [
        "姓名",
        "身份证号",
        "所在企业",
        "政治面貌",
        "入党日期",
        "转正日期",
        "组织关系",
        "组织关系所在党组织",
    ]
    rows = [
        ["党员甲", make_id(), kerqin.name, "正式党员", "2015年7月1日", "2016/7/1", "本单位", ""],
        ["党员乙", make_id(), kerqin.name, "预备党员", "2020-01-01", "2021-01-01", "本单位", ""],
        ["党员丙", make_id(), kerqin.name, "预备党员", "2020-01-01", "", "流动党员", ""],
        ["党员丁", make_id(), kerqin.name, "预备党员", "2025-01-01", "", "流动党员", "赤峰市某党支部"],
    ]
    path = csv_file(tmp_path / "members.csv", headers, rows)
    preview = {p: _outcome(run_import("members", path, parallel=p, actor=SYSTEM)) for p in (False, True)}
    assert preview[True] == preview[False]
    assert [(e["row"], e["column"]) for e in preview[True]["errors"]] == [
        (3, "转正日期"),
        (4, "组织关系所在党组织"),
    ]
    path = csv_file(tmp_path / "good.csv", headers, [rows[0], rows[3]])
    result = run_import("members", path, commit=True, parallel=True, actor=SYSTEM)
    assert result.committed, [str(e) for e in result.errors]
    assert PartyMember.objects.get(practitioner__name="党员甲").is_full


def test_header_and_file_errors_come_back_from_the_helper(world, kerqin, tmp_path):
    no_ids = csv_file(tmp_path / "noid.csv", ["姓名", "所在企业"], [["王小明", kerqin.name]])
    outcome = {
        p: _outcome(run_import("practitioners", no_ids, parallel=p, actor=SYSTEM)) for p in (False, True)
    }
    assert (
        outcome[True] == outcome[False] and "缺少必填列：公民身份号码" in outcome[True]["errors"][0]["reason"]
    )
    broken = tmp_path / "broken.csv"
    good = ",".join(person("王小明", make_id(), kerqin.name)).encode()
    broken.write_bytes(
        ",".join(PRACTITIONER_HEADERS).encode() + b"\n" + (good + b"\n") * 5000 + b"\xff\xfe\n"
    )
    with pytest.raises(ImportUsageError, match="编码不一致"):
        run_import("practitioners", broken, parallel=True, actor=SYSTEM)


def test_size_decides_unless_told(world, tmp_path):
    small = tmp_path / "small.csv"
    small.write_text("姓名\n")
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * PARALLEL_MIN_BYTES)
    assert not PractitionerImporter(actor=SYSTEM).use_helper(small)
    assert PractitionerImporter(actor=SYSTEM).use_helper(big) is (__import__("os").cpu_count() > 1)
    assert PractitionerImporter(parallel=True, actor=SYSTEM).use_helper(small)
    assert not PractitionerImporter(parallel=False, actor=SYSTEM).use_helper(big)


def _context(colmap, **kw):
    spec = IMPORTERS["practitioners"].spec
    return check.PeopleContext(
        rules=spec_rules(spec),
        names={},
        colmap=colmap,
        today=datetime.date(2026, 11, 28),
        members=False,
        min_join_age=18,
        by_uscc={},
        by_name={"甲企业": [check.EnterpriseRef(1, "甲企业", None, 10, "150502", "delivery")]},
        scope=check.ScopeTable({(10, "delivery"): True}, {}),
        write=True,
        now="2026-11-28 00:00:00",
        field_key="A" * 43,
        **kw,
    )


def test_rows_are_streamed_a_batch_at_a_time():
    """Memory stays bounded: a batch is out before the next rows are read, whatever the file's length."""
    read = []

    def endless():
        for k in itertools.count(2):
            read.append(k)
            yield k, ["某人", make_id(), "", "甲企业"]

    ctx = _context({0: "name", 1: "id_number", 2: "phone", 3: "enterprise"}, batch=100)
    batches = check.people_batches(endless(), ctx)
    total, errors, people, warnings = next(batches)
    assert (total, errors, len(people), len(read), warnings) == (100, [], 100, 100, [])
    row = people[0]
    assert row[check.INSERT][1].startswith("v1:") and row[check.INSERT][1] != row[check.INSERT][2]
    total, _, _, _ = next(batches)
    assert total == 200 and len(read) == 200


def test_helper_stops_when_the_import_stops(world, kerqin, tmp_path):
    rows = [person(f"人{i}", make_id(), kerqin.name) for i in range(30)]
    path = csv_file(tmp_path / "stop.csv", PRACTITIONER_HEADERS, rows)
    importer = PractitionerImporter(parallel=True, progress_every=1, actor=SYSTEM)
    steps = importer.run_iter(path)
    assert next(steps) == 1
    steps.close()  # e.g. the browser left the progress page
    assert not Practitioner.objects.filter(enterprise=kerqin).exists()


def test_bulk_cipher_matches_the_field_functions(settings):
    from xinye.core.crypto import FieldCipher, decrypt, encrypt

    cipher = FieldCipher()
    for value in ("150502199005170011", "13812345678", "王小明"):
        assert cipher.keyed_hash(value) == keyed_hash(value)
        sealed = cipher.encrypt(value)
        assert decrypt(sealed) == value and sealed.startswith("v1:") and len(sealed) == len(encrypt(value))
    assert cipher.keyed_hash("") == "" and cipher.encrypt("") == "" and cipher.encrypt(None) is None
    assert (
        len({cipher.encrypt("同一个值") for _ in range(FieldCipher.NONCE_BLOCK + 5)})
        == FieldCipher.NONCE_BLOCK + 5
    )
    other = FieldCipher(settings.FIELD_KEY)  # a helper process passes the key explicitly
    assert other.keyed_hash("13812345678") == keyed_hash("13812345678")


@pytest.mark.parametrize(
    "name", ["王小明", "巴特尔·乌兰", 'A "quoted" name', "back\\slash", "tab\tnew\nline", "𠀀𪚥", "\u2028x"]
)
def test_the_written_out_change_log_snapshot_is_the_json_of_its_fields(name):
    """The helper writes each new person's change-log `after` field by field (not through json's encoder):
    it must read back as exactly those fields, whatever the name holds, and be the canonical JSON the change
    log's hash chain is computed over (audit.chain.canonical_json)."""
    import json

    from xinye.audit.chain import canonical_json

    values = (name, "150502********1234", "138****5678", 42, "蒙古族", "", "other", "理货员", "masses")
    text = check._create_log(*values)
    parsed = json.loads(text)
    assert text == canonical_json(parsed)
    assert parsed == dict(zip(check.LOG_CREATE_KEYS, values, strict=True))


def test_the_helper_modules_start_without_django():
    """The helper process imports `imports.helper` (and what it needs) without Django set up: none of it may
    import Django models or the ORM — nor may the package's __init__."""
    code = (
        "import sys, xinye.ledger.imports.helper; "
        "print(sorted(m for m in sys.modules if m.startswith(('django.db', 'django.apps', 'xinye.ledger.models'))))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[]"


def test_the_helpers_plain_values_are_the_ledgers():
    """`check` keeps a few plain values of the ledger's (it cannot import Django): they must agree."""
    assert set(check.PARTY_STATUSES) == set(PARTY_STATUSES)
    assert check.MEMBER_FIELDS == tuple(k for k in services.MEMBER_FIELDS if k != "unit")
    assert check.PERSON_DEFAULTS == {
        "ethnicity": "",
        "education": "",
        "occupation": Occupation.OTHER,
        "political_status": PoliticalStatus.MASSES,
    }
