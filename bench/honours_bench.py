"""Campaigns benchmark: the public vote under load and the results of a campaign with 1,000,000 votes,
measured in one run against the minimal JSON view (/healthz), as bench/portal_bench.py does.

    uv run python bench/honours_bench.py                          # defaults below
    uv run python bench/honours_bench.py --seconds 10 --phones 5000 --votes 1000000

It builds a temporary SQLite database (demo org structure, a 外卖骑手 committee's campaign in 公众投票,
`--phones` signed-in, consenting workers with portal sessions), starts gunicorn (2 sync workers) on
loopback under the production settings (portal_bench_settings.py) and measures:
  - /healthz, the baseline;
  - POST /m/campaigns/nominees/<id>/vote/ by signed-in phones at `--connections` connections (wrk when
    installed): each request a new (phone, nominee) pair within the daily limit, answered by the redirect
    back to the nominee; req/s, errors, ratio to the baseline, server CPU per request; afterwards the stored
    tallies must add up to the vote rows;
  - 20 concurrent identical votes (one phone, one nominee, both server processes) → one vote row, tally 1;
  - `--phones` phones each voting once (limit 1 a day) in a second campaign → tally = votes accepted =
    phones;
then, in process, loads `--votes` vote rows into a third campaign (bulk, with the tallies set from them, as
the vote path keeps them) and times `GET /api/v1/campaigns/{id}/results` (median, p95) against the indexed
aggregate over the vote rows (COUNT … GROUP BY nominee) that a tally-less design would run.
Targets (issue 14): vote ≥ 0.1× the minimal view with 0 errors at 50 connections; results ≤ 50 ms median.
"""

import argparse
import http.client
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from portal_bench import (  # noqa: E402 - the shared machinery of the portal bench
    BENCH_DIR,
    HOST,
    ROOT,
    WRK_LUA,
    _lua_headers,
    _lua_list,
    cpu_seconds,
    free_port,
    make_sessions,
    proxy_headers,
    run_load,
    run_wrk,
    setup_django,
    wait_ready,
    worker_pids,
    wrk_script,
)


def load_structure() -> dict:
    from xinye.core.context import actor_context
    from xinye.demo import accounts as accounts_demo
    from xinye.demo import orgs as orgs_demo

    world: dict = {}
    with actor_context(source="system", label="bench"):
        orgs_demo.load(world)
        accounts_demo.load(world)
    return world


def make_campaign(world, title: str, *, nominees: int, votes_per_day: int):
    """A 外卖骑手 campaign in 公众投票 with `nominees` approved nominees (practitioners in the ledger)."""
    import datetime

    from django.utils import timezone

    from xinye.honours.choices import NominationSource, NomineeStatus, Stage
    from xinye.honours.models import Campaign, Nominee
    from xinye.ledger.models import Enterprise, Practitioner

    today = timezone.localdate()
    import random

    from xinye.demo.ledger import uscc_for
    from xinye.orgs.models import OrgUnit

    office = OrgUnit.objects.filter(kind="industry_office", industry="delivery").order_by("code").first()
    committee = OrgUnit.objects.get(code="hydw-delivery")
    campaign = Campaign.objects.create(
        kind="best_rider",
        title=title,
        year=today.year,
        industry="delivery",
        unit=committee,
        quota=10,
        nominate_until=today - datetime.timedelta(days=20),
        review_until=today - datetime.timedelta(days=6),
        vote_until=today + datetime.timedelta(days=8),
        publicise_until=today + datetime.timedelta(days=15),
        votes_per_day=votes_per_day,
        stage=Stage.VOTING,
    )
    enterprise = Enterprise.objects.filter(unit=office).first() or Enterprise.objects.create(
        name="压测配送站",
        uscc=uscc_for(random.Random(14), "150502"),
        industry="delivery",
        region=office.region,
        unit=office,
        contact_phone="13900000000",
    )
    rows, base = [], Practitioner.objects.count()
    for i in range(nominees):
        person = Practitioner(
            name=f"候选{i}",
            id_number=_id(base + i),
            phone=f"1380000{base + i:04d}",
            enterprise=enterprise,
        )
        person.save()
        rows.append(
            Nominee.objects.create(
                campaign=campaign,
                practitioner=person,
                name=person.name,
                enterprise_name=enterprise.name,
                region_id=person.region_id,
                industry="delivery",
                story="压测",
                source=NominationSource.UNIT,
                status=NomineeStatus.APPROVED,
            )
        )
    return campaign, rows


def _id(n: int) -> str:
    """A valid resident ID number, one birth day per n (unique)."""
    import datetime

    from stdnum.cn import ric

    body = f"150502{datetime.date(1970, 1, 1) + datetime.timedelta(days=n):%Y%m%d}001"
    return body + ric.calc_check_digit(body + "0")


def vote_script(port, sessions, nominee_ids, threads) -> str:
    """wrk: request k (over all wrk threads) votes with phone k mod P for nominee (k div P) mod N — every
    (phone, nominee) pair once, within the daily limit of N votes."""
    return (
        WRK_LUA
        + f"local keys = {_lua_list(s[0] for s in sessions)}\nlocal secrets = {_lua_list(s[1] for s in sessions)}\n"
        + f"local ids = {_lua_list(nominee_ids)}\nlocal base = {_lua_headers(proxy_headers(port, form=True))}\n"
        + f"local nthreads = {threads}\n"
        + r"""
function request()
  local k = n * nthreads + (tid - 1)
  n = n + 1
  local i = (k % #keys) + 1
  local j = (math.floor(k / #keys) % #ids) + 1
  local headers = {}
  for key, v in pairs(base) do headers[key] = v end
  headers["Cookie"] = "sessionid=" .. keys[i] .. "; csrftoken=" .. secrets[i]
  return wrk.format("POST", "/m/campaigns/nominees/" .. ids[j] .. "/vote/", headers, "csrfmiddlewaretoken=" .. secrets[i])
end
"""
    )


def post_vote(port, session, nominee_id) -> int:
    session_key, csrf = session
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {**proxy_headers(port, form=True), "Cookie": f"sessionid={session_key}; csrftoken={csrf}"}
    conn.request(
        "POST",
        f"/m/campaigns/nominees/{nominee_id}/vote/",
        body=f"csrfmiddlewaretoken={csrf}",
        headers=headers,
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def identical_votes(port, session, nominee_id, count=20) -> dict:
    barrier = threading.Barrier(count)
    statuses, lock = {}, threading.Lock()

    def run():
        barrier.wait()
        status = post_vote(port, session, nominee_id)
        with lock:
            statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return statuses


def each_phone_once(port, sessions, nominee_ids, connections=50) -> tuple[int, int]:
    """Every phone votes once (a random nominee) from `connections` threads; returns (302s, other)."""
    import random

    rng = random.Random(14)
    jobs = [(s, rng.choice(nominee_ids)) for s in sessions]
    lock = threading.Lock()
    counts = [0, 0]

    def run():
        while True:
            with lock:
                if not jobs:
                    return
                session, nominee_id = jobs.pop()
            status = post_vote(port, session, nominee_id)
            with lock:
                counts[0 if status == 302 else 1] += 1

    threads = [threading.Thread(target=run) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(600)
    return counts[0], counts[1]


def tally_matches(campaign) -> tuple[int, int]:
    from django.db.models import Sum

    from xinye.honours.models import Nominee, Vote

    tally = Nominee.objects.filter(campaign=campaign).aggregate(s=Sum("votes"))["s"] or 0
    return tally, Vote.objects.filter(campaign=campaign).count()


def results_bench(world, votes: int, repeats: int) -> dict:
    """`votes` vote rows over 50 nominees (bulk; tallies set from them), then the results endpoint timed
    in process, against the indexed aggregate over the vote rows."""
    import datetime
    import random

    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from xinye.accounts.models import User
    from xinye.honours.models import Nominee, Vote
    from xinye.workers.models import Worker

    campaign, nominees = make_campaign(world, "百万票评选", nominees=50, votes_per_day=10**6)
    worker_ids = list(Worker.objects.values_list("pk", flat=True))
    rng = random.Random(1)
    started = time.monotonic()
    day0 = campaign.review_until
    batch, per_nominee = [], {n.pk: 0 for n in nominees}
    # one row per (worker, nominee, day): spread over days so the unique rule holds
    for k in range(votes):
        nominee = nominees[rng.randrange(len(nominees))]
        per_nominee[nominee.pk] += 1
        batch.append(
            Vote(
                campaign=campaign,
                nominee=nominee,
                worker_id=worker_ids[k % len(worker_ids)],
                day=day0 - datetime.timedelta(days=k // len(worker_ids)),
                ip="10.0.0.1",
                flag="",
            )
        )
        if len(batch) == 20000:
            Vote.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Vote.objects.bulk_create(batch, ignore_conflicts=True)
    for row in Vote.objects.filter(campaign=campaign).values("nominee").annotate(c=Count("pk")):
        Nominee.objects.filter(pk=row["nominee"]).update(votes=row["c"])  # as the vote path keeps them
    loaded = Vote.objects.filter(campaign=campaign).count()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    load_s = time.monotonic() - started
    client = Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")
    client.force_login(User.objects.get(username="rider_committee_admin"))
    url = f"/api/v1/campaigns/{campaign.pk}/results"
    first = client.get(url, secure=True)
    assert first.status_code == 200, (first.status_code, first.content[:300])
    timings = []
    for _ in range(repeats):
        t = time.perf_counter()
        response = client.get(url, secure=True)
        timings.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
    minimal = []
    for _ in range(repeats):
        t = time.perf_counter()
        client.get("/healthz", secure=True)
        minimal.append((time.perf_counter() - t) * 1000)
    aggregate = []
    for _ in range(max(3, repeats // 20)):
        t = time.perf_counter()
        list(
            Vote.objects.filter(campaign=campaign, voided=False)
            .values("nominee")
            .annotate(c=Count("pk"))
            .order_by("-c")
        )
        aggregate.append((time.perf_counter() - t) * 1000)
    items = response.json()["items"]
    return {
        "loaded": loaded,
        "load_s": load_s,
        "median": statistics.median(timings),
        "p95": sorted(timings)[int(len(timings) * 0.95) - 1],
        "aggregate_median": statistics.median(aggregate),
        "minimal_median": statistics.median(minimal),
        "sorted": all(a["votes"] >= b["votes"] for a, b in zip(items, items[1:], strict=False)),
        "sum_matches": sum(i["votes"] for i in items) == loaded,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--phones", type=int, default=5000)
    parser.add_argument("--nominees", type=int, default=40)
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--wrk-threads", type=int, default=1)
    args = parser.parse_args()
    use_wrk = bool(shutil.which("wrk"))
    tmp = Path(tempfile.mkdtemp(prefix="xinye-honours-bench-"))
    try:
        setup_django(tmp, static=True)
        print(f"准备数据：组织结构 + {args.phones} 个登录手机号 …", flush=True)
        world = load_structure()
        t = time.monotonic()
        sessions = make_sessions(world, args.phones)
        print(f"  sessions in {time.monotonic() - t:.0f}s", flush=True)
        busy, busy_nominees = make_campaign(
            world, "压测：最美骑手", nominees=args.nominees, votes_per_day=args.nominees
        )
        once, once_nominees = make_campaign(world, "压测：每号一票", nominees=10, votes_per_day=1)
        from django.db import connections

        connections.close_all()
        port = free_port()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(BENCH_DIR), str(ROOT / "src"), env.get("PYTHONPATH", "")])
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "xinye.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            "sync",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
            "--keep-alive",
            "5",
        ]
        server = subprocess.Popen(cmd, env=env, cwd=str(tmp), start_new_session=True)
        try:
            wait_ready(port)
            ids = [n.pk for n in busy_nominees]

            def get_factory(i):
                return lambda: ("GET", "/healthz", None, proxy_headers(port))

            run_load(port, get_factory, connections=4, seconds=2, max_requests=50)
            # warm the vote route in each worker with pairs the measured run will not reach
            warm = sessions[-8:]
            for s in warm:
                post_vote(port, s, ids[-1])
            pids = worker_pids(server.pid)
            rows = []
            scenarios = [
                (
                    "healthz",
                    "minimal JSON view (/healthz)",
                    wrk_script("get", port, paths=["/healthz"]),
                    (200,),
                ),
                (
                    "vote",
                    "vote (portal POST, signed in)",
                    vote_script(port, sessions[:-8], ids[:-1], args.wrk_threads),
                    (302,),
                ),
            ]
            for key, name, script, expect in scenarios:
                cpu_before = cpu_seconds(pids)
                if use_wrk:
                    rps, result = run_wrk(
                        port,
                        script,
                        tmp,
                        connections=args.connections,
                        seconds=args.seconds,
                        threads=args.wrk_threads,
                        expect=expect,
                    )
                else:
                    raise SystemExit("wrk is required for this bench (Debian: apt-get install wrk)")
                served = max(1, result.ok + result.errors)
                rows.append((key, name, rps, result, (cpu_seconds(pids) - cpu_before) * 1000 / served))
            time.sleep(1)  # the requests in flight when wrk stopped
            busy_tally = tally_matches(busy)
            same = identical_votes(port, sessions[0], once_nominees[0].pk)
            from xinye.honours.models import Vote

            same_rows = Vote.objects.filter(nominee=once_nominees[0]).count()
            same_tally = type(once_nominees[0]).objects.get(pk=once_nominees[0].pk).votes
            t = time.monotonic()
            accepted, other = each_phone_once(port, sessions[1:], [n.pk for n in once_nominees])
            once_s = time.monotonic() - t
            once_tally = tally_matches(once)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)
        baseline = rows[0][2]
        print()
        print(
            f"gunicorn {args.workers} sync workers, {args.connections} connections, {round(args.seconds)}s per scenario, wrk"
        )
        print(
            f"{'scenario':<36}{'req/s':>10}{'ok':>9}{'errors':>8}{'× minimal':>11}{'CPU ms/req':>12}  statuses"
        )
        for _key, name, rps, result, cpu_ms in rows:
            print(
                f"{name:<36}{rps:>10.0f}{result.ok:>9}{result.errors:>8}{rps / baseline:>11.2f}{cpu_ms:>12.2f}"
                f"  {dict(sorted(result.statuses.items()))}"
            )
        vote_row = rows[1]
        met = vote_row[2] / baseline >= 0.1 and vote_row[3].errors == 0
        print(f"target vote: ≥ 0.1× the minimal view, 0 errors — {'met' if met else 'NOT met'}")
        print(
            f"vote load: tally {busy_tally[0]} = vote rows {busy_tally[1]} — {'yes' if busy_tally[0] == busy_tally[1] else 'NO'}"
            f" ({vote_row[3].ok} answered + up to {args.connections} in flight when wrk stopped)"
        )
        print(f"20 concurrent identical votes: {same_rows} vote row(s), tally {same_tally}, statuses {same}")
        print(
            f"{len(sessions) - 1} phones voting once each (limit 1 a day): {accepted} accepted (302), {other} other, "
            f"tally {once_tally[0]} = vote rows {once_tally[1]} — "
            f"{'yes' if once_tally[0] == once_tally[1] == accepted + same_rows else 'see figures'} ({once_s:.0f}s)"
        )
        print(f"\n{args.votes:,} votes into one campaign …", flush=True)
        figures = results_bench(world, args.votes, args.repeats)
        print(f"loaded {figures['loaded']:,} vote rows in {figures['load_s']:.0f}s")
        print(
            f"GET /api/v1/campaigns/{{id}}/results: median {figures['median']:.2f} ms, p95 {figures['p95']:.2f} ms "
            f"(stored tally); indexed aggregate over the votes: median {figures['aggregate_median']:.1f} ms; "
            f"sorted {figures['sorted']}, sums to the votes {figures['sum_matches']}; "
            f"/healthz through the same in-process client: median {figures['minimal_median']:.2f} ms"
        )
        print(f"target results ≤ 50 ms median — {'met' if figures['median'] <= 50 else 'NOT met'}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
