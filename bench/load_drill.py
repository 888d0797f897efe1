"""Load and fault drill (issue 18 item 7): a mixed load against gunicorn on PostgreSQL, loopback only, bounded
in time, with one fault injected mid-run; exits non-zero when a rule breaks.

    uv run --frozen python bench/load_drill.py                          # 10 minutes, 50 connections, no fault
    uv run --frozen python bench/load_drill.py --seconds 120 --fault sms
    uv run --frozen python bench/load_drill.py --seconds 120 --fault redis
    uv run --frozen python bench/load_drill.py --seconds 120 --fault postgres

Everything the drill runs is its own, in a temporary directory, and removed afterwards: a PostgreSQL
cluster (initdb + pg_ctl, as the `postgres` system user, on a free port — the machine's shared server is
never touched), a redis-server on a free port (cache and sessions, as production has them: cached_db), and
`gunicorn xinye.wsgi` with --workers sync workers under load_drill_settings.py (production settings). Data:
the demo org structure, accounts and 350 stations, one portal session per connection and a console session
of a county administrator (past the second factor).

The load: --connections threads (Python, one keep-alive connection each) pick at random among
  nearest-stations API · portal home · station page · signed-in "我的" page · console list (appeals) ·
  appeal submission · hazard report · station check-in · sign-in code request (a new phone each time)
Every submission carries a fresh idempotency key (check-ins: one worker, one station, one day), and the
drill remembers which were accepted (the redirect to the new appeal/report, the station page).

Faults (--fault, at --fault-at seconds, for --outage seconds):
  sms       the SMS gateway times out (portal/sms.py DrillBackend, 2-second timeout): codes queue, the
            sign-in page says so; afterwards `xinye tick` sends the queue — every queued code is sent once.
  redis     the drill's redis-server is shut down, then started again: sessions fall back to the database,
            nobody is signed out, nothing fails.
  postgres  the drill's PostgreSQL is stopped (pg_ctl stop -m fast: open transactions are cut), then started
            again: requests fail fast (503, Chinese text, JSON `detail` on the API), and the servers recover
            by themselves.

Rules checked (exit 1 if any breaks):
  - no request failed outside the outage (every status the expected one; no connection error), and with
    --fault redis or sms not even during it;
  - during a database outage every failure is a 503 carrying the Chinese message, answered within
    --fail-fast seconds; no connection error; 2xx/3xx again within --recover seconds of the database's return;
  - submissions: after the load, each submission that got no accepted answer is sent once more with the same
    key (what the browser's retry does); then rows == accepted keys exactly (none lost, none duplicated),
    and every appeal has its first event (nothing half-written);
  - signed-in sessions: every worker session still opens "我的" after the run (nobody signed out);
  - SMS: every code queued while the gateway was down was sent exactly once after it came back.
The load generator runs on the same 2 cores as the servers and the database; the CPU of each is printed
(other helpers' work on a shared machine shows as lower throughput, not as errors).
"""

import argparse
import http.client
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from portal_bench import (  # noqa: E402 - the shared bench pieces, next to this file
    HOST,
    KERQIN,
    ROOT,
    cpu_seconds,
    free_port,
    load_structure,
    make_sessions,
    proxy_headers,
    wait_ready,
    worker_pids,
)

PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)
OUTAGE_TEXT = "数据库暂时无法连接"
MIX = {  # weights of the mixed load
    "nearest": 20,
    "home": 8,
    "station": 20,
    "mine": 8,
    "console": 8,
    "appeal": 12,
    "hazard": 8,
    "checkin": 12,
    "sms": 4,
}
ACCEPTED = {  # what an accepted answer looks like: status, and where a redirect points
    "nearest": (200, None),
    "home": (200, None),
    "station": (200, None),
    "mine": (200, None),
    "console": (200, None),
    "appeal": (302, re.compile(r"/m/my/appeals/\d+/$")),
    "hazard": (302, re.compile(r"/m/my/reports/\d+/$")),
    "checkin": (302, re.compile(r"/m/s/[\w-]+/$")),
    "sms": (200, None),
}


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs)  # noqa: S603


# --- the drill's own PostgreSQL and Redis ---------------------------------------------------------------


class OwnPostgres:
    """A throwaway cluster in `tmp`, run as the `postgres` system user (initdb refuses root)."""

    def __init__(self, tmp: Path):
        if PG_BIN is None:
            raise SystemExit("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin")
        self.dir = tmp / "pg"
        self.dir.mkdir()
        shutil.chown(self.dir, "postgres", "postgres")
        self.port = free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"]
        run(
            [
                *self.as_postgres,
                str(PG_BIN / "initdb"),
                "-D",
                str(self.dir / "data"),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )
        self.start()
        run([str(PG_BIN / "createdb"), "-h", HOST, "-p", str(self.port), "-U", "postgres", "drills_load"])

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/drills_load"

    def start(self):
        options = f"-p {self.port} -k {self.dir} -c listen_addresses={HOST} -c max_connections=60"
        run(
            [
                *self.as_postgres,
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.dir / "data"),
                "-l",
                str(self.dir / "log"),
                "-o",
                options,
                "-w",
                "start",
            ]
        )

    def stop(self):
        run(
            [
                *self.as_postgres,
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.dir / "data"),
                "-m",
                "fast",
                "-w",
                "stop",
            ]
        )


class OwnRedis:
    def __init__(self, tmp: Path):
        self.port = free_port()
        self.dir = tmp
        self.proc = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen(  # noqa: S603
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                HOST,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if (
                subprocess.run(
                    ["redis-cli", "-p", str(self.port), "ping"],
                    capture_output=True,  # noqa: S607
                    text=True,
                ).stdout.strip()
                == "PONG"
            ):
                return
            time.sleep(0.1)
        raise SystemExit("redis-server did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: redis shuts down (without saving: --save "")
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


# --- the load ---------------------------------------------------------------------------------------------


class Recorder:
    """Every answer: (time since start, kind, status or None for a connection error, seconds, accepted,
    carries the Chinese outage text). Accepted submission keys by kind."""

    def __init__(self, started: float):
        self.started = started
        self.lock = threading.Lock()
        self.rows: list[tuple] = []
        self.accepted: dict[str, set] = {"appeal": set(), "hazard": set(), "checkin": set(), "sms": set()}
        self.unanswered: dict[str, list] = {"appeal": [], "hazard": [], "checkin": []}
        self.delayed_sms = 0


def build_requests(port, codes, sessions, staff_cookie, rng):
    """One request maker per kind: returns (method, path, body, headers, key)."""
    points = [(KERQIN[0] + rng.uniform(-0.08, 0.08), KERQIN[1] + rng.uniform(-0.1, 0.1)) for _ in range(500)]

    def worker_headers(session, form=False):
        key, csrf = session
        return {**proxy_headers(port, form=form), "Cookie": f"sessionid={key}; csrftoken={csrf}"}

    def nearest(session):
        lat, lng = rng.choice(points)
        return (
            "GET",
            f"/api/v1/stations/nearest?lat={lat:.6f}&lng={lng:.6f}&limit=3",
            None,
            proxy_headers(port),
            None,
        )

    def home(session):
        lat, lng = rng.choice(points)
        return "GET", f"/m/?lat={lat:.6f}&lng={lng:.6f}", None, proxy_headers(port), None

    def station(session):
        return "GET", f"/m/s/{rng.choice(codes)}/", None, proxy_headers(port), None

    def mine(session):
        return "GET", "/m/my/", None, worker_headers(session), None

    def console(session):
        headers = {**proxy_headers(port), "Cookie": staff_cookie}
        return "GET", "/admin/appeals/appeal/", None, headers, None

    def form(session, fields):
        return urllib.parse.urlencode({"csrfmiddlewaretoken": session[1], **fields})

    def appeal(session):
        key = str(uuid.uuid4())
        body = form(session, {"key": key, "category": "wages", "text": "演练：平台拖欠工资，请帮忙协调。"})
        return "POST", "/m/appeal/", body, worker_headers(session, form=True), key

    def hazard(session):
        key = str(uuid.uuid4())
        lat, lng = rng.choice(points)
        body = form(
            session,
            {
                "key": key,
                "category": "road_damage",
                "description": "演练：路面塌陷。",
                "latitude": f"{lat:.6f}",
                "longitude": f"{lng:.6f}",
            },
        )
        return "POST", "/m/report/", body, worker_headers(session, form=True), key

    def checkin(session):
        code = rng.choice(codes)
        return (
            "POST",
            f"/m/s/{code}/checkin/",
            form(session, {}),
            worker_headers(session, form=True),
            (session[0], code),
        )

    def sms(session):
        phone = f"13{rng.randrange(10**9):09d}"
        body = form(session, {"phone": phone, "step": "send", "next": "/m/"})
        headers = {**proxy_headers(port, form=True), "Cookie": f"csrftoken={session[1]}"}  # not signed in
        return "POST", "/m/login/", body, headers, phone

    return {k: v for k, v in locals().items() if k in MIX}


def answer_ok(kind, status, location, body: str) -> bool:
    want, where = ACCEPTED[kind]
    if status != want:
        return False
    if where is not None and not where.search(urllib.parse.urlparse(location or "").path):
        return False
    return kind != "sms" or ("验证码已发送" in body or "验证码已排队" in body)


def connection_loop(port, makers, session, deadline, rec: Recorder, rng):
    kinds, weights = zip(*MIX.items(), strict=True)
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    rows = []
    while time.monotonic() < deadline:
        kind = rng.choices(kinds, weights)[0]
        method, path, body, headers, key = makers[kind](session)
        t0 = time.monotonic()
        status, location, text = None, None, ""
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            raw = response.read()
            status, location = response.status, response.getheader("Location")
            if status != 200 or kind == "sms":
                text = raw.decode("utf-8", "replace")
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
        ok = status is not None and answer_ok(kind, status, location, text)
        rows.append((t0 - rec.started, kind, status, time.monotonic() - t0, ok, OUTAGE_TEXT in text))
        with rec.lock:
            if kind in rec.unanswered or kind == "sms":
                (
                    rec.accepted[kind].add(key)
                    if ok
                    else rec.unanswered.get(kind, []).append((method, path, body, headers, key))
                )
            if kind == "sms" and ok and "验证码已排队" in text:
                rec.delayed_sms += 1
    conn.close()
    with rec.lock:
        rec.rows += rows


def retry_unanswered(port, rec: Recorder) -> Counter:
    """What a browser's retry does: each submission without an accepted answer sent once more, same key."""
    outcome = Counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    for kind, items in rec.unanswered.items():
        for method, path, body, headers, key in items:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            raw = response.read()
            ok = answer_ok(
                kind, response.status, response.getheader("Location"), raw.decode("utf-8", "replace")
            )
            outcome[(kind, ok)] += 1
            if ok:
                rec.accepted[kind].add(key)
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
    return outcome


# --- setup ------------------------------------------------------------------------------------------------


def setup(tmp: Path, db_url: str, connections: int):
    os.environ["XINYE_VAR_DIR"] = str(tmp)
    os.environ["XINYE_DATABASE_URL"] = db_url
    os.environ.setdefault("XINYE_SECRET_KEY", "drill-" + uuid.uuid4().hex * 2)
    os.environ.setdefault("XINYE_FIELD_KEY", "YmVuY2gtZmllbGQta2V5LW5vdC1hLXNlY3JldC0zMmJ5dGVz")
    os.environ["XINYE_ALLOWED_HOSTS"] = f"{HOST},localhost"
    os.environ["DJANGO_SETTINGS_MODULE"] = "load_drill_settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    world = load_structure()
    sessions = make_sessions(world, connections)
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from xinye.accounts.models import User
    from xinye.accounts.permissions import system_actor
    from xinye.accounts.services import enrol_demo_device, otp_device

    staff = User.objects.get(username="kerqin_admin")
    client = Client()
    client.force_login(staff)
    device = otp_device(staff) or enrol_demo_device(staff, actor=system_actor("drill"))
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    from xinye.stations.models import Station, StationStatus

    codes = list(Station.objects.filter(status=StationStatus.OPEN).values_list("code", flat=True))
    return sessions, f"sessionid={session.session_key}", codes


def counts(rec: Recorder) -> dict:
    """Rows in the database against accepted submissions."""
    from django.db import connections

    connections.close_all()  # the database may have restarted under this process's connection
    from xinye.appeals.models import Appeal, AppealEvent
    from xinye.hazards.models import HazardReport
    from xinye.portal.models import SmsOutbox
    from xinye.stations.models import StationCheckIn

    def keys(model):
        # portal.services.portal_key: "portal-<worker pk>-<the form's key>"
        return Counter(k.split("-", 2)[2] for k in model.objects.values_list("idempotency_key", flat=True))

    out = {}
    for kind, model in (("appeal", Appeal), ("hazard", HazardReport)):
        stored = keys(model)
        accepted = rec.accepted[kind]
        out[kind] = {
            "accepted": len(accepted),
            "rows": sum(stored.values()),
            "lost": len(accepted - set(stored)),
            "unaccounted": len(set(stored) - accepted),
            "duplicated": sum(1 for n in stored.values() if n > 1),
        }
    out["appeal"]["without_event"] = Appeal.objects.exclude(
        pk__in=AppealEvent.objects.values("appeal_id")
    ).count()
    from django.contrib.sessions.models import Session  # noqa: F401 - the drill's sessions live in its DB

    pairs = Counter((w, c) for w, c in StationCheckIn.objects.values_list("worker_id", "station__code"))
    out["checkin"] = {
        "accepted_pairs": len(rec.accepted["checkin"]),
        "rows": sum(pairs.values()),
        "duplicated": sum(1 for n in pairs.values() if n > 1),
    }
    out["sms"] = {
        "queued": SmsOutbox.objects.count(),
        "sent": SmsOutbox.objects.filter(sent_at__isnull=False).count(),
        "dropped": SmsOutbox.objects.filter(dropped_at__isnull=False).count(),
        "pending": SmsOutbox.objects.filter(sent_at__isnull=True, dropped_at__isnull=True).count(),
    }
    return out


# --- the drill ----------------------------------------------------------------------------------------------


def main() -> int:  # noqa: C901, PLR0912, PLR0915 - one procedure, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn sync workers (2 × cores + 1)")
    parser.add_argument("--fault", choices=["none", "sms", "redis", "postgres"], default="none")
    parser.add_argument("--fault-at", type=float, default=0, help="seconds into the run (default: a third)")
    parser.add_argument("--outage", type=float, default=20, help="seconds the fault lasts")
    parser.add_argument("--fail-fast", type=float, default=5, help="most seconds an outage answer may take")
    parser.add_argument("--recover", type=float, default=15, help="most seconds to serve again after it")
    args = parser.parse_args()
    fault_at = args.fault_at or args.seconds / 3
    tmp = Path(tempfile.mkdtemp(prefix="xinye-load-drill-"))
    os.chmod(tmp, 0o755)
    pg = redis = server = None
    failures = []
    try:
        print(f"准备：自有 PostgreSQL、Redis、演示数据（{tmp}）…", flush=True)
        pg = OwnPostgres(tmp)
        redis = OwnRedis(tmp)
        sessions, staff_cookie, codes = setup(tmp, pg.url, args.connections)
        from django.db import connections as db_connections

        db_connections.close_all()
        port = free_port()
        env = dict(os.environ)
        env["XINYE_REDIS_URL"] = redis.url
        env["PYTHONPATH"] = os.pathsep.join([str(BENCH_DIR), str(ROOT / "src"), env.get("PYTHONPATH", "")])
        log = (tmp / "gunicorn.log").open("w")
        server = subprocess.Popen(  # noqa: S603
            [
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
                "--timeout",
                "60",
            ],
            env=env,
            cwd=str(tmp),
            start_new_session=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_ready(port, timeout=600)  # five workers booting Django on a busy 2-core machine
        rng = random.Random(18)
        makers = build_requests(port, codes, sessions, staff_cookie, rng)
        # warm every route in every process (first render, first connection) before counting
        warm = Recorder(time.monotonic())
        threads = [
            threading.Thread(
                target=connection_loop,
                args=(port, makers, sessions[i], time.monotonic() + 5, warm, random.Random(i)),
            )
            for i in range(args.workers * 2)
        ]
        [t.start() for t in threads]
        [t.join() for t in threads]
        if not all(r[4] for r in warm.rows):
            print("warm-up failures:", Counter((r[1], r[2]) for r in warm.rows if not r[4]))

        pids = [server.pid, *worker_pids(server.pid)]
        cpu0, load_cpu0 = cpu_seconds(pids), time.process_time()
        rec = Recorder(time.monotonic())
        rec.accepted, rec.unanswered, rec.delayed_sms = warm.accepted, warm.unanswered, warm.delayed_sms
        deadline = rec.started + args.seconds
        threads = [
            threading.Thread(
                target=connection_loop,
                args=(port, makers, sessions[i], deadline, rec, random.Random(100 + i)),
                daemon=True,
            )
            for i in range(args.connections)
        ]
        [t.start() for t in threads]
        fault_window = None
        if args.fault != "none":
            time.sleep(max(0, rec.started + fault_at - time.monotonic()))
            t_down = time.monotonic() - rec.started  # before the stop: PostgreSQL refuses while stopping
            if args.fault == "sms":
                (tmp / "sms-gateway-down").touch()
            elif args.fault == "redis":
                redis.stop()
            else:
                pg.stop()
            print(f"故障注入：{args.fault} 于第 {t_down:.0f} 秒", flush=True)
            time.sleep(args.outage)
            if args.fault == "sms":
                (tmp / "sms-gateway-down").unlink()
            elif args.fault == "redis":
                redis.start()
            else:
                pg.start()
            t_up = time.monotonic() - rec.started
            fault_window = (t_down, t_up)
            print(f"故障恢复：于第 {t_up:.0f} 秒", flush=True)
        for t in threads:
            t.join(args.seconds + 120)
        elapsed = time.monotonic() - rec.started
        server_cpu, load_cpu = cpu_seconds(pids) - cpu0, time.process_time() - load_cpu0
        pids = [server.pid, *worker_pids(server.pid)]

        # --- the figures ---
        rows = rec.rows
        total = len(rows)
        statuses = Counter(r[2] for r in rows)
        print()
        print(
            f"{args.connections} connections, {args.workers} gunicorn sync workers, PostgreSQL {PG_BIN.parent.name}, "
            f"Redis; {elapsed:.0f}s; fault: {args.fault}"
            + (f" {fault_window[0]:.0f}s→{fault_window[1]:.0f}s" if fault_window else "")
        )
        print(
            f"requests {total} ({total / elapsed:.0f}/s); statuses {dict(sorted(statuses.items(), key=str))}"
        )
        for kind in MIX:
            mine = [r for r in rows if r[1] == kind]
            lat = sorted(r[3] for r in mine) or [0]
            bad = sum(1 for r in mine if not r[4])
            print(
                f"  {kind:<8} {len(mine):>7}  not accepted {bad:>5}  median {lat[len(lat) // 2] * 1000:6.0f} ms  "
                f"p99 {lat[int(len(lat) * 0.99) - 1 if len(lat) > 1 else 0] * 1000:6.0f} ms"
            )
        print(
            f"CPU: servers {server_cpu:.0f}s, load generator {load_cpu:.0f}s over {elapsed:.0f}s on "
            f"{os.cpu_count()} cores; machine load average {os.getloadavg()[0]:.1f} (other helpers share it)"
        )

        # --- the rules ---
        grace = args.recover
        if args.fault == "postgres":
            # from a request in flight when the database stopped to the recovery allowance after it returned
            lo, hi = fault_window[0] - args.fail_fast, fault_window[1] + grace
            inside = [r for r in rows if lo <= r[0] <= hi and not r[4]]
            outside = [r for r in rows if not (lo <= r[0] <= hi) and not r[4]]
            not_503 = [r for r in inside if r[2] != 503 or not r[5]]
            slow = [r for r in inside if r[3] > args.fail_fast]
            last_fail = max((r[0] + r[3] for r in rows if not r[4]), default=fault_window[1])
            print(
                f"outage: {len(inside)} failed answers, {sum(1 for r in inside if r[2] == 503 and r[5])} of them 503 "
                f"with the Chinese message; slowest {max((r[3] for r in inside), default=0):.2f}s; "
                f"served again {max(0, last_fail - fault_window[1]):.1f}s after the database returned"
            )
            if not_503:
                failures.append(
                    f"{len(not_503)} outage answers not a Chinese 503: {Counter((r[1], r[2]) for r in not_503)}"
                )
            if slow:
                failures.append(f"{len(slow)} outage answers slower than {args.fail_fast}s")
            if last_fail - fault_window[1] > grace:
                failures.append(
                    f"still failing {last_fail - fault_window[1]:.1f}s after the database returned"
                )
        else:
            outside = [r for r in rows if not r[4]]
        if outside:
            failures.append(
                f"{len(outside)} requests not accepted: {Counter((r[1], r[2]) for r in outside).most_common(8)}"
            )

        retried = retry_unanswered(port, rec)
        if retried:
            print(f"retried once with the same key: {dict(retried)}")
        if args.fault == "sms":
            subprocess.run(
                [sys.executable, "-m", "django", "tick", "--quiet"],
                env=env,
                cwd=str(tmp),  # noqa: S603
                check=True,
                capture_output=True,
            )
        found = counts(rec)
        for kind in ("appeal", "hazard"):
            f = found[kind]
            print(
                f"{kind}: {f['accepted']} accepted, {f['rows']} rows; lost {f['lost']}, duplicated {f['duplicated']}, "
                f"rows without an accepted answer {f['unaccounted']}"
                + (f", appeals without their first event {f['without_event']}" if kind == "appeal" else "")
            )
            if f["lost"] or f["duplicated"] or f["unaccounted"] or f.get("without_event"):
                failures.append(f"{kind}: rows do not match accepted submissions: {f}")
        c = found["checkin"]
        print(
            f"check-ins: {c['accepted_pairs']} accepted (worker, station) pairs, {c['rows']} rows, duplicated {c['duplicated']}"
        )
        if c["rows"] != c["accepted_pairs"] or c["duplicated"]:
            failures.append(f"check-ins do not match: {c}")
        s = found["sms"]
        print(
            f"SMS codes: {len(rec.accepted['sms'])} requested, {rec.delayed_sms} answered 'queued'; outbox: {s}"
        )
        if (
            s["queued"] != rec.delayed_sms
            or s["pending"]
            or s["sent"] + s["dropped"] != s["queued"]
            or s["dropped"]
        ):
            failures.append(f"SMS outbox: {s} for {rec.delayed_sms} queued answers")
        signed_out = 0
        for key, csrf in sessions:
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            conn.request(
                "GET",
                "/m/my/",
                headers={**proxy_headers(port), "Cookie": f"sessionid={key}; csrftoken={csrf}"},
            )
            if conn.getresponse().status != 200:
                signed_out += 1
            conn.close()
        print(
            f"signed-in sessions after the run: {len(sessions) - signed_out} of {len(sessions)} still signed in"
        )
        if signed_out:
            failures.append(f"{signed_out} worker sessions signed out")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(10)
        for stop in (redis.stop if redis else None, pg.stop if pg else None):
            try:
                if stop is not None:
                    stop()
            except (subprocess.SubprocessError, OSError) as exc:
                print(f"cleanup: {exc}")
        if os.environ.get("XINYE_DRILL_KEEP"):
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print()
    if failures:
        print("RULES BROKEN:")
        for line in failures:
            print("  - " + line)
        return 1
    print("all rules held")
    return 0


if __name__ == "__main__":
    sys.exit(main())
