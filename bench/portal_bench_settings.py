"""Settings for bench/portal_bench.py only: the production settings (settings_prod: HTTPS behind a proxy,
secure cookies, HSTS, hashed and compressed static files served by whitenoise) with the per-worker
submission limits lifted (the bench files hundreds of appeals a second from 50 workers) and quiet logging
(nothing on the measured paths logs below WARNING; this keeps the bench's own output readable).

The load generator talks plain HTTP on loopback and sends what the TLS-terminating proxy in front of
production adds (X-Forwarded-Proto: https, which SECURE_PROXY_SSL_HEADER trusts) and what a browser sends
with a form (Origin), so the HTTPS redirect, HSTS and the CSRF origin check all run as they do in production.
"""

import os

from xinye.settings_prod import *  # noqa: F403

# Unlimited count in a one-second window: the check still runs its query on every submission, over about
# as few rows as production's limit (a handful per worker and window) lets it read; a long window would
# make it read every appeal the bench's 50 workers file at hundreds a second.
XINYE_APPEAL_RATE_LIMIT = (10**9, 1)
XINYE_HAZARD_RATE_LIMIT = (10**9, 1)
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR", "handlers": []}}
# Persistent connections, as production has them (settings.py: CONN_MAX_AGE=60 for SQLite and PostgreSQL);
# XINYE_BENCH_CONN_MAX_AGE=0 shows the cost of reconnecting (and re-running SQLite's PRAGMAs) per request.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("XINYE_BENCH_CONN_MAX_AGE", "60"))  # noqa: F405
# The load generator writes its cookies by name (sessionid=…; csrftoken=…); production's __Host- names
# (settings_prod) change nothing on the measured paths.
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
