"""Benchmark: the monthly ranking of the 53 行业党建办 at province scale.

Builds a fresh SQLite database (or `--database-url` for PostgreSQL) with the 通辽 org tree, N enterprises
spread over the 53 offices, party organisations in ~17 % of them founded over five years (with their
placements and a month of meetings), and ten tasks per office due in the month (on time, late, open) — all
with raw bulk SQL (coverage_bench's writer). It then times `plans.ranking.compute` for a month that was never
published (the grouped queries), and `GET /api/v1/offices/ranking?month=…` for the city admin. The same-run
baseline is the per-office loop the ranking avoids: the same figures read with one set of queries per office.

    uv run python bench/plans_bench.py                          # 100,000 enterprises
    uv run python bench/plans_bench.py --enterprises 5000 --runs 5

Target: ≤ 200 ms median for a month's ranking.
"""

import argparse
import datetime
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from coverage_bench import Writer, setup_django  # noqa: E402  (the same database set-up and bulk writer)

MONTH = datetime.date(2026, 3, 1)


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--database-url", help="默认：临时目录中的 SQLite 文件")
    parser.add_argument("--runs", type=int, default=20, help="计时次数")
    parser.add_argument("--naive-runs", type=int, default=3, help="基线（逐个行业党建办查询）计时次数")
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--queries", action="store_true", help="列出一次排名的每条查询及耗时")
    return parser.parse_args()


def build(args):
    from django.db import transaction
    from django.utils import timezone

    from xinye.coverage.models import OrganisationPlacement
    from xinye.ledger.models import Enterprise, PartyOrganisation
    from xinye.orglife.models import Meeting
    from xinye.orgs.models import OrgUnit
    from xinye.plans.models import PlanTask

    rnd, now, w = random.Random(args.seed), timezone.now(), Writer()
    offices = list(
        OrgUnit.objects.filter(kind="industry_office").values("id", "region_id", "industry", "path")
    )
    city_wc = OrgUnit.objects.get(code="tl-lxgw").pk
    n = args.enterprises
    with transaction.atomic():
        ent_office = [rnd.randrange(len(offices)) for _ in range(n)]
        w.insert(
            Enterprise,
            ["id", "name", "industry", "region_id", "unit_id", "in_survey_scope", "is_active", "created_at"],
            (
                (
                    i + 1,
                    f"企业{i + 1}",
                    offices[o]["industry"],
                    offices[o]["region_id"],
                    offices[o]["id"],
                    True,
                    True,
                    now,
                )
                for i, o in enumerate(ent_office)
            ),
        )
        first_unit = OrgUnit.objects.order_by("-id").values_list("id", flat=True).first() + 1
        n_org = max(1, n * 53 // 310)
        covered = rnd.sample(range(1, n + 1), n_org)
        units, orgs, links, places, meetings = [], [], [], [], []
        for k, e in enumerate(covered):
            o = offices[ent_office[e - 1]]
            uid = first_unit + k
            units.append(
                (
                    uid,
                    f"b-org-{uid}",
                    f"党支部{uid}",
                    "branch",
                    o["id"],
                    o["region_id"],
                    o["industry"],
                    f"{o['path']}{uid}/",
                    3,
                    True,
                    now,
                    now,
                )
            )
            founded = datetime.date(2021, 3, 1) + datetime.timedelta(days=rnd.randrange(1900))
            orgs.append((k + 1, uid, o["region_id"], o["industry"], founded, 3, False, now, now))
            links.append((k + 1, e))
            places.append((k + 1, "branch", o["id"], o["region_id"], o["industry"]))
            if rnd.random() < 0.7:
                meetings.append(
                    (
                        k + 1,
                        uid,
                        o["region_id"],
                        o["industry"],
                        "committee_meeting",
                        MONTH + datetime.timedelta(days=rnd.randrange(28)),
                        "支委会",
                    )
                )
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
                "is_active",
                "created_at",
                "updated_at",
            ],
            units,
        )
        w.insert(
            PartyOrganisation,
            [
                "id",
                "unit_id",
                "region_id",
                "industry",
                "founded_on",
                "term_years",
                "is_online",
                "created_at",
                "updated_at",
            ],
            orgs,
        )
        w.insert(PartyOrganisation.enterprises.through, ["partyorganisation_id", "enterprise_id"], links)
        w.insert(
            OrganisationPlacement, ["organisation_id", "kind", "unit_id", "region_id", "industry"], places
        )
        w.insert(Meeting, ["id", "unit_id", "region_id", "industry", "kind", "date", "topic"], meetings)
        due = datetime.date(2026, 3, 20)
        tasks, tid = [], 0
        for o in offices:
            for _ in range(10):
                tid += 1
                r = rnd.random()
                status, done = (
                    ("done", due - datetime.timedelta(days=2))
                    if r < 0.7
                    else (("done", due + datetime.timedelta(days=3)) if r < 0.9 else ("signed", None))
                )
                tasks.append((tid, MONTH, f"任务{tid}", city_wc, o["id"], status, now, MONTH, due, done))
        w.insert(
            PlanTask,
            [
                "id",
                "month",
                "title",
                "issuer_id",
                "office_id",
                "status",
                "issued_at",
                "sign_due",
                "due_date",
                "finished_on",
            ],
            tasks,
        )
        w.reset_sequences(OrgUnit, Enterprise, PartyOrganisation, Meeting, PlanTask)
    return len(offices)


def naive(today):
    """The per-office loop: the same figures with a set of COUNT queries for each office."""
    from django.db.models import F, Q

    from xinye.coverage.models import OrganisationPlacement
    from xinye.ledger.models import Enterprise
    from xinye.orglife.models import Meeting
    from xinye.orgs.models import OrgUnit
    from xinye.plans.models import PlanTask
    from xinye.plans.ranking import month_bounds

    start, end = month_bounds(MONTH)
    out = {}
    for office in OrgUnit.objects.filter(kind="industry_office", is_active=True):
        tasks = PlanTask.objects.filter(office=office, due_date__range=(start, end))
        ents = Enterprise.objects.filter(unit=office, in_survey_scope=True, is_active=True)
        met = Meeting.objects.filter(
            date__range=(start, end), kind__in=("general_meeting", "committee_meeting")
        )
        out[office.pk] = (
            tasks.count(),
            tasks.filter(status="done", finished_on__lte=F("due_date")).count(),
            ents.count(),
            ents.filter(party_organisations__founded_on__lt=start).distinct().count(),
            ents.filter(party_organisations__founded_on__lte=end).distinct().count(),
            OrganisationPlacement.objects.filter(unit=office).count(),
            OrganisationPlacement.objects.filter(
                Q(unit=office), organisation_id__in=met.values("unit__party_organisation__id")
            ).count(),
        )
    return out


def _pass_second_factor(client, user):
    """The session passes the second factor as django-otp's own test helpers do (the demo's authenticator)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from xinye.accounts.permissions import system_actor
    from xinye.accounts.services import enrol_demo_device, otp_device, otp_required

    device = otp_device(user)
    if device is None and otp_required(user):
        device = enrol_demo_device(user, actor=system_actor("bench"))
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def timed(fn, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main():
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="xinye-plans-bench-"))
    try:
        setup_django(args, workdir)
        from django.test import Client
        from django.utils import timezone

        from xinye.accounts.models import User
        from xinye.core.context import actor_context
        from xinye.demo import accounts as accounts_demo
        from xinye.demo import orgs as orgs_demo
        from xinye.plans import ranking

        world: dict = {}
        with actor_context(source="system", label="bench"):
            orgs_demo.load(world)
            accounts_demo.load(world)
        started = time.monotonic()
        offices = build(args)
        from xinye.coverage import aggregates

        aggregates.refresh()  # the coverage aggregates the ranking reads, as `xinye coverage-refresh` keeps them
        print(
            f"built {args.enterprises:,} enterprises, {offices} offices in {time.monotonic() - started:.1f}s"
        )
        today = timezone.localdate()
        items = ranking.compute(MONTH, today)
        assert len(items) == offices, len(items)
        median = timed(lambda: ranking.compute(MONTH, today), args.runs)
        if args.queries:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                ranking.compute(MONTH, today)
            # run each again to its last row: SQLite computes while the rows are fetched
            for q in ctx.captured_queries:
                with connection.cursor() as cursor:
                    t = time.perf_counter()
                    cursor.execute(q["sql"])
                    cursor.fetchall()
                    print(f"  {(time.perf_counter() - t) * 1000:7.1f} ms  {q['sql'][:110]}")
        client = Client()
        admin = User.objects.get(username="city_admin")
        client.force_login(admin)
        _pass_second_factor(client, admin)  # a 市级管理员's console session needs its second factor
        url = f"/api/v1/offices/ranking?month={MONTH:%Y-%m}"
        assert client.get(url).json()["count"] == offices
        api = timed(lambda: client.get(url), args.runs)
        base = timed(lambda: naive(today), args.naive_runs)
        print(f"ranking of {offices} offices, {MONTH:%Y-%m} (not published): median {median:.1f} ms")
        print(f"GET {url} (city admin): median {api:.1f} ms")
        print(f"baseline (per-office queries): median {base:.1f} ms — ratio {base / median:.1f}× faster")
        print(f"target ≤ 200 ms: {'met' if median <= 200 else 'NOT met'}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
