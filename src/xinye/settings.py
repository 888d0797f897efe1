"""Settings, read from the environment (XINYE_*). Production tightens these in settings_prod."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("XINYE_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _local_secret(filename: str, generate) -> str:
    """Development only: a secret generated once into var/ so a fresh checkout runs with no setup."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / filename
    if not path.exists():
        path.write_text(generate())
        path.chmod(0o600)
    return path.read_text().strip()


def _random_token() -> str:
    import secrets

    return secrets.token_urlsafe(50)


def _random_field_key() -> str:
    import base64
    import secrets

    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


DEBUG = env_bool("XINYE_DEBUG", False)
SECRET_KEY = os.environ.get("XINYE_SECRET_KEY") or _local_secret("secret_key", _random_token)
# Key for sensitive fields (ID numbers, phones, appeal texts): 32 bytes, urlsafe base64.
FIELD_KEY = os.environ.get("XINYE_FIELD_KEY") or _local_secret("field_key", _random_field_key)
ALLOWED_HOSTS = env_list("XINYE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("XINYE_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "unfold",
    "unfold.contrib.filters",
    "xinye.console.sites.XinyeAdminConfig",  # django.contrib.admin, its home page in the pillars' order
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    # xinye, one app per domain noun; order is also the order demo data loads in.
    "xinye.core",
    "xinye.orgs",
    "xinye.rulebook",
    "xinye.accounts",
    "xinye.audit",
    "xinye.jobs",
    "xinye.ledger",
    "xinye.workers",
    "xinye.coverage",
    "xinye.guidance",
    "xinye.stations",
    "xinye.portal",
    "xinye.appeals",
    "xinye.hazards",
    "xinye.volunteers",
    "xinye.orglife",
    "xinye.members",
    "xinye.teams",
    "xinye.honours",
    "xinye.funds",
    "xinye.pairing",
    "xinye.support",
    "xinye.care",
    "xinye.plans",
    "xinye.grading",
    "xinye.reports",
    "xinye.api",
    "xinye.console",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "xinye.console.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xinye.console.middleware.SlidingSessionMiddleware",
    "xinye.console.middleware.LocaleMiddleware",  # Django's, except that the portal (/m/) is always Chinese
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the session passed the second factor
    "xinye.console.middleware.SecondFactorMiddleware",  # …or is sent to the code step / enrolment first
    "xinye.console.middleware.ActorMiddleware",
    "xinye.console.middleware.NoStoreMiddleware",  # Cache-Control: no-store where personal data may show
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "xinye.console.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "xinye.urls"
WSGI_APPLICATION = "xinye.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Database: SQLite (WAL) under var/ by default; PostgreSQL in production via XINYE_DATABASE_URL.
DATABASE_URL = os.environ.get("XINYE_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'xinye.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 60  # one connection per worker: no reconnect + PRAGMAs per request
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("XINYE_TEST_SQLITE")}  # None → in memory
else:
    # a persistent connection that died (PostgreSQL restarted) is replaced on the next request, and a server
    # that does not answer fails the request within seconds (503, core/outage.py) instead of hanging it
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "connect_timeout", int(os.environ.get("XINYE_DB_CONNECT_TIMEOUT", "3"))
    )
    # No JIT for the app's queries: they are short and LIMITed, but on a province's ledger the planner's
    # costs pass jit_above_cost and each such query spent ~50 ms compiling (measured on the console's
    # searches at 5,000,000 practitioners) to save nothing. Other clients (psql …) keep the server's setting.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login security: 5 failures within 15 minutes lock the account and, separately, the IP.
AXES_FAILURE_LIMIT = int(os.environ.get("XINYE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A wrong second-factor code counts like a wrong password (accounts.views.verify), so the count is cleared
# only when signing in is complete — after the code, or at the password for an account without one
# (accounts.signals) — not by the password step alone, which would let a code be guessed five at a time.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "xinye.accounts.views.locked_out"
AXES_VERBOSE = False
# Whose address counts: the one function in core (its docstring says why), also for axes.
AXES_CLIENT_IP_CALLABLE = "xinye.core.net.client_ip"
# The reverse proxies whose X-Forwarded-For is believed ("10.0.0.2,10.1.0.0/24"); empty: none, the connecting
# address is the client's. Set it to the production proxy's address, or five bad logins lock out all staff.
XINYE_TRUSTED_PROXIES = env_list("XINYE_TRUSTED_PROXIES")

# Session: 30 minutes idle, refreshed on each request; stored server-side so logout really ends it.
SESSION_ENGINE = "xinye.core.sessions.db"
SESSION_COOKIE_AGE = int(os.environ.get("XINYE_SESSION_IDLE_SECONDS", "1800"))
# Sliding idle timeout without a session write on every request: console.middleware.SlidingSessionMiddleware
# renews the session at most once a minute, so the timeout is exact to within that minute.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_INTERVAL_SECONDS = 60
# …and an absolute cap from sign-in, however active the session (等保 §8.1.4.1; issue 18): 12 hours.
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("XINYE_SESSION_ABSOLUTE_SECONDS", str(12 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# Second factor (等保 §8.1.4.1 d; issue 18): TOTP (RFC 6238, django-otp) for the roles below, and for every
# console account when the city sets XINYE_OTP_REQUIRED_FOR_ALL. A user with a device always gives its code.
XINYE_OTP_REQUIRED_ROLES = ("city_admin", "sysadmin", "secadmin", "auditor")
XINYE_OTP_REQUIRED_FOR_ALL = os.environ.get("XINYE_OTP_REQUIRED_FOR_ALL", "false").lower() in (
    "1",
    "true",
    "yes",
)
XINYE_OTP_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = "新业"
OTP_TOTP_THROTTLE_FACTOR = 1  # after a wrong code, wait 1, 2, 4 … seconds before the next is checked
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("XINYE_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The change log is kept at least 183 days (等保 2.0 §8.1.4.3, 网络安全法 art. 21); `xinye audit purge` refuses
# younger days, and a lower value than 183 is refused (audit.services.retention_days, `check`).
XINYE_AUDIT_RETENTION_DAYS = int(os.environ.get("XINYE_AUDIT_RETENTION_DAYS", "183"))
XINYE_IMPORT_MAX_BYTES = int(os.environ.get("XINYE_IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))
# A survey sheet larger than this is checked and written by the worker (a background job with progress), not
# in the request; smaller ones stay in the request as before (docs/operations.md, "Background jobs").
XINYE_IMPORT_ASYNC_BYTES = int(os.environ.get("XINYE_IMPORT_ASYNC_BYTES", str(2 * 1024 * 1024)))

# Long work off the request thread (issue 18 item 11): django-tasks, the backport of Django 6's tasks
# framework, with its database backend — the queue is a table, the worker is `xinye worker`. Tests run
# the worker loop in-process (tests/jobs). XINYE_TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend
# runs every job inside the request that starts it (no worker; for a one-off tool, not for production).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("XINYE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# A running job whose worker has not reported for this long is taken as interrupted (the worker died) and
# marked failed by `xinye tick` and by the next `xinye worker` to start (xinye.jobs.services.recover).
XINYE_JOB_STALE_SECONDS = int(os.environ.get("XINYE_JOB_STALE_SECONDS", "900"))
# A console list export (导出 Excel) of more rows than this is built as a background job (我的任务) instead of
# in the request: the same rows, columns and masking, streamed to the file (xinye.console.exports).
XINYE_EXPORT_SYNC_ROWS = int(os.environ.get("XINYE_EXPORT_SYNC_ROWS", "5000"))
# The practitioners list counts its rows up to this many (console/paginator.py): above, it says "10,000+" and
# pages on with 上一页/下一页 — an exact COUNT over a million rows cost 0.24–0.36 s on every page (issue 17).
XINYE_LIST_COUNT_LIMIT = int(os.environ.get("XINYE_LIST_COUNT_LIMIT", "10000"))
XINYE_SEARCH_COUNT_LIMIT = int(os.environ.get("XINYE_SEARCH_COUNT_LIMIT", "1000"))  # the same, for a search
# A 工作台 card's aggregate over a whole scope is kept per viewer until a write changes what it counts, and at
# most this many seconds (core/cards.py); 0 computes it on every view.
XINYE_CARD_SECONDS = int(os.environ.get("XINYE_CARD_SECONDS", "60"))

# /readyz (console/health.py): not ready under this much free space in the data directory; the newest file
# in the backup directory (`xinye backup`'s default target) is reported and flagged when older than this.
XINYE_READYZ_MIN_FREE_PERCENT = float(os.environ.get("XINYE_READYZ_MIN_FREE_PERCENT", "5"))
XINYE_READYZ_MIN_FREE_MB = int(os.environ.get("XINYE_READYZ_MIN_FREE_MB", "500"))
XINYE_READYZ_BACKUP_MAX_HOURS = float(os.environ.get("XINYE_READYZ_BACKUP_MAX_HOURS", "26"))
XINYE_BACKUP_DIR = Path(os.environ.get("XINYE_BACKUP_DIR", VAR_DIR / "backups"))

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 10000}}
}
if os.environ.get("XINYE_REDIS_URL"):
    # shared by every app server: Django's cache and the sessions (read from Redis, written through to the
    # database, so a Redis restart signs nobody out and logout still deletes the stored session). Rate limits
    # are counted in the database and station pages cached per process (portal/pagecache.py), not here.
    CACHES["default"] = {
        # Redis down = an empty cache, not an error (core/cache.py); short timeouts so a hung Redis holds no request
        "BACKEND": "xinye.core.cache.RedisCache",
        "LOCATION": os.environ["XINYE_REDIS_URL"],
        "KEY_PREFIX": "xinye",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    SESSION_ENGINE = "xinye.core.sessions.cached_db"

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# CSP: no third-party resources anywhere (the portal must load on a slow network with nothing external).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],  # no inline script: behaviours live in static files (console/behaviours.js)
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Error reports (the DEBUG page, mails to admins) hide personal form fields and mask ID and mobile numbers.
DEFAULT_EXCEPTION_REPORTER_FILTER = "xinye.core.logs.PersonalDataReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "xinye.core.logs.PersonalDataReporter"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "quiet_client_errors": {"()": "xinye.core.logs.QuietClientErrors"},
        "personal_data": {"()": "xinye.core.logs.RedactPersonalData"},  # ID and mobile numbers masked
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["personal_data"]}},
    "loggers": {"django.request": {"filters": ["quiet_client_errors"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("XINYE_LOG_LEVEL", "WARNING")},
}

# --- domain rules that a city may change (rules.md); defaults are the published figures ---
XINYE_CITY_REGION = os.environ.get("XINYE_CITY_REGION", "150500")
XINYE_RULES = {
    "branch_min_full_members": 3,  # 支部工作条例 ch.2: ≥3 full members form their own branch
    "branch_max_members": 50,
    "joint_branch_max_units": 5,
    "general_branch_members": (50, 100),
    "committee_min_members": 100,
}
# Map tiles for the portal's station map (a server the city may use: its own or a licensed one). Without a
# URL the portal shows the list only. XINYE_MAP_TILE_COORD: wgs84 (OSM-style) or gcj02 (高德/腾讯-style).
XINYE_MAP_TILES = {
    "url": os.environ.get("XINYE_MAP_TILE_URL", ""),  # e.g. https://tiles.example.cn/{z}/{x}/{y}.png
    "coord": os.environ.get("XINYE_MAP_TILE_COORD", "wgs84"),
    "attribution": os.environ.get("XINYE_MAP_ATTRIBUTION", ""),
}
# The two settings every production site sets, also from the environment: the public address printed in
# station QR codes and posters, and the SMS gateway class for sign-in codes (default: print them).
if os.environ.get("XINYE_PUBLIC_BASE_URL"):
    XINYE_PUBLIC_BASE_URL = os.environ["XINYE_PUBLIC_BASE_URL"]
if os.environ.get("XINYE_SMS_BACKEND"):
    XINYE_SMS_BACKEND = os.environ["XINYE_SMS_BACKEND"]


def _retention_days(items: list[str]) -> dict:
    """XINYE_RETENTION_DAYS="closed_appeals=1825,sms_codes=7": days per kind of record, overriding the
    defaults in xinye.workers.rules (docs/operations.md, Retention)."""
    out = {}
    for item in items:
        kind, _, days = item.partition("=")
        if not days.strip().isdigit():
            raise ValueError(f"XINYE_RETENTION_DAYS：“{item}”应写成 类型=天数，例如 closed_appeals=1825")
        out[kind.strip()] = int(days)
    return out


XINYE_RETENTION_DAYS = _retention_days(env_list("XINYE_RETENTION_DAYS"))
# Open311 clients: "key1:label1,key2:label2" (staff API tokens are accepted as api_key too).
XINYE_OPEN311_KEYS = dict(
    item.split(":", 1) if ":" in item else (item, "open311") for item in env_list("XINYE_OPEN311_KEYS")
)
# Responsibility roles every enterprise must have an owner in (domain.md pillar 1: no enterprise without an owner).
XINYE_REQUIRED_RESPONSIBILITIES = {
    "ledger.enterprise": ["industry_committee", "county_office", "department", "community", "liaison"],
}


def _static(path: str) -> str:
    from django.templatetags.static import static  # at request time: the storage is configured by then

    return static(path)


UNFOLD = {
    # every console page: the autocomplete pickers POST what is typed (console/static/console/private-ajax.js)
    "SCRIPTS": [lambda request: _static("console/private-ajax.js")],
    "SITE_TITLE": _("新业 · 新就业群体党建工作平台"),
    "SITE_HEADER": _("新业"),
    "SITE_SUBHEADER": _("新业态新就业群体党建"),
    "SITE_URL": "/",
    "SITE_SYMBOL": "diversity_3",
    "SHOW_HISTORY": True,
    "SHOW_LANGUAGES": True,
    "SHOW_VIEW_ON_SITE": False,
    "DASHBOARD_CALLBACK": "xinye.console.navigation.dashboard_callback",
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": False,
        "navigation": "xinye.console.navigation.sidebar",
    },
    "COLORS": {
        "primary": {
            "50": "254 242 242",
            "100": "254 226 226",
            "200": "254 202 202",
            "300": "252 165 165",
            "400": "248 113 113",
            "500": "239 68 68",
            "600": "220 38 38",
            "700": "185 28 28",
            "800": "153 27 27",
            "900": "127 29 29",
            "950": "69 10 10",
        },
    },
}
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = True
