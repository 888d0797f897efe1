"""Benchmark: GET /api/v1/stats/grades (空白点/实心点/闪光点 counts) on a province-sized ledger.

Builds the same province-scale ledger as `bench/coverage_bench.py` (its builder, raw bulk SQL: N enterprises,
members, organisations in ~17 % of them, instructors and liaisons), rebuilds the coverage aggregates, writes
each organisation's standing (a health score 40–100 and 0–2 distinctions: what `grading.services.refresh`
keeps, the cache the counts join), then times the endpoint through Django's test client for a city admin and
a county admin. As a same-run baseline it times the obvious implementation: load every visible enterprise's
coverage row and its organisation's standing and grade each one with `grading.engine` in Python; the figures
must agree, and the ratio is printed.

    uv run python bench/grading_bench.py                          # 100,000 enterprises
    uv run python bench/grading_bench.py --enterprises 5000 --practitioners 100000
    uv run python bench/grading_bench.py --database-url postgres://user@/xinye_bench

Target: ≤ 200 ms median for the endpoint.
"""

import argparse
import json
import random
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import coverage_bench  # noqa: E402 — the province-scale ledger builder, shared


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument(
        "--practitioners", type=int, default=1_000_000, help="从业人员（不影响等次计数，默认少于覆盖基准）"
    )
    parser.add_argument("--database-url", help="默认：临时目录中的 SQLite 文件")
    parser.add_argument("--requests", type=int, default=30, help="每个账号计时的请求数")
    parser.add_argument("--naive-requests", type=int, default=3, help="基线（逐企业评定）计时次数")
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--keep", action="store_true", help="保留生成的 SQLite 数据库（默认结束后删除）")
    return parser.parse_args()


def write_standings(seed: int) -> int:
    from django.utils import timezone

    from xinye.grading.models import OrganisationStanding
    from xinye.ledger.models import PartyOrganisation

    rnd = random.Random(seed)
    today = timezone.localdate()
    w = coverage_bench.Writer()

    def rows():
        for org_id in PartyOrganisation.objects.values_list("pk", flat=True).iterator():
            names = rnd.sample(["volunteer_hours", "members_developed"], k=rnd.choice((0, 0, 0, 1, 2)))
            score = rnd.randint(40, 100)
            yield (
                org_id,
                score,
                score >= 70,
                json.dumps(names),
                len(names),
                "",
                today,
            )

    return w.insert(
        OrganisationStanding,
        ["organisation_id", "score", "normal", "distinctions", "distinction_count", "period", "assessed_on"],
        rows(),
    )


def naive_counts(user) -> dict:
    """Every visible enterprise and organisation graded one by one in Python (the same-run baseline)."""
    from xinye.accounts.permissions import restrict
    from xinye.coverage.models import EnterpriseCoverage, OrganisationPlacement
    from xinye.grading import engine, services
    from xinye.grading.models import OrganisationStanding

    table = services.table()
    standing = {
        s[0]: s[1:]
        for s in OrganisationStanding.objects.values_list("organisation_id", "score", "distinction_count")
    }
    out = dict.fromkeys(services.GRADES, 0)
    rows = restrict(EnterpriseCoverage.objects.filter(in_scope=True), user, "view").values_list(
        "status", "organisation_id"
    )
    for status, org_id in rows.iterator():
        score, n = standing.get(org_id, (None, 0)) if status != "work" else (None, 0)
        out[engine.grade_enterprise(status, score, ["x"] * n, table)[0]] += 1
    orgs = dict.fromkeys(services.GRADES, 0)
    placed = restrict(OrganisationPlacement.objects.exclude(kind="party_group"), user, "view")
    for org_id in placed.values_list("organisation_id", flat=True).iterator():
        score, n = standing.get(org_id, (None, 0))
        orgs[engine.grade_organisation(score, ["x"] * n, table)[0]] += 1
    return {
        **{str(g): out[g] for g in services.GRADES},
        "organisations": {str(g): orgs[g] for g in services.GRADES},
    }


def run(args, workdir: Path):
    coverage_bench.setup_django(args, workdir)
    from django.db import connection
    from django.test import Client

    from xinye.accounts.models import User
    from xinye.accounts.permissions import system_actor
    from xinye.accounts.services import create_token

    print(f"数据库：{connection.vendor}（{connection.settings_dict['NAME']}）")
    coverage_bench.build_world(args)
    print(f"  写入党组织评定依据 {write_standings(args.seed):,} 条")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    print("")
    print(
        f"{'账号':<16}{'接口中位数':>12}{'接口 P95':>12}{'逐企业评定中位数':>18}{'倍数':>10}  空白/实心/闪光（企业）"
    )
    for username in ("city_admin", "kerqin_admin"):
        user = User.objects.get(username=username)
        _, key = create_token(user, actor=system_actor("bench"))
        client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

        def call(client=client):
            response = client.get("/api/v1/stats/grades")
            assert response.status_code == 200, response.content
            return response

        grades = call().json()
        overview = client.get("/api/v1/stats/overview").json()
        assert grades["blank"] + grades["solid"] + grades["shining"] == overview["enterprises"]
        assert sum(grades["organisations"].values()) == overview["party_organisations"]["total"]
        median, p95 = coverage_bench.timed(call, args.requests)

        def naive(user=user):
            return naive_counts(User.objects.get(pk=user.pk))

        baseline = naive()
        assert baseline == {k: grades[k] for k in baseline}, (baseline, grades)
        naive_median, _ = coverage_bench.timed(naive, args.naive_requests)
        print(
            f"{username:<16}{median:>10.1f}ms{p95:>10.1f}ms{naive_median:>16.1f}ms{naive_median / median:>9.1f}×  "
            f"{grades['blank']:,}/{grades['solid']:,}/{grades['shining']:,}"
        )
    print("")
    print("目标：接口中位数 ≤ 200 ms。")
    connection.close()


def main():
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="xinye-grading-bench-"))
    try:
        run(args, workdir)
    finally:
        if args.keep:
            print(f"数据库保留在 {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
