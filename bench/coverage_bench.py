"""Benchmark: GET /api/v1/stats/overview on a province-sized ledger.

Builds a fresh database (SQLite file under a temporary directory, or `--database-url` for PostgreSQL),
loads the 通辽 org tree and demo accounts, writes N enterprises and M practitioners (plus members,
organisations, instructors, liaisons in the seed's proportions) with raw bulk SQL, rebuilds the coverage
aggregates once (`coverage.aggregates.refresh`, timed), then times the overview endpoint through Django's test
client for a city admin and a county admin. As a same-run baseline it times the naive per-request scan
(`coverage.services.naive_overview`: COUNTs over the ledger tables through restrict()) and prints the ratio.

    uv run python bench/coverage_bench.py                      # 100,000 enterprises, 5,000,000 practitioners
    uv run python bench/coverage_bench.py --enterprises 2000 --practitioners 50000
    uv run python bench/coverage_bench.py --database-url postgres://user@/xinye_bench

Target: ≤ 100 ms median for the endpoint on SQLite and PostgreSQL.
"""

import argparse
import itertools
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Names as a ledger holds them: the common surnames in about their national shares (张 and 王 about 7 % each,
# the rest of the people under a long tail here folded into 其他姓), then one or two given-name characters —
# so a name search for 张 matches as many rows as it would in a real city.
SURNAMES = (
    ("王", 7.1),
    ("李", 7.0),
    ("张", 6.9),
    ("刘", 5.4),
    ("陈", 4.6),
    ("杨", 3.1),
    ("黄", 2.3),
    ("赵", 2.2),
    ("吴", 2.0),
    ("周", 1.9),
    ("徐", 1.5),
    ("孙", 1.5),
    ("马", 1.4),
    ("朱", 1.3),
    ("胡", 1.3),
    ("郭", 1.1),
    ("何", 1.1),
    ("林", 1.0),
    ("高", 1.0),
    ("罗", 1.0),
    ("包", 0.9),
    ("白", 0.8),
    ("宝", 0.6),
    ("韩", 0.8),
    ("于", 0.7),
    ("梁", 0.7),
    ("宋", 0.7),
    ("郑", 0.7),
    ("谢", 0.7),
    ("唐", 0.6),
    ("许", 0.6),
    ("冯", 0.6),
    ("邓", 0.6),
    ("曹", 0.6),
    ("彭", 0.5),
    ("曾", 0.5),
    ("肖", 0.5),
    ("田", 0.5),
    ("董", 0.5),
    ("袁", 0.5),
    ("潘", 0.5),
    ("蒋", 0.5),
    ("蔡", 0.5),
    ("余", 0.5),
    ("杜", 0.4),
    ("叶", 0.4),
    ("程", 0.4),
    ("苏", 0.4),
    ("魏", 0.4),
    ("吕", 0.4),
    ("丁", 0.4),
    ("任", 0.4),
    ("沈", 0.4),
    ("姚", 0.4),
    ("卢", 0.4),
    ("姜", 0.4),
    ("崔", 0.4),
    ("钟", 0.4),
    ("谭", 0.3),
    ("陆", 0.3),
    ("汪", 0.3),
    ("范", 0.3),
    ("金", 0.3),
    ("石", 0.3),
    ("廖", 0.3),
    ("贾", 0.3),
    ("夏", 0.3),
    ("韦", 0.3),
    ("付", 0.3),
    ("方", 0.3),
    ("邹", 0.3),
    ("孟", 0.3),
    ("熊", 0.3),
    ("秦", 0.3),
    ("邱", 0.3),
    ("江", 0.3),
    ("尹", 0.3),
    ("薛", 0.3),
    ("闫", 0.3),
    ("段", 0.3),
    ("雷", 0.3),
    ("侯", 0.3),
    ("龙", 0.3),
    ("史", 0.3),
    ("陶", 0.2),
    ("黎", 0.2),
    ("贺", 0.2),
    ("顾", 0.2),
    ("毛", 0.2),
    ("郝", 0.2),
    ("龚", 0.2),
    ("邵", 0.2),
    ("万", 0.2),
    ("钱", 0.2),
    ("严", 0.2),
    ("覃", 0.2),
    ("武", 0.2),
    ("戴", 0.2),
    ("莫", 0.2),
    ("孔", 0.2),
    ("向", 0.2),
    ("汤", 0.2),
    ("常", 0.2),
    ("欧阳", 0.05),
    ("乌兰", 0.1),
    ("那", 0.1),
    ("其他", 12.0),
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志宏海波鹏飞辉斌宇浩晨阳雪梅林峰亮龙春燕文"
)


def person_name(rnd):
    surname = rnd.choices(SURNAMES_NAMES, cum_weights=SURNAMES_CUMULATIVE)[0]
    if surname == "其他":
        surname = rnd.choice("巴乌图哈苏敖额那查")
    return surname + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2, 2))))


SURNAMES_NAMES = [s for s, _w in SURNAMES]
SURNAMES_CUMULATIVE = list(itertools.accumulate(w for _s, w in SURNAMES))
sys.path.insert(0, str(ROOT / "src"))


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--practitioners", type=int, default=5_000_000)
    parser.add_argument("--database-url", help="默认：临时目录中的 SQLite 文件")
    parser.add_argument("--requests", type=int, default=50, help="每个账号计时的请求数")
    parser.add_argument("--naive-requests", type=int, default=5, help="基线（逐次扫描台账）计时次数")
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--keep", action="store_true", help="保留生成的 SQLite 数据库（默认结束后删除）")
    return parser.parse_args()


def setup_django(args, workdir: Path):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinye.settings")
    os.environ["XINYE_VAR_DIR"] = str(workdir)
    os.environ["XINYE_DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["XINYE_DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "audit", interactive=False, verbosity=0)  # data migrations elsewhere are logged
    call_command("migrate", interactive=False, verbosity=0)


class Writer:
    """Raw INSERTs with executemany, in batches, every NOT NULL column filled."""

    def __init__(self, batch=20_000):
        from django.db import connection

        self.connection = connection
        self.batch = batch

    def insert(self, model, columns, rows):
        """Rows of `columns`; every other column gets its field's default ('' for text, NULL if nullable)."""
        from django.utils import timezone

        extra_cols, extra_vals = [], []
        for f in model._meta.concrete_fields:
            if f.column in columns or f.primary_key:
                continue
            if f.null:
                value = None
            elif f.has_default():
                value = f.get_default()
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = timezone.now()
            else:
                value = ""
            extra_cols.append(f.column)
            extra_vals.append(value)
        if extra_cols:
            columns = [*columns, *extra_cols]
            extra = tuple(extra_vals)
            rows = (tuple(r) + extra for r in rows)
        table = model._meta.db_table
        qn = self.connection.ops.quote_name
        sql = (
            f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        n = 0
        if self.connection.vendor == "postgresql":  # COPY: the fast bulk path of PostgreSQL
            copy_sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
            with self.connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
            return n
        with self.connection.cursor() as cursor:
            chunk = []
            for row in rows:
                chunk.append(row)
                if len(chunk) >= self.batch:
                    cursor.executemany(sql, chunk)
                    n += len(chunk)
                    chunk = []
            if chunk:
                cursor.executemany(sql, chunk)
                n += len(chunk)
        return n

    def reset_sequences(self, *models):
        from django.core.management.color import no_style

        statements = self.connection.ops.sequence_reset_sql(no_style(), list(models))
        with self.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def build_ledger(args):
    """Enterprises spread over the 53 offices (riders and couriers the largest), practitioners, ~3.4 % of them
    party members (350/10,381), organisations in ~17 % of enterprises (53/310, some joint), one liaison per
    enterprise and instructors for about a sixth (50 instructors and 179 liaisons per 310 enterprises)."""
    from django.db import transaction
    from django.utils import timezone

    from xinye.ledger.models import Enterprise, PartyMember, PartyOrganisation, Practitioner
    from xinye.orgs.models import Agent, OrgUnit, Responsibility

    rnd = random.Random(args.seed)
    now = timezone.now()
    w = Writer()
    offices = list(
        OrgUnit.objects.filter(kind="industry_office").values("id", "region_id", "industry", "path")
    )
    weight = {"delivery": 4, "express": 3, "logistics": 2, "freight": 1.5, "internet": 1}
    weights = [weight[o["industry"]] for o in offices]
    n_ent, n_prac = args.enterprises, args.practitioners
    started = time.monotonic()
    with transaction.atomic():
        ent_office = rnd.choices(range(len(offices)), weights=weights, k=n_ent)
        base_lat = {o["region_id"]: 43.0 + (int(o["region_id"]) % 97) * 0.05 for o in offices}

        def enterprises():
            for i in range(n_ent):
                o = offices[ent_office[i]]
                yield (
                    i + 1,
                    f"企业{i + 1}",
                    o["industry"],
                    "site",
                    o["region_id"],
                    o["id"],
                    "",
                    base_lat[o["region_id"]] + rnd.random() * 0.3,
                    122.0 + rnd.random() * 0.4,
                    "wgs84",
                    0,
                    "",
                    "",
                    "",
                    "",
                    True,
                    True,
                    now,
                    now,
                )

        w.insert(
            Enterprise,
            [
                "id",
                "name",
                "industry",
                "enterprise_type",
                "region_id",
                "unit_id",
                "address",
                "latitude",
                "longitude",
                "coord_source",
                "staff_count",
                "legal_representative",
                "contact_name",
                "contact_phone",
                "contact_phone_hash",
                "in_survey_scope",
                "is_active",
                "created_at",
                "updated_at",
            ],
            enterprises(),
        )
        member_every = 30  # ≈ 3.4 %
        prac_ent = [0] * (n_prac + 1)

        def practitioners():
            for i in range(1, n_prac + 1):
                e = rnd.randrange(n_ent)
                prac_ent[i] = e + 1
                o = offices[ent_office[e]]
                status = "full" if i % member_every == 0 else "masses"
                yield (
                    i,
                    person_name(rnd),
                    "",
                    f"bench-{i}",
                    "",
                    "",
                    "",
                    "",
                    "other",
                    status,
                    e + 1,
                    o["id"],
                    o["region_id"],
                    o["industry"],
                    now,
                    now,
                )

        w.insert(
            Practitioner,
            [
                "id",
                "name",
                "id_number",
                "id_hash",
                "phone",
                "phone_hash",
                "gender",
                "ethnicity",
                "occupation",
                "political_status",
                "enterprise_id",
                "unit_id",
                "region_id",
                "industry",
                "created_at",
                "updated_at",
            ],
            practitioners(),
        )

        def members():
            for i in range(member_every, n_prac + 1, member_every):
                e = prac_ent[i]
                o = offices[ent_office[e - 1]]
                yield (
                    i // member_every,
                    i,
                    o["id"],
                    o["region_id"],
                    o["industry"],
                    e,
                    i % 7 != 0,
                    "here",
                    "",
                    now,
                    now,
                )

        w.insert(
            PartyMember,
            [
                "id",
                "practitioner_id",
                "unit_id",
                "region_id",
                "industry",
                "enterprise_id",
                "is_full",
                "membership_held",
                "home_organisation",
                "created_at",
                "updated_at",
            ],
            members(),
        )
        # Organisations: ~17 % of enterprises; one in five of them a joint branch over 3 neighbours.
        first_unit = (OrgUnit.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        n_org = max(1, n_ent * 53 // 310)
        org_ents = rnd.sample(range(1, n_ent + 1), min(n_ent, n_org * 2))
        units, orgs, links = [], [], []
        pos = 0
        for k in range(n_org):
            unit_id = first_unit + k
            joint = k % 5 == 0
            covered = org_ents[pos : pos + (3 if joint else 1)]
            pos += len(covered)
            if not covered:
                break
            o = offices[ent_office[covered[0] - 1]]
            kind = "joint_branch" if joint else ("party_committee" if k == 1 else "branch")
            units.append(
                (
                    unit_id,
                    f"bench-org-{unit_id}",
                    f"党支部{unit_id}",
                    kind,
                    o["id"],
                    o["region_id"],
                    o["industry"],
                    f"{o['path']}{unit_id}/",
                    o["path"].count("/") - 1,
                    0,
                    True,
                    now,
                    now,
                )
            )
            orgs.append((k + 1, unit_id, o["region_id"], o["industry"], 3, False, now, now))
            links.extend((k + 1, e) for e in covered)
        w.insert(
            OrgUnit,
            [
                "id",
                "code",
                "name",
                "kind",
                "parent_id",
                "region_id",
                "industry",
                "path",
                "depth",
                "sort",
                "is_active",
                "created_at",
                "updated_at",
            ],
            units,
        )
        w.insert(
            PartyOrganisation,
            ["id", "unit_id", "region_id", "industry", "term_years", "is_online", "created_at", "updated_at"],
            orgs,
        )
        w.insert(PartyOrganisation.enterprises.through, ["partyorganisation_id", "enterprise_id"], links)
        # Agents: liaisons ≈ 179/310 of enterprises, instructors ≈ 50/310; every enterprise gets a liaison and
        # every sixth an instructor. Dispatched 分级分片: each covers a run of enterprises of one office (a run
        # that crosses into the next office places the person in two cells, as happens in the field).
        from django.contrib.contenttypes.models import ContentType

        ct = ContentType.objects.get_for_model(Enterprise).pk
        n_liaison, n_instructor = max(1, n_ent * 179 // 310), max(1, n_ent * 50 // 310)
        in_office_order = sorted(range(1, n_ent + 1), key=lambda e: ent_office[e - 1])
        agents, resp = [], []
        rid = 0
        for kind, count, first_id, covered in (
            ("liaison", n_liaison, 1, in_office_order),
            ("instructor", n_instructor, n_liaison + 1, in_office_order[::6]),
        ):
            for k in range(count):
                run = covered[k * len(covered) // count : (k + 1) * len(covered) // count]
                o = offices[ent_office[run[0] - 1]] if run else offices[k % len(offices)]
                agents.append(
                    (
                        first_id + k,
                        kind,
                        f"人员{first_id + k}",
                        "",
                        "",
                        o["id"],
                        o["region_id"],
                        o["industry"],
                        True,
                        now,
                    )
                )
                for e in run:
                    rid += 1
                    resp.append((rid, ct, e, kind, first_id + k, "", now))
        w.insert(
            Agent,
            [
                "id",
                "kind",
                "name",
                "phone",
                "phone_hash",
                "unit_id",
                "region_id",
                "industry",
                "is_active",
                "created_at",
            ],
            agents,
        )
        w.insert(
            Responsibility,
            ["id", "content_type_id", "object_id", "role", "agent_id", "note", "created_at"],
            resp,
        )
        w.reset_sequences(
            Enterprise, Practitioner, PartyMember, OrgUnit, PartyOrganisation, Agent, Responsibility
        )
    return time.monotonic() - started


def timed(fn, n):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95


def main():
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="xinye-coverage-bench-"))
    try:
        run(args, workdir)
    finally:
        if args.keep:
            print(f"数据库保留在 {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def build_world(args) -> None:
    """The benches' database: the demo's tree and accounts, `build_ledger`'s enterprises and practitioners,
    the coverage aggregates over them (as `xinye coverage-refresh` writes them) and fresh planner statistics."""
    from django.db import connection

    from xinye.core.context import actor_context
    from xinye.coverage import aggregates
    from xinye.demo import accounts as accounts_demo
    from xinye.demo import orgs as orgs_demo

    with actor_context(source="system", label="bench"):
        orgs_demo.load({})
        accounts_demo.load({})
    print(f"生成台账：{args.enterprises:,} 家企业，{args.practitioners:,} 名从业人员 …", flush=True)
    print(f"  原始 SQL 写入用时 {build_ledger(args):.1f} 秒", flush=True)
    t = time.monotonic()
    aggregates.refresh()
    print(f"  全量重算覆盖统计（coverage-refresh）用时 {time.monotonic() - t:.1f} 秒", flush=True)
    from xinye.guidance import pairs

    t = time.monotonic()
    count = pairs.rebuild()  # the raw SQL sent no signals: the stored (agent, enterprise) pairs
    print(
        f"  走访对象状态（guidance.pairs.rebuild）：{count:,} 对，用时 {time.monotonic() - t:.1f} 秒",
        flush=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def run(args, workdir: Path):
    setup_django(args, workdir)
    from django.db import connection
    from django.test import Client

    from xinye.accounts.models import User
    from xinye.accounts.permissions import system_actor
    from xinye.accounts.services import create_token
    from xinye.coverage import services

    print(f"数据库：{connection.vendor}（{connection.settings_dict['NAME']}）")
    build_world(args)

    print("")
    print(f"{'账号':<16}{'接口中位数':>12}{'接口 P95':>12}{'逐次扫描中位数':>16}{'倍数':>10}  企业/从业人员")
    for username in ("city_admin", "kerqin_admin"):
        user = User.objects.get(username=username)
        _, key = create_token(user, actor=system_actor("bench"))
        client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

        def call(client=client):
            response = client.get("/api/v1/stats/overview")
            assert response.status_code == 200, response.content
            return response

        figures = call().json()
        median, p95 = timed(call, args.requests)

        def naive(user=user):
            fresh = User.objects.get(pk=user.pk)  # a request's user: grants resolved anew
            return services.naive_overview(fresh)

        baseline = naive()
        for key in ("enterprises", "practitioners", "party_members", "instructors", "liaisons", "coverage"):
            assert baseline[key] == figures[key], (key, baseline[key], figures[key])
        naive_median, _ = timed(naive, args.naive_requests)
        print(
            f"{username:<16}{median:>10.1f}ms{p95:>10.1f}ms{naive_median:>14.1f}ms{naive_median / median:>9.1f}×  "
            f"{figures['enterprises']:,}/{figures['practitioners']:,}"
        )
    print("")
    print("目标：接口中位数 ≤ 100 ms。")
    connection.close()


if __name__ == "__main__":
    main()
