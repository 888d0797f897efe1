"""The 通辽 demo data set, one module per app, above every app (it may use any of them).

Each module has `load(world)`, which builds its part through the apps' service functions as the system
actor `demo` and adds what later modules need to the shared `world` dict. `load_demo()` runs them in the
order of ORDER — the order of the apps' dependencies — and is idempotent: running it twice changes
nothing. `xinye demo` calls it; tests build their shared world from the first two (tests/conftest.py).
"""

import importlib
import time

from django.db import transaction

ORDER = (
    "orgs",
    "accounts",
    "rulebook",
    "ledger",
    "coverage",
    "guidance",
    "stations",
    "portal",
    "appeals",
    "hazards",
    "volunteers",
    "orglife",
    "members",
    "teams",
    "honours",
    "funds",
    "pairing",
    "support",
    "care",
    "plans",
    "grading",
    "reports",
)


def modules():
    for name in ORDER:
        yield name, importlib.import_module(f"xinye.demo.{name}")


def load_demo(stdout=None) -> dict:
    """Load the whole demo data set; each module in its own transaction. Returns the world dict."""
    world: dict = {}
    for name, module in modules():
        started = time.monotonic()
        with transaction.atomic():
            module.load(world)
        if stdout is not None:
            stdout.write(f"  · {name}: {time.monotonic() - started:.1f}s")
    return world
