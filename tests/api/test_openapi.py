"""The OpenAPI document is right (issue 18 item 10): every schema has its own name, so each operation shows its
own request and response body, and the error answers an operation can give are declared."""

import json
import typing

import pytest
from django.test import Client
from pydantic import BaseModel

from xinye.api.api import api


@pytest.fixture(scope="module")
def document():
    return json.loads(
        json.dumps(api.get_openapi_schema(), default=str)
    )  # as served: status codes are strings


def _schema_of(document, ref_holder):
    ref = ref_holder["$ref"]
    return ref.rsplit("/", 1)[1]


def _body(document, path, method="post"):
    return _schema_of(
        document, document["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    )


def test_the_operations_once_shown_with_another_body_show_their_own(document):
    """POST /visits took the appeal's return-visit body, /assignments/confirm the volunteers' confirmation,
    /hazards/{id}/close a fund's closing; /coverage/joint-proposals answered the instructors' proposals."""
    schemas = document["components"]["schemas"]
    visit = schemas[_body(document, "/api/v1/visits")]
    assert {"enterprise_id", "agent_id", "people_met"} <= set(visit["properties"])
    confirm = schemas[_body(document, "/api/v1/assignments/confirm")]
    assert "items" in confirm["properties"]
    close = schemas[_body(document, "/api/v1/hazards/{report_id}/close")]
    assert {"reason", "duplicate_of"} <= set(close["properties"]) and "performance" not in close["properties"]
    answer = document["paths"]["/api/v1/coverage/joint-proposals"]["get"]["responses"]["200"]
    paged = schemas[_schema_of(document, answer["content"]["application/json"]["schema"])]
    item = _schema_of(document, paged["properties"]["items"]["items"])
    assert {"region", "full_members", "explanation", "enterprises"} <= set(schemas[item]["properties"])


def _models(annotation, found):
    """Every pydantic model reachable from a type annotation."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            _models(field.annotation, found)
        return
    for arg in typing.get_args(annotation):
        _models(arg, found)


def test_no_two_different_schemas_share_a_name():
    """ninja files every schema under its class name; two classes of one name overwrite each other there."""
    found: set[type[BaseModel]] = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                # ninja's own wrappers (the parameter groups, the answer) are not components: what they hold is
                for wrapper in [*operation.models, *operation.response_models.values()]:
                    for field in getattr(wrapper, "model_fields", {}).values():
                        _models(field.annotation, found)
    by_name: dict[str, set[str]] = {}
    for model in found:
        as_json = json.dumps(model.model_json_schema(), sort_keys=True, default=str)
        by_name.setdefault(model.__name__, set()).add(as_json)
    shared = sorted(name for name, shapes in by_name.items() if len(shapes) > 1)
    assert not shared, f"these names stand for different schemas: {shared}"


def test_error_answers_are_declared(document):
    schemas = document["components"]["schemas"]
    assert set(schemas["ErrorOut"]["properties"]) == {"detail", "errors"}
    operations = [(path, method, op) for path, ops in document["paths"].items() for method, op in ops.items()]
    for path, method, op in operations:
        codes = set(op["responses"])
        if op.get("security"):
            assert {"401", "403", "404"} <= codes, (method, path)
        if op.get("parameters") or op.get("requestBody"):
            assert "422" in codes, (method, path)
        for code in codes & {"400", "401", "403", "404"}:
            schema = op["responses"][code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, code)
    # the public ones declare no 401
    assert "401" not in document["paths"]["/api/v1/stations/nearest"]["get"]["responses"]


def test_document_is_served_as_json(world):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "ErrorOut" in response.json()["components"]["schemas"]
