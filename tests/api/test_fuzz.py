"""Schemathesis against the API's own OpenAPI document (issue 18 items 6 and 10).

Every operation of /api/v1/openapi.json is called with generated input, in-process through the WSGI app, as
市级管理员 (`city_admin`), as a county admin (`kerqin_admin`) and anonymously, on the `world` fixture's data
(each test's writes roll back). Checks: no 5xx, every answer's status code is documented, and every answer's
body conforms to the documented schema. Deterministic (derandomized, a fixed example count) so CI is not
flaky; a longer run locally (docs/operations.md, "Fuzzing the API"):

    XINYE_FUZZ_EXAMPLES=100 XINYE_FUZZ_MODES=positive,negative uv run --frozen pytest tests/api/test_fuzz.py
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("XINYE_FUZZ_EXAMPLES", "3"))
MODES = [GenerationMode(m) for m in os.environ.get("XINYE_FUZZ_MODES", "positive").split(",")]
SEED = os.environ.get("XINYE_FUZZ_SEED")  # unset: derandomized, the same cases on every run
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.fixture
def wsgi_app():
    """The Django WSGI app, called in this test's thread and transaction: Django's request signals would
    close the test's database connection after each request (its own test Client disconnects them too)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _headers(world, username):
    from xinye.accounts.permissions import system_actor
    from xinye.accounts.services import create_token

    if username is None:
        return {}
    _, key = create_token(world["users"][username], actor=system_actor("test"))
    return {"Authorization": f"Bearer {key}"}


def _fuzz(operation, headers, examples):
    """Runs one operation; returns the failure report or None."""
    strategy = operation.as_strategy(generation_mode=MODES[0])
    for mode in MODES[1:]:
        strategy |= operation.as_strategy(generation_mode=mode)

    @settings(
        max_examples=examples,
        derandomize=SEED is None,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        print_blob=False,
    )
    @given(case=strategy)
    def run(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)

    if SEED is not None:
        run = hypothesis_seed(int(SEED))(run)
    try:
        run()
    except (Exception, ExceptionGroup) as exc:  # a FailureGroup lists every distinct failure with a curl
        return f"{operation.label}: {exc}"
    return None


@pytest.mark.parametrize(
    "username", ["city_admin", "kerqin_admin", None], ids=["city", "county", "anonymous"]
)
def test_api_survives_fuzzing(world, wsgi_app, username):
    headers = _headers(world, username)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 200
    for operation in operations:
        # anonymously, an operation behind authentication only ever answers 401: one case shows that
        public = not operation.definition.raw.get("security")
        examples = EXAMPLES if (username or public) else 1
        failure = _fuzz(operation, headers, examples)
        if failure:
            failures.append(failure)
    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)
