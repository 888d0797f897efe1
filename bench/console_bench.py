"""Benchmark: the console pages people open first, on a province-sized ledger (issue 17, Performance).

Builds the same database as bench/coverage_bench.py (its `build_ledger`: N enterprises, M practitioners,
members, organisations, instructors and liaisons in the seed's proportions, raw bulk SQL, then the coverage
aggregates), with the demo's org tree and accounts (`city_admin`, `kerqin_admin` …), and times through
Django's test client (the real middleware, a logged-in session) the server time of:

  * 工作台 — the console home `/admin/` (headline, charts, every app's worklist cards), as usually viewed
    and on the first view after a write the kept card figures count (core.cards forgotten);
  * 从业人员 — the practitioners changelist, first page, default filters;
  * 搜索“张” — the same changelist searched for 张 (about 7 % of the bench's names, as of a real city's),
    for 张伟 (a common full name) and for 乌兰图雅 (no such person: the whole ledger must be ruled out);
  * 企业 — the enterprises changelist, first page;
  * 覆盖 — the coverage page `/admin/coverage/`.

Each page for `city_admin` and `kerqin_admin`: median and P95 over `--runs` requests (after one warm-up),
the number of SQL queries of one request, and the ratio to `/healthz` timed in the same process (the floor
of a request through the same middleware).

    uv run python bench/console_bench.py --enterprises 100000 --practitioners 1000000 \
        --database-url postgres://postgres@127.0.0.1:5432/perf_bench
    uv run python bench/console_bench.py --enterprises 2000 --practitioners 50000      # SQLite, quick

Target (issue 17): every page ≤ 300 ms median at 100,000 enterprises / 5,000,000 practitioners on PostgreSQL.
"""

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import coverage_bench  # noqa: E402  (bench/coverage_bench.py: the data set is the same)

PAGES = (
    ("工作台", "/admin/"),
    # the same page on the first view after a write its cards count (a visit recorded, an assignment): the
    # kept figures (core.cards) are forgotten before each request, as the write's signal does
    ("工作台（写入后）", "/admin/"),
    ("从业人员", "/admin/ledger/practitioner/"),
    ("搜索“张”", "/admin/ledger/practitioner/?q=%E5%BC%A0"),
    ("搜索“张伟”", "/admin/ledger/practitioner/?q=%E5%BC%A0%E4%BC%9F"),
    ("搜索“乌兰图雅”（无此人）", "/admin/ledger/practitioner/?q=%E4%B9%8C%E5%85%B0%E5%9B%BE%E9%9B%85"),
    ("企业", "/admin/ledger/enterprise/"),
    ("覆盖", "/admin/coverage/"),
)
USERS = ("city_admin", "kerqin_admin")


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--practitioners", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="默认：临时目录中的 SQLite 文件")
    parser.add_argument("--runs", type=int, default=15, help="每个页面每个账号计时的请求数")
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument(
        "--reuse", action="store_true", help="数据库已由上次运行生成（--database-url）：不再生成，直接计时"
    )
    parser.add_argument("--keep", action="store_true", help="保留生成的 SQLite 数据库（默认结束后删除）")
    return parser.parse_args()


def signed_in(client, user):
    """`client` signed in as `user` and past the second factor, as tests/accounts/otp.py does it (the session
    names the user's confirmed authenticator, enrolled as the demo enrols it when they have none)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from xinye.accounts.permissions import system_actor
    from xinye.accounts.services import enrol_demo_device, otp_device, otp_required

    client.force_login(user)
    device = otp_device(user)
    if device is None and otp_required(user):
        device = enrol_demo_device(user, actor=system_actor("bench"))
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def stored_health():
    """What `xinye tick` does once a day: orglife's stored health of every organisation (the 工作台's card
    reads it). Idempotent: nothing to do when today's rows are there."""
    from xinye.accounts.permissions import system_actor
    from xinye.orglife import services

    t = time.monotonic()
    result = services.tick(actor=system_actor("bench"))
    print(
        f"  党组织运转情况（xinye tick）：{result.assessed:,} 个，用时 {time.monotonic() - t:.1f} 秒",
        flush=True,
    )


def run(args, workdir: Path):
    if args.reuse:
        import os

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinye.settings")
        os.environ["XINYE_VAR_DIR"] = str(workdir)
        os.environ["XINYE_DATABASE_URL"] = args.database_url
        os.environ["XINYE_DEBUG"] = "0"
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
    else:
        coverage_bench.setup_django(args, workdir)
    from django.db import connection
    from django.test import Client

    from xinye.accounts.models import User
    from xinye.core import cards

    print(f"数据库：{connection.vendor}（{connection.settings_dict['NAME']}）")
    if not args.reuse:
        coverage_bench.build_world(args)
    stored_health()

    floor_client = Client()
    floor_client.get("/healthz")  # warm-up: the first request of a process loads the URLconf and middleware
    floor, _ = coverage_bench.timed(lambda: floor_client.get("/healthz"), args.runs)
    print(f"\n基线 /healthz 中位数 {floor:.1f} ms\n")
    print(f"{'页面':<10}{'账号':<14}{'中位数':>10}{'P95':>10}{'查询数':>8}{'倍数':>10}")
    results = {}
    for label, url in PAGES:
        for username in USERS:
            client = signed_in(Client(), User.objects.get(username=username))

            fresh = label.endswith("（写入后）")

            def get(client=client, url=url, fresh=fresh):
                if fresh:
                    cards.forget_all()
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                return response

            queries = []

            def count(execute, sql, params, many, context, queries=queries):
                queries.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                get()  # warm-up, and the query count of one request
            median, p95 = coverage_bench.timed(get, args.runs)
            results[(label, username)] = median
            print(
                f"{label:<10}{username:<14}{median:>8.1f}ms{p95:>8.1f}ms{len(queries):>8}{median / floor:>9.1f}×",
                flush=True,
            )
    worst = max(results.values())
    print(
        f"\n目标：每个页面中位数 ≤ 300 ms；最慢 {worst:.1f} ms{'（达标）' if worst <= 300 else '（未达标）'}"
    )
    connection.close()


def main():
    args = parse_args()
    if args.reuse and not args.database_url:
        sys.exit("--reuse 需要 --database-url")
    workdir = Path(tempfile.mkdtemp(prefix="xinye-console-bench-"))
    try:
        run(args, workdir)
    finally:
        if args.keep:
            print(f"数据库保留在 {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
