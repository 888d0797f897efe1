"""Settings for bench/portal_bench.py only: production settings with the per-worker submission limits
lifted (the bench files hundreds of appeals a second from a handful of workers) and quiet logging."""

import os

from xinye.settings import *  # noqa: F403

DEBUG = False
XINYE_APPEAL_RATE_LIMIT = (10**9, 60)
XINYE_HAZARD_RATE_LIMIT = (10**9, 60)
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR", "handlers": []}}
# Persistent connections, as production has them (settings.py gives PostgreSQL conn_max_age=60); the
# development SQLite default of 0 reconnects — and re-runs its PRAGMAs — on every request.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("XINYE_BENCH_CONN_MAX_AGE", "60"))  # noqa: F405
