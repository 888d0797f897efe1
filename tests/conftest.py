"""Shared fixtures: the 通辽 world built through the real demo loaders, clients per demo role."""

import importlib
import os
import pathlib
import pkgutil
import shutil

import pytest
from django.test import Client

WORLD_APPS_DEFAULT = ("orgs", "accounts")


def pytest_configure(config):
    from django.conf import settings

    # Argon2 is the production hasher (tested in tests/accounts); tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = True
    from tests import migrated

    migrated.install()  # the migrated SQLite test database is copied from var/test-db/ (tests/migrated.py)


def build_world() -> dict:
    """The foundation world (org tree + demo accounts) and every app's `tests/<app>/world.py::extend(world)`."""
    from xinye.core.context import actor_context
    from xinye.demo import accounts as accounts_demo
    from xinye.demo import orgs as orgs_demo

    world: dict = {}
    with actor_context(source="system", label="test-world"):
        orgs_demo.load(world)
        accounts_demo.load(world)
        for module in world_extensions():
            module.extend(world)
    return world


def world_extensions():
    import tests

    for info in sorted(pkgutil.iter_modules(tests.__path__), key=lambda m: m.name):
        if info.ispkg:
            try:
                module = importlib.import_module(f"tests.{info.name}.world")
            except ModuleNotFoundError as exc:
                if exc.name == f"tests.{info.name}.world":
                    continue
                raise
            yield module


@pytest.fixture(scope="session")
def _migrate_from_template():
    from tests import migrated

    migrated.activate()  # until the databases exist (django_db_setup below): tests/migrated.py


@pytest.fixture(scope="session")
def django_db_setup(_migrate_from_template, django_db_setup, django_db_blocker):
    from tests import migrated

    migrated.activate(False)  # a test that runs migrate itself migrates for real
    with django_db_blocker.unblock():
        build_world()


@pytest.fixture
def world(db) -> dict:
    """The 通辽 world as a dict of named objects (loaded once per session; lookups only here)."""
    from xinye.accounts.models import User
    from xinye.orgs.models import OrgUnit

    if not OrgUnit.objects.filter(code="tl-zzb").exists():  # a transactional test flushed it
        build_world()
    units = {u.code: u for u in OrgUnit.objects.all()}
    users = {u.username: u for u in User.objects.all()}
    return {"units": units, "users": users}


@pytest.fixture
def rebuild_world_after(django_db_blocker):
    """For transaction=True tests: they flush the database; put the shared world back afterwards."""
    yield
    with django_db_blocker.unblock():
        build_world()


_FULL_DEMO = {"loaded": False}


@pytest.fixture(scope="module")
def full_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The whole 通辽 demo (`xinye demo`'s data set) on top of the world, for tests that only read it (each
    test's own writes roll back). Loaded once for a run of such tests, whichever modules they are in: every
    test using it is marked `xdist_group("full_demo")`, so one worker gets them all, one after the other;
    after the last of them (`pytest_runtest_teardown` below) the database goes back to the plain world."""
    from django.test import override_settings

    from xinye.core.context import actor_context
    from xinye.demo import load_demo

    if not _FULL_DEMO["loaded"]:
        with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media")):
            with actor_context(source="system", label="demo"):
                load_demo()
        _FULL_DEMO["loaded"] = True
    return None


def pytest_collection_modifyitems(config, items):
    """The tests on the full demo run last, one after the other (one load, one unload)."""
    on_demo = [item for item in items if "full_demo" in getattr(item, "fixturenames", ())]
    if on_demo:
        moved = set(on_demo)
        items[:] = [item for item in items if item not in moved] + on_demo


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    if _FULL_DEMO["loaded"] and (nextitem is None or "full_demo" not in nextitem.fixturenames):
        from django.core.management import call_command
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            call_command("flush", interactive=False, verbosity=0)
            build_world()
        _FULL_DEMO["loaded"] = False
    return result


def login(username: str) -> Client:
    """A client signed in as the demo account — past the second factor too, for the accounts that use it
    (tests/accounts/otp.py; tests/accounts/test_otp.py proves a session without it reads nothing)."""
    from tests.accounts.otp import pass_second_factor
    from xinye.accounts.models import User

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    return pass_second_factor(client, user)


@pytest.fixture
def client_for(world):
    return login


@pytest.fixture
def api_client(world):
    """A client authenticated with a real bearer token for the given demo user."""
    from tests.accounts.tokens import token_client

    return token_client


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cards():
    """The 工作台's kept figures (core/cards.py) are forgotten between tests: a test's data is rolled back
    without the model signals that would change their generation."""
    from xinye.core import cards

    cards.forget_all()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Chinese). Django's locale middleware activates the language
    a request asks for and leaves it active on the thread after the response, so one test's English request
    would otherwise turn the next test's messages in the same worker into English."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


# --- browser tests: one Playwright driving the system Chromium for the whole session (never a download) ---

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = pathlib.Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("XINYE_REQUIRE_BROWSER") == "1":
            pytest.fail("系统 Chromium 未安装（/usr/bin/chromium），CI 要求运行浏览器测试")
        pytest.skip("system Chromium not installed")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"]
        )
        yield chromium
        chromium.close()


@pytest.fixture
def artifacts() -> pathlib.Path:
    """Where browser tests leave their screenshots (a CI artefact)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
