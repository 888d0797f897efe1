"""Benchmark: the statistics workbook and the Word briefing on a province-sized ledger.

Builds the same database as bench/coverage_bench.py (its `build_ledger`: N enterprises, M practitioners,
members, organisations, instructors and liaisons in the seed's proportions, raw bulk SQL, then the coverage
aggregates), and times `xinye report statistics` and `xinye report briefing` (the services the CLI calls)
for the whole city and for 科尔沁区. As a same-run baseline it times one naive scan of the ledger for the
same scope (`coverage.services.naive_overview`) and prints each report's time as a multiple of it.

    uv run python bench/reports_bench.py                      # 100,000 enterprises, 5,000,000 practitioners
    uv run python bench/reports_bench.py --enterprises 20000 --practitioners 500000
    uv run python bench/reports_bench.py --database-url postgres://postgres@127.0.0.1/xinye_reports_bench

Targets (issue 17): workbook ≤ 10 s, briefing ≤ 5 s at 100,000 enterprises / 5,000,000 practitioners on
PostgreSQL.
"""

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import coverage_bench  # noqa: E402  (bench/coverage_bench.py: the data set is the same)


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--practitioners", type=int, default=5_000_000)
    parser.add_argument("--database-url", help="默认：临时目录中的 SQLite 文件")
    parser.add_argument("--runs", type=int, default=3, help="每项计时次数（取中位数）")
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--keep", action="store_true", help="保留生成的 SQLite 数据库（默认结束后删除）")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="数据库已由 console_bench.py / 上次运行生成（--database-url）：不再生成，直接计时",
    )
    return parser.parse_args()


def median_seconds(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return times[len(times) // 2]


def run(args, workdir: Path):
    coverage_bench.setup_django(args, workdir)
    from django.db import connection

    from xinye.accounts.models import User
    from xinye.accounts.permissions import system_actor
    from xinye.coverage import services
    from xinye.reports import services as reports
    from xinye.reports.context import parse_period, resolve_scope

    print(f"数据库：{connection.vendor}（{connection.settings_dict['NAME']}）")
    if args.reuse:
        from xinye.ledger.models import Enterprise, Practitioner

        print(
            f"沿用已有台账：{Enterprise.objects.count():,} 家企业，{Practitioner.objects.count():,} 名从业人员"
        )
    else:
        coverage_bench.build_world(args)

    actor = system_actor("bench")
    period = parse_period(None)
    print("")
    print(
        f"{'范围':<12}{'统计报表':>10}{'工作简报':>10}{'基线(扫描台账一次)':>20}{'报表倍数':>10}{'简报倍数':>10}"
    )
    for label, code, username in (("全市", "", "city_admin"), ("科尔沁区", "lxgw-kerqin", "kerqin_admin")):
        scope = resolve_scope(actor, code)
        with tempfile.TemporaryDirectory() as out:
            workbook = median_seconds(
                lambda scope=scope, out=out: reports.export_statistics(
                    f"{out}/s.xlsx", scope, period, actor=actor
                ),
                args.runs,
            )
            briefing = median_seconds(
                lambda scope=scope, out=out: reports.export_briefing(
                    f"{out}/b.docx", scope, period, actor=actor
                ),
                args.runs,
            )
        user = User.objects.get(username=username)
        baseline = median_seconds(
            lambda user=user: services.naive_overview(User.objects.get(pk=user.pk)), args.runs
        )
        print(
            f"{label:<12}{workbook:>9.2f}s{briefing:>9.2f}s{baseline:>19.2f}s"
            f"{workbook / baseline:>9.1f}×{briefing / baseline:>9.1f}×"
        )
    print("")
    print("目标：统计报表 ≤ 10 秒，工作简报 ≤ 5 秒（100,000 家企业 / 5,000,000 名从业人员，PostgreSQL）。")
    connection.close()


def main():
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="xinye-reports-bench-"))
    try:
        run(args, workdir)
    finally:
        if args.keep:
            print(f"数据库保留在 {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
