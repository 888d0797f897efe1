"""Benchmark: importing practitioner sheets through xinye's real pipeline, against two baselines.

Builds a fresh database (SQLite file under a temporary directory, or PostgreSQL when --database-url is
given — never the XINYE_DATABASE_URL of the environment, which may be a real database), loads the org tree and creates a few enterprises, generates N practitioner rows
(valid resident IDs, phones, Chinese names) as CSV and xlsx, then in the same run times:

  * xinye CSV  — `ledger.imports.kinds.run_import(..., commit=True)`: read, validate (check digits, phones,
                 choices, enterprise references, scope), dedupe in file and against the ledger by keyed hash,
                 encrypt, bulk write, change log, import batch;
  * xinye xlsx — the same from the xlsx file (python-calamine);
  * raw        — the same CSV rows read with csv and inserted with sqlite3 executemany (PostgreSQL: COPY),
                 no validation, no encryption: the floor;
  * django-import-export — a ModelResource for Practitioner with use_bulk=True (hashes and derived fields
                 filled in before_save_instance, the enterprise by ForeignKeyWidget on its name).

Each run writes its own ID range, so every run creates N new rows. Prints rows/s and the ratios.
`--memory` imports 1,000,000 CSV rows through the pipeline instead and prints peak RSS — of the importing
process and of the helper process that checks and encrypts rows for large files (their sum is the figure to
hold against the target; shared pages are counted twice, so it overstates).

    uv run python bench/import_bench.py                 # 200,000 rows
    uv run python bench/import_bench.py --rows 5000     # quick check
    uv run python bench/import_bench.py --memory        # 1,000,000 rows, peak RSS

Targets (issue 13): CSV ≥ 0.5× raw and ≥ 10× django-import-export; xlsx ≥ 0.6× our own CSV import; CSV no slower
against a bare executemany into a minimal table than before; 1,000,000 CSV rows in ≤ 500 MiB.
"""

import argparse
import csv
import datetime
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文包"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建国红飞鑫波宇浩凯斌巴特尔乌兰其木格图雅"
HEADERS = ["姓名", "公民身份号码", "手机号", "所在企业", "民族", "学历", "职业", "政治面貌"]
EDUCATION = ["初中", "高中/中专/技校", "大专", "大学本科"]
OCCUPATION = ["外卖骑手", "快递员", "货车司机", "网约车司机", "仓储/分拣"]
PHONE_PREFIXES = [
    "130",
    "131",
    "132",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "158",
    "159",
    "186",
    "187",
    "188",
    "133",
    "153",
    "180",
    "181",
    "189",
    "177",
]
STATUS = ["群众"] * 12 + ["共青团员"] * 3


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--memory", action="store_true", help="导入 1,000,000 行 CSV，输出峰值内存")
    parser.add_argument("--memory-rows", type=int, default=1_000_000)
    parser.add_argument(
        "--database-url", help="an empty PostgreSQL database for the run (default: temporary SQLite)"
    )
    parser.add_argument("--skip-die", action="store_true", help="不运行 django-import-export 基线")
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--keep", action="store_true", help="保留临时目录")
    return parser.parse_args()


def setup_django(args, workdir: Path):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinye.settings")
    os.environ["XINYE_VAR_DIR"] = str(workdir)
    os.environ["XINYE_DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["XINYE_DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "audit", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)


def build_world():
    """The org tree and five enterprises (one per industry) in 科尔沁区."""
    from stdnum.cn import uscc

    from xinye.accounts.permissions import system_actor
    from xinye.core.context import actor_context
    from xinye.demo import orgs as orgs_demo
    from xinye.ledger import services
    from xinye.orgs.models import OrgUnit

    with actor_context(source="system", label="bench"):
        orgs_demo.load({})
        names = []
        for i, office in enumerate(OrgUnit.objects.filter(kind="industry_office", region_id="150502")[:5]):
            body = f"91150502MA0{i:06d}"
            code = body + uscc.calc_check_digit(body)
            ent = services.create_enterprise(
                actor=system_actor("bench"),
                name=f"科尔沁区测试企业{i + 1}",
                uscc=code,
                industry=office.industry,
                region=office.region,
                unit=office,
            )
            names.append(ent.name)
    return names


def person_rows(n: int, offset: int, enterprises: list[str], rnd: random.Random):
    """N valid practitioner rows; IDs numbered from `offset` (birth day and order number), so each run's IDs
    are unique."""
    from stdnum.cn import ric

    base = datetime.date(1970, 1, 1)
    for k in range(offset, offset + n):
        birth = base + datetime.timedelta(days=k // 900)
        body = f"150502{birth:%Y%m%d}{k % 900 + 100:03d}"
        number = body + ric.calc_check_digit(body + "0")
        name = rnd.choice(SURNAMES) + rnd.choice(GIVEN) + (rnd.choice(GIVEN) if k % 3 else "")
        phone = f"{rnd.choice(PHONE_PREFIXES)}{rnd.randrange(10**8):08d}"
        yield [
            name,
            number,
            phone,
            enterprises[k % len(enterprises)],
            "蒙古族" if k % 7 == 0 else "汉族",
            EDUCATION[k % len(EDUCATION)],
            OCCUPATION[k % len(OCCUPATION)],
            STATUS[k % len(STATUS)],
        ]


def write_csv(path: Path, rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        w.writerows(rows)


def write_xlsx(path: Path, rows) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, HEADERS)
    for i, row in enumerate(rows, start=1):
        ws.write_row(i, 0, row)
    wb.close()


def progress(done: int) -> None:
    sys.stderr.write(f"  已处理 {done} 行\n")


HELPER_PEAKS: list[float] = []  # MiB, the helper process of each import that used one


def time_xinye(path: Path, label: str) -> float:
    from xinye.accounts.permissions import system_actor
    from xinye.ledger.imports.kinds import run_import

    started = time.perf_counter()
    result = run_import(
        "practitioners",
        path,
        actor=system_actor("bench"),
        commit=True,
        progress=progress,
        progress_every=50_000,
    )
    elapsed = time.perf_counter() - started
    if not result.committed:
        raise SystemExit(f"{label}: import failed: {[str(e) for e in result.errors[:5]]}")
    if "helper_peak_rss_kib" in result.stats:
        HELPER_PEAKS.append(result.stats["helper_peak_rss_kib"] / 1024)
    return elapsed


def time_raw(path: Path) -> float:
    """Read the CSV and insert the rows as they are (no validation, no encryption) — the floor."""
    from django.db import connection, transaction
    from django.utils import timezone

    from xinye.ledger.models import Enterprise

    ents = {e.name: e for e in Enterprise.objects.all()}
    edu = {"初中": "junior", "高中/中专/技校": "senior", "大专": "college", "大学本科": "bachelor"}
    now = timezone.now()
    columns = (
        "name, id_number, id_hash, phone, phone_hash, gender, birth_date, ethnicity, education, occupation, "
        "occupation_note, political_status, enterprise_id, unit_id, region_id, industry, created_at, updated_at"
    )
    started = time.perf_counter()
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)

        def tuples():
            for name, number, phone, ent_name, eth, education, _occupation, _status in reader:
                e = ents[ent_name]
                yield (
                    name,
                    number,
                    number,
                    phone,
                    phone,
                    "",
                    None,
                    eth,
                    edu.get(education, ""),
                    "other",
                    "",
                    "masses",
                    e.pk,
                    e.unit_id,
                    e.region_id,
                    e.industry,
                    now,
                    now,
                )

        with transaction.atomic():
            if connection.vendor == "postgresql":
                with (
                    connection.cursor() as cur,
                    cur.cursor.copy(f"COPY ledger_practitioner ({columns}) FROM STDIN") as copy,
                ):
                    for row in tuples():
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * 18)
                sql = f"INSERT INTO ledger_practitioner ({columns}) VALUES ({placeholders})"
                with connection.cursor() as cur:
                    batch = []
                    for row in tuples():
                        batch.append(row)
                        if len(batch) >= 10_000:
                            cur.executemany(sql, batch)
                            batch = []
                    if batch:
                        cur.executemany(sql, batch)
    return time.perf_counter() - started


def time_bare(path: Path) -> float:
    """Read the CSV and executemany its rows as they are into a minimal two-column table of a fresh SQLite
    file: the floor of Python's csv and sqlite3, nothing of xinye's (issue 13's second baseline)."""
    import sqlite3

    db = path.with_suffix(".bare.sqlite3")
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE bare (name TEXT, id_number TEXT)")
    started = time.perf_counter()
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        con.executemany("INSERT INTO bare VALUES (?, ?)", ((r[0], r[1]) for r in reader))
    con.commit()
    elapsed = time.perf_counter() - started
    con.close()
    return elapsed


def cost_breakdown(path: Path, limit: int = 20_000) -> dict[str, float]:
    """µs per row of each piece of the per-row work, measured alone on the sheet's first `limit` rows: reading
    and checking the cells (ID check digit and birth date, phone, choices), the two keyed hashes, the two
    encryptions, and the change-log snapshot — what separates the import from the bare insert."""
    import datetime as dt

    from django.conf import settings

    from xinye.core.crypto import FieldCipher
    from xinye.core.masking import mask
    from xinye.ledger.imports import check
    from xinye.ledger.imports.normalise import RowParser
    from xinye.ledger.imports.specs import SPECS, spec_rules

    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [r for _, r in zip(range(limit), reader, strict=False)]
    n = len(rows)
    parser = RowParser(spec_rules(SPECS["practitioners"]), dt.date.today())  # noqa: DTZ011
    keys = {"姓名": "name", "公民身份号码": "id_number", "手机号": "phone", "所在企业": "enterprise"}
    keys.update(
        {"民族": "ethnicity", "学历": "education", "职业": "occupation", "政治面貌": "political_status"}
    )
    colmap = {i: keys[h] for i, h in enumerate(header) if h in keys}
    cipher = FieldCipher(settings.FIELD_KEY)
    out = {}
    t = time.perf_counter()
    parsed = [parser.parse_row(r, colmap)[0] for r in rows]
    out["read and check the cells"] = time.perf_counter() - t
    ids = [p["id_number"].number for p in parsed]
    phones = [p.get("phone") or "13800000000" for p in parsed]
    t = time.perf_counter()
    for a, b in zip(ids, phones, strict=True):
        cipher.keyed_hash(a), cipher.keyed_hash(b)
    out["two keyed hashes"] = time.perf_counter() - t
    t = time.perf_counter()
    for a, b in zip(ids, phones, strict=True):
        cipher.encrypt(a), cipher.encrypt(b)
    out["two encryptions"] = time.perf_counter() - t
    t = time.perf_counter()
    for p, a, b in zip(parsed, ids, phones, strict=True):
        check._create_log(p["name"], mask("id_number", a), mask("phone", b), 1, "", "", "other", "", "masses")
    out["change-log snapshot"] = time.perf_counter() - t
    return {k: v / n * 1e6 for k, v in out.items()}


def time_import_export(path: Path) -> float:
    import tablib
    from import_export import fields, resources, widgets

    from xinye.ledger.models import Enterprise, Practitioner

    class PractitionerResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="姓名")
        id_number = fields.Field(attribute="id_number", column_name="公民身份号码")
        phone = fields.Field(attribute="phone", column_name="手机号")
        enterprise = fields.Field(
            attribute="enterprise",
            column_name="所在企业",
            widget=widgets.ForeignKeyWidget(Enterprise, "name"),
        )
        ethnicity = fields.Field(attribute="ethnicity", column_name="民族")

        class Meta:
            model = Practitioner
            fields = ("name", "id_number", "phone", "enterprise", "ethnicity")
            import_id_fields = ()
            use_bulk = True
            batch_size = 1000
            force_init_instance = True
            skip_diff = True

        def before_save_instance(self, instance, row, **kwargs):
            instance.fill_derived()  # hashes, gender and birth date, unit/region/industry (bulk skips save())

    started = time.perf_counter()
    with open(path, encoding="utf-8") as fh:
        dataset = tablib.Dataset().load(fh.read(), format="csv")
    result = PractitionerResource().import_data(
        dataset, dry_run=False, use_transactions=True, raise_errors=True
    )
    elapsed = time.perf_counter() - started
    if result.has_errors() or result.has_validation_errors():
        raise SystemExit("django-import-export reported errors")
    return elapsed


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="xinye-import-bench-"))
    try:
        setup_django(args, workdir)
        from django.db import connection

        enterprises = build_world()
        rnd = random.Random(args.seed)
        print(f"database: {connection.vendor}; enterprises: {len(enterprises)}")
        if args.memory:
            n = args.memory_rows
            path = workdir / "memory.csv"
            write_csv(path, person_rows(n, 0, enterprises, rnd))
            print(
                f"generated {n} rows ({path.stat().st_size / 1048576:.0f} MiB CSV); RSS before: {peak_rss_mib():.0f} MiB"
            )
            elapsed = time_xinye(path, "memory")
            print(f"xinye CSV  {n:>9} rows  {elapsed:8.2f} s  {n / elapsed:10.0f} rows/s")
            main_peak = peak_rss_mib()
            helper = max(HELPER_PEAKS, default=0.0)
            print(
                f"peak RSS: importing process {main_peak:.0f} MiB + helper process {helper:.0f} MiB "
                f"= {main_peak + helper:.0f} MiB (target ≤ 500 MiB)"
            )
            print(f"load average: {os.getloadavg()[0]:.1f} (cores: {os.cpu_count()})")
            return
        n = args.rows
        files = {}
        for i, label in enumerate(("csv", "xlsx", "raw", "die", "bare")):
            path = workdir / f"{label}.{'xlsx' if label == 'xlsx' else 'csv'}"
            rows = person_rows(n, (i + 1) * 2_000_000, enterprises, rnd)
            (write_xlsx if label == "xlsx" else write_csv)(path, rows)
            files[label] = path
        print(f"generated {n} rows per run")
        # warm-up (a long-running server is warm): module imports, phone metadata, enterprise cache paths
        warm = workdir / "warm.csv"
        write_csv(warm, person_rows(50, 9_000_000, enterprises, rnd))
        time_xinye(warm, "warm-up")
        timings = {
            "xinye CSV": time_xinye(files["csv"], "csv"),
            "xinye xlsx": time_xinye(files["xlsx"], "xlsx"),
            "raw insert": time_raw(files["raw"]),
            "bare executemany": time_bare(files["bare"]),
        }
        if not args.skip_die:
            timings["django-import-export"] = time_import_export(files["die"])
        for label, seconds in timings.items():
            print(f"{label:22} {n:>9} rows  {seconds:8.2f} s  {n / seconds:10.0f} rows/s")
        rate = {k: n / v for k, v in timings.items()}
        print(f"CSV / raw:                  {rate['xinye CSV'] / rate['raw insert']:.2f}×  (target ≥ 0.5×)")
        if "django-import-export" in rate:
            ratio = rate["xinye CSV"] / rate["django-import-export"]
            print(f"CSV / django-import-export: {ratio:.1f}×  (target ≥ 10×)")
        print(f"xlsx / CSV:                 {rate['xinye xlsx'] / rate['xinye CSV']:.2f}×  (target ≥ 0.6×)")
        bare = rate["xinye CSV"] / rate["bare executemany"]
        print(f"CSV / bare executemany:     {bare:.3f}×  (a minimal table; about 0.06× before issue 13)")
        print(
            "per-row work, µs per row (measured alone; the import also reads the ledger and writes two indexed rows):"
        )
        for label, micros in cost_breakdown(files["csv"]).items():
            print(f"  {label:28} {micros:7.1f} µs")
        helper = f" + helper process {max(HELPER_PEAKS):.0f} MiB" if HELPER_PEAKS else ""
        print(f"peak RSS: {peak_rss_mib():.0f} MiB{helper}")
        print(f"load average: {os.getloadavg()[0]:.1f} (cores: {os.cpu_count()}; other work shares them)")
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
