"""The shape of the house, checked (issue 12, redesign items 2 and 4; docs/architecture.md).

1. The import contract: a lower floor never imports a higher one. Every module under src/xinye is parsed
   with `ast` — module-level imports and the ones hidden inside functions alike, and the lazy model
   references that stand in for an import (`ForeignKey("app.Model")`, `apps.get_model("app", …)`) — so
   a dependency moved into a function or a string to dodge a cycle is still counted. Migrations are
   exempt (Django writes them).
2. The write door: every public function of a services module either writes and takes a required
   keyword-only `actor` (or `worker`, for the portal's worker-facing writes), or is listed in the
   module's `READS` tuple as a read-only or pure helper.
"""

import ast
import importlib
import inspect
import pathlib
import pkgutil
from collections import defaultdict

import pytest

SRC = pathlib.Path(__file__).resolve().parent.parent / "src" / "xinye"

# Bottom to top. A module may import its own floor (subject to SAME_FLOOR below) and any floor beneath.
FLOORS: tuple[tuple[str, ...], ...] = (
    ("core",),
    ("accounts", "audit"),
    # The rule book sits beside the tree: every app's refusals may cite the clause that sets their rule.
    # Background jobs (Job, the django-tasks task): low enough for the ledger's imports and the reports to
    # start them; they know only accounts and core.
    ("orgs", "rulebook", "jobs"),
    ("ledger",),
    # The worker identity (Worker, its consents, the privacy notices), pointed at by appeals, hazards,
    # stations and volunteers: below them. See docs/architecture.md, "workers and portal".
    ("workers",),
    # The domain apps.
    (
        "coverage",
        "guidance",
        "stations",
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
    ),
    # Oversight: plans, supervision, grading and the reports read the figures of every capability below them.
    ("plans", "grading", "reports"),
    # The faces: the console (admin base, sidebar, middleware, backup/restore), the API, the worker portal
    # (its pages, sign-in and the submissions it composes across apps), the project's own entry modules,
    # and every app's face modules (FACE_MODULES).
    ("console", "api", "portal", "demo", "cli", "urls", "settings", "settings_prod", "wsgi"),
)
FACE = len(FLOORS) - 1

# Modules of an app that are faces of it, whatever its floor: they present the app (console admin, API
# routers, pages and their URLs, management commands) or load demo data across apps ("the demo loaders
# gathered above the apps"). They may import any floor; nothing below the faces may import them.
FACE_MODULES = {"admin", "api", "api_io", "views", "views_io", "urls", "urls_io", "demo"}
FACE_PACKAGES = {"management"}

# Imports between two apps of the same floor, measured on main at the start of issue 12 and allowed
# explicitly: (importer, imported). Anything else between same-floor apps fails, and this graph must stay
# acyclic. Remove an entry when the import goes; add one only with a reason in docs/architecture.md.
SAME_FLOOR = {
    ("accounts", "audit"),  # accounts.signals: log-ins and log-outs go to the change log
    ("guidance", "appeals"),  # guidance.services: an instructor's enterprises' open appeals
    ("hazards", "appeals"),  # hazards.services: the routing helpers and the PublicCase base (item 5)
    ("hazards", "stations"),  # hazards.services: the nearest station to a report
    ("orglife", "members"),  # orglife.services: the members of a meeting's organisation
    ("care", "stations"),  # care.models: a service may be held at a station (its page lists it)
    # support: an enterprise's need runs on the appeals' task loop (task states and table, the event base,
    # routing, the 回退/催办/督办 rules)
    ("support", "appeals"),
    ("volunteers", "stations"),  # an activity may be held at a service station
    ("pairing", "coverage"),  # pairing.services: the uncovered enterprises no one is paired with
    ("teams", "guidance"),  # teams: the yearly assessment shares the instructors' base and four grades
    ("teams", "members"),  # teams: training plans list members' courses; hours come from the study records
    ("teams", "stations"),  # teams: a 党员先锋岗 may be at a service station
}

# Upward imports on main when the contract was written (issue 12), each to be removed by the change named;
# (importer module, imported module). The test fails on any other upward import, and on an entry here
# that no longer occurs (delete it then), so this list only shrinks.
KNOWN_VIOLATIONS = {
    # the grants' scope needs the org tree (a role is held in a unit) and, for the assigned and
    # organisation modes, the ledger: see docs/architecture.md, "accounts and orgs"
    ("xinye.accounts.models", "xinye.orgs.models"),
}


def _floor_of_app(app: str) -> int:
    for i, apps in enumerate(FLOORS):
        if app in apps:
            return i
    raise KeyError(app)


def module_name(path: pathlib.Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def place(module: str) -> tuple[str, int]:
    """(app, floor) of a dotted module name under xinye."""
    parts = module.split(".")
    if len(parts) == 1:  # the xinye package itself: only a docstring
        return "xinye", 0
    app = parts[1]
    rest = parts[2:]
    if rest and (rest[0] in FACE_MODULES or rest[0] in FACE_PACKAGES):
        return app, FACE
    return app, _floor_of_app(app)


def source_modules():
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.relative_to(SRC).parts:
            continue
        yield path


def imports_of(path: pathlib.Path):
    """(line, imported module) for every absolute `xinye…` import in the file, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module == "xinye" or (node.level and not node.module):
                # `from xinye import ledger` / `from . import x`: the names are modules
                for alias in node.names:
                    yield node.lineno, f"{module}.{alias.name}"
            else:
                yield node.lineno, module
        elif isinstance(node, ast.Call):
            app = _model_reference(node)
            if app is not None:
                yield node.lineno, f"xinye.{app}.models"


RELATIONS = {"ForeignKey", "OneToOneField", "ManyToManyField"}


def _model_reference(call: ast.Call) -> str | None:
    """The app named by a lazy model reference — `ForeignKey("portal.Worker")`, `apps.get_model("ledger",
    "Enterprise")` — which depends on another app as surely as an import does, without one."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    first = call.args[0] if call.args else None
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return None
    if name in RELATIONS and "." in first.value:
        app = first.value.split(".")[0]
    elif name == "get_model":
        app = first.value.split(".")[0]
    else:
        return None
    return app if (SRC / app / "__init__.py").exists() else None


def edges():
    """(path, line, importer module, imported module) for every import of a xinye module."""
    for path in source_modules():
        importer = module_name(path)
        for line, imported in imports_of(path):
            if imported == "xinye" or imported.startswith("xinye."):
                yield path, line, importer, imported


def violations() -> list[str]:
    """Every import that breaks the floors, as "path:line: what imports what" (KNOWN_VIOLATIONS included)."""
    return [v for _, v in _violations()]


def _violations() -> list[tuple[tuple[str, str], str]]:
    found = []
    for path, line, importer, imported in edges():
        src_app, src_floor = place(importer)
        dst_app, dst_floor = place(imported)
        if src_app == dst_app and src_floor >= dst_floor:
            continue
        where = f"{path.relative_to(SRC.parent.parent)}:{line}"
        if dst_floor > src_floor:
            message = (
                f"{where}: {importer} (floor {src_floor}) imports {imported} (floor {dst_floor}, higher)"
            )
            found.append(((importer, imported), message))
        elif dst_floor == src_floor and src_floor != FACE and (src_app, dst_app) not in SAME_FLOOR:
            message = f"{where}: {importer} imports {imported}: same floor, not in SAME_FLOOR"
            found.append(((importer, imported), message))
    return found


def test_every_app_has_a_floor():
    apps = {p.name for p in SRC.iterdir() if (p / "__init__.py").exists()}
    modules = {p.stem for p in SRC.glob("*.py") if p.stem != "__init__"}
    placed = {app for floor in FLOORS for app in floor}
    assert apps | modules <= placed, f"give these a floor in FLOORS: {sorted((apps | modules) - placed)}"


def test_same_floor_allowances_are_acyclic():
    graph = defaultdict(set)
    for a, b in SAME_FLOOR:
        assert _floor_of_app(a) == _floor_of_app(b), f"{a} → {b} is not a same-floor import"
        graph[a].add(b)
    # Forbid cycles between apps, but report each one so it can be broken.
    cycles = set()

    def visit(node, stack):
        for nxt in graph[node]:
            if nxt in stack:
                cycles.add(tuple(stack[stack.index(nxt) :] + [nxt]))
            else:
                visit(nxt, stack + [nxt])

    for start in list(graph):
        visit(start, [start])
    assert not cycles, "cycles between same-floor apps:\n" + "\n".join(" → ".join(c) for c in sorted(cycles))


def test_no_lower_floor_imports_a_higher_one():
    found = _violations()
    new = [message for key, message in found if key not in KNOWN_VIOLATIONS]
    gone = KNOWN_VIOLATIONS - {key for key, _ in found}
    assert not new, f"{len(new)} imports break the floors (docs/architecture.md):\n" + "\n".join(new)
    assert not gone, f"fixed — delete from KNOWN_VIOLATIONS: {sorted(gone)}"


def private_imports():
    """ "path:line: importer imports name from module" for every `from xinye.<app>… import _name` whose
    module lies in another app: a leading underscore means "this app's own", so another app that needs it
    asks for a public function instead (gap 3 of gaps2: grading used coverage's `_by_enterprise`)."""
    found = []
    for path in source_modules():
        importer = module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            absolute = isinstance(node, ast.ImportFrom) and not node.level
            if not (absolute and (node.module or "").startswith("xinye.")):
                continue
            if place(importer)[0] == node.module.split(".")[1]:
                continue
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    where = f"{path.relative_to(SRC.parent.parent)}:{node.lineno}"
                    found.append(f"{where}: {importer} imports {alias.name} from {node.module}")
    return found


def test_no_app_imports_another_apps_private_names():
    found = private_imports()
    assert not found, "private names imported across apps — make them public (and document them):\n" + (
        "\n".join(found)
    )


def test_private_imports_sees_a_cross_app_underscore(tmp_path, monkeypatch):
    pkg = tmp_path / "xinye"
    for app in ("grading", "coverage"):
        (pkg / app).mkdir(parents=True)
        (pkg / app / "__init__.py").write_text("")
    (pkg / "grading" / "services.py").write_text("from xinye.coverage.services import _hidden, shown\n")
    (pkg / "coverage" / "services.py").write_text("from xinye.coverage.models import _own\n")
    monkeypatch.setitem(globals(), "SRC", pkg)  # the scan reads the module's SRC
    found = private_imports()
    assert len(found) == 1 and "_hidden" in found[0] and "grading" in found[0]


# --- the write door: services take a required actor ---------------------------------------------------


# The change log's recorders witness writes made through the services (the audit signals call them) and
# take who acted from the request context (core.context); they are not a write door of their own.
WITNESSES = {"xinye.audit.services"}


def services_modules():
    """Every `xinye.<app>.services` module and every submodule of a `services` package (the change log's
    witnesses aside)."""
    names = []
    for app in sorted(p.name for p in SRC.iterdir() if (p / "__init__.py").exists()):
        if (SRC / app / "services.py").exists():
            names.append(f"xinye.{app}.services")
        elif (SRC / app / "services" / "__init__.py").exists():
            package = importlib.import_module(f"xinye.{app}.services")
            names.append(package.__name__)
            for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
                names.append(info.name)
    return [n for n in names if n not in WITNESSES]


def unguarded(module) -> list[str]:
    """Public functions defined in `module`, not in its READS, without a required keyword-only actor."""
    reads = set(getattr(module, "READS", ()))
    bad = []
    for name, obj in vars(module).items():
        func = inspect.unwrap(obj) if callable(obj) and not inspect.isclass(obj) else obj
        # Decorated functions count (transaction.atomic, lru_cache): they are unwrapped to the function.
        if name.startswith("_") or not inspect.isfunction(func) or func.__module__ != module.__name__:
            continue
        if name in reads:
            continue
        params = inspect.signature(func).parameters
        door = [
            p
            for p in params.values()
            if p.name in ("actor", "worker") and p.kind is p.KEYWORD_ONLY and p.default is p.empty
        ]
        if not door:
            bad.append(f"{module.__name__}.{name}{inspect.signature(func)}")
    return bad


def test_services_modules_are_found():
    names = services_modules()
    assert "xinye.ledger.services" in names or any(n.startswith("xinye.ledger.services.") for n in names)


def test_every_write_takes_a_required_actor():
    """A service function either writes — and then cannot be called without saying who does it — or is
    named in its module's READS. The message lists every offender."""
    bad = []
    stale = []
    for name in services_modules():
        module = importlib.import_module(name)
        bad += unguarded(module)
        defined = {n for n, f in vars(module).items() if callable(f)}
        stale += [
            f"{name}.READS names {r!r}, which is not defined there"
            for r in getattr(module, "READS", ())
            if r not in defined
        ]
    message = []
    if bad:
        message.append(
            f"{len(bad)} public service functions have no required keyword-only `actor`/`worker` "
            "and are not listed in their module's READS:\n  " + "\n  ".join(bad)
        )
    if stale:
        message.append("\n".join(stale))
    assert not message, "\n".join(message)


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("xinye.core.crypto", ("core", 0)),
        ("xinye.ledger.services", ("ledger", 3)),
        ("xinye.workers.models", ("workers", 4)),
        ("xinye.portal.services", ("portal", FACE)),
        ("xinye.ledger.admin", ("ledger", FACE)),
        ("xinye.coverage.management.commands.coverage_refresh", ("coverage", FACE)),
        ("xinye.console.admin", ("console", FACE)),
        ("xinye.urls", ("urls", FACE)),
    ],
)
def test_place(module, expected):
    assert place(module) == expected


def test_unguarded_names_exactly_the_writes_without_a_required_actor():
    import types

    module = types.ModuleType("xinye.fake.services")
    source = """
import functools
from django.db import transaction
from xinye.core.geo import distance_m  # imported: not this module's

READS = ("lookup",)

def lookup(pk): ...
@transaction.atomic
def good(obj, *, actor): ...
def portal_write(*, worker, key): ...
def optional(obj, *, actor=None): ...
def positional(obj, actor): ...
@functools.lru_cache
def cached(obj): ...
def _private(obj): ...
"""
    exec(compile(source, "fake_services.py", "exec"), module.__dict__)  # a fixed source, defined in `module`
    bad = {line.split("(")[0].rsplit(".", 1)[1] for line in unguarded(module)}
    assert bad == {"optional", "positional", "cached"}
