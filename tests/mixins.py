"""Generic write-door tests, reused for every object type (NetBox's ViewTestCases; issue 12, item 7).

`WriteDoorTests` is mixed into a test class parametrized over `otype` (every type registered in
tests/matrix.py's REGISTRY by tests/<app>/matrix_types.py) and `username` (a demo role). For each, with
the objects the permission matrix builds (one inside the role's scope, one outside):

- console create (a new row placed outside the role's scope), change and delete of an out-of-scope
  object are refused and change nothing;
- API writes on an out-of-scope object (PATCH/DELETE on the detail URL and the type's action endpoints
  in API_WRITES) answer 404 and change nothing;
- a console change that would *move* an in-scope object out of the writer's scope (its unit, or its
  parent for an organisation unit) is refused — a form error or 404 — and the row is as it was, while
  the same form without the move saves (so the refusal is the scope's, not a broken form).

Rows are compared field by field before and after. The form data is built from the admin's own form for
the object (`console_form_data`), so a type needs no hand-written POST data to be covered.
"""

import contextlib
import datetime
import decimal

import pytest
from django.contrib import admin
from django.db.models import ProtectedError
from django.forms import MultiWidget
from django.test import RequestFactory
from django.urls import reverse

from tests.accounts.test_permission_matrix import _fresh, _scope_objects
from tests.matrix import REGISTRY, ROLE_UNITS, load_registrations
from xinye.accounts.models import User
from xinye.accounts.permissions import in_scope
from xinye.core.scope import spec_for

load_registrations()

# A few roles, not all twelve — the suite runs on SQLite and PostgreSQL and must stay fast: a county, an
# industry committee (narrowed by industry), an assigned-enterprises role and a tree role narrowed to one
# organisation. Not the city admin: nothing is outside its scope, so every test here would skip.
ROLES = ("kerqin_admin", "rider_committee_admin", "instructor", "secretary")

# The API's object-level writes besides PATCH/DELETE on the detail URL: (method, path, JSON body). Bodies
# are valid for the endpoint's schema, so a 422 from validation cannot stand in for the 404.
API_WRITES = {
    "appeals.appeal": [
        ("post", "/api/v1/appeals/{pk}/accept", {}),
        ("post", "/api/v1/appeals/{pk}/reject", {"text": "不属于受理范围"}),
        ("post", "/api/v1/appeals/{pk}/dispatch", {"units": [], "instruction": "请核实"}),
        ("post", "/api/v1/appeals/{pk}/extend", {"text": "情况复杂"}),
        ("post", "/api/v1/appeals/{pk}/answer", {"text": "已协调解决"}),
        ("post", "/api/v1/appeals/{pk}/close", {}),
        ("post", "/api/v1/appeals/{pk}/visit", {"note": "满意", "satisfied": True}),
    ],
    "appeals.appealtask": [
        ("post", "/api/v1/appeal-tasks/{pk}/sign", {}),
        ("post", "/api/v1/appeal-tasks/{pk}/progress", {"note": "已联系企业", "public": False}),
        ("post", "/api/v1/appeal-tasks/{pk}/answer", {"text": "已解决"}),
        ("post", "/api/v1/appeal-tasks/{pk}/finish", {}),
        ("post", "/api/v1/appeal-tasks/{pk}/return", {"text": "派错单位"}),
    ],
    "guidance.visit": [("post", "/api/v1/visits/{pk}/problems", {"description": "消防通道堵塞"})],
    "guidance.visitproblem": [
        ("post", "/api/v1/visit-problems/{pk}/status", {"status": "resolved", "resolution": "已整改"}),
        ("post", "/api/v1/visit-problems/{pk}/appeal", {}),
    ],
    "hazards.hazardreport": [
        ("post", "/api/v1/hazards/{pk}/status", {"status": "confirmed", "note": ""}),
        ("post", "/api/v1/hazards/{pk}/notes", {"note": "已派人查看", "public": True}),
        ("post", "/api/v1/hazards/{pk}/close", {"reason": "handled", "note": ""}),
    ],
    "ledger.enterprise": [("patch", "/api/v1/enterprises/{pk}", {"name": "改名企业"})],
    "ledger.practitioner": [("patch", "/api/v1/practitioners/{pk}", {"name": "改名"})],
    "ledger.formationcase": [
        ("post", "/api/v1/formation-cases/{pk}/transitions", {"to_state": "approved", "note": ""}),
    ],
    "members.developmentcase": [
        ("post", "/api/v1/members/development-cases/{pk}/steps", {"step": 2, "date": "2026-03-02"}),
        (
            "post",
            "/api/v1/members/development-cases/{pk}/extend-probation",
            {"months": 6, "decided_on": "2026-03-02", "reason": "考察"},
        ),
    ],
    "members.transferletter": [
        ("post", "/api/v1/members/transfers/{pk}/receipt", {"received_on": "2026-03-05"}),
        ("post", "/api/v1/members/transfers/{pk}/cancel", {}),
    ],
    "orglife.meeting": [
        ("patch", "/api/v1/meetings/{pk}", {"topic": "改"}),
        ("post", "/api/v1/meetings/{pk}/attendance", []),
    ],
    "orgs.orgunit": [("patch", "/api/v1/org-units/{pk}", {"name": "改名"})],
    "stations.station": [("post", "/api/v1/stations/{pk}/status", {"status": "closed"})],
}
# …and those a type declares itself (MatrixType.api_writes, in its app's tests/<app>/matrix_types.py).
API_WRITES.update({otype: list(m.api_writes) for otype, m in REGISTRY.items() if m.api_writes})


def snapshot(obj) -> dict | None:
    """Every concrete field of the row as stored now (None once it is gone)."""
    fresh = _fresh(obj)
    if fresh is None:
        return None
    return {f.attname: getattr(fresh, f.attname) for f in type(obj)._meta.concrete_fields}


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _post_value(field, value):
    if isinstance(value, bool):
        return "on" if value else None
    if value is None:
        return ""
    if isinstance(value, datetime.date | datetime.time | decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return value


def console_form_data(user, obj, *, add: bool = False) -> dict:
    """The POST data of the console's change form for `obj` as `user` sees it, unchanged: each field's
    current value as its widget reads it back, and empty management forms for the inlines. With `add`,
    the add form's fields filled with `obj`'s values (a copy of `obj` through the add form)."""
    model_admin = admin.site._registry[type(obj)]
    request = RequestFactory().get("/")
    request.user = user
    form_obj = None if add else obj
    form = model_admin.get_form(request, form_obj, change=not add)(instance=obj)
    data = {}
    for name, field in form.fields.items():
        if field.disabled or getattr(field.widget, "input_type", "") == "file":
            continue
        value = form[name].value()
        if isinstance(field.widget, MultiWidget):
            parts = value if isinstance(value, list | tuple) else field.widget.decompress(value)
            for suffix, part in zip(field.widget.widgets_names, parts, strict=False):
                data[f"{name}{suffix}"] = _post_value(field, part)
            continue
        value = _post_value(field, value)
        if value is not None:
            data[name] = value
    prefixes: dict[str, int] = {}
    for formset, _inline in model_admin.get_formsets_with_inlines(request, form_obj):
        prefix = formset.get_default_prefix()
        prefixes[prefix] = prefixes.get(prefix, 0) + 1
        if prefixes[prefix] != 1 or not prefix:
            prefix = f"{prefix}-{prefixes[prefix]}"
        data[f"{prefix}-TOTAL_FORMS"] = 0
        data[f"{prefix}-INITIAL_FORMS"] = 0
    return data


def placement_field(model) -> str | None:
    """The form field that places a row in a unit: the ScopeSpec's unit when it is a direct foreign key,
    the parent for the units themselves; None when scope hangs from a related object."""
    spec = spec_for(model)
    if spec is None or spec.everywhere:
        return None
    if spec.unit == "":
        return "parent"
    return spec.unit if "__" not in spec.unit else None


class WriteDoorTests:
    """Parametrize the subclass with `otype` and `username`; `world` and `client_for` come from conftest."""

    @pytest.fixture
    def case(self, request, world, otype, username, client_for):
        mtype = REGISTRY[otype]
        test = request.function.__name__
        if "console" in test and not mtype.console:
            pytest.skip("not edited in the console")
        if "api" in test and not mtype.api_detail and otype not in API_WRITES:
            pytest.skip("no API detail")
        if username in mtype.skip_roles:
            pytest.skip("role not applicable to this type")
        if ROLE_UNITS[username][1] is None:
            pytest.skip("nothing is outside this role's scope")
        user, in_obj, out_obj = _scope_objects(world, username, mtype)
        return {
            "mtype": mtype,
            "user": user,
            "in": in_obj,
            "out": out_obj,
            "model": type(in_obj),
            "client": client_for(username),
            "out_unit": world["units"].get(ROLE_UNITS[username][1]),
        }

    @staticmethod
    def _need_out(case):
        if case["out"] is None:
            pytest.skip("nothing is outside this role's scope")
        if spec_for(case["model"]).everywhere:
            pytest.skip("reference data: every grant covers every row")

    @staticmethod
    def _need_console(case):
        if not case["mtype"].console:
            pytest.skip("not edited in the console")

    def test_console_create_out_of_scope(self, case):
        """An add form placing the new row outside the writer's scope saves nothing, and where the type has
        a placement field the refusal is on that field (or the form's scope error), not elsewhere.

        The data is the in-scope matrix object's own, read through the add form by a user who may edit it
        and moved to a unit of the same kind outside the writer's scope (for types placed through a
        related object: the out-of-scope object's own data). Both objects are deleted first so their
        unique values (codes, names) do not refuse the form for another reason."""
        self._need_console(case)
        self._need_out(case)
        model, in_obj, out_obj, user = case["model"], case["in"], case["out"], case["user"]
        editor = User.objects.get(username="city_admin")
        field = placement_field(model)
        data = console_form_data(editor, in_obj, add=True)
        placed = field in data
        if placed:
            data[field] = _outside(user, model, getattr(in_obj, field), case["out_unit"]).pk
        else:
            data = console_form_data(editor, out_obj, add=True)
        for obj in (in_obj, out_obj):
            with contextlib.suppress(ProtectedError):
                obj.delete()

        before = set(model._default_manager.values_list("pk", flat=True))
        response = case["client"].post(admin_url(model, "add"), data)
        after = set(model._default_manager.values_list("pk", flat=True))
        assert response.status_code in (200, 403, 404), f"out-of-scope create answered {response.status_code}"
        assert after == before, "an out-of-scope console create saved a row"
        if response.status_code == 200 and placed:
            errors = _form(response).errors
            scope_error = any("管辖范围" in e for e in errors.get("__all__", []))
            assert field in errors or scope_error, f"refused, but not for its {field}: {_errors(response)}"

    def test_console_change_out_of_scope(self, case):
        self._need_console(case)
        self._need_out(case)
        model, out_obj = case["model"], case["out"]
        before = snapshot(out_obj)
        change_data = case["mtype"].change_data
        editor = User.objects.get(username="city_admin")
        # the type's own edit when it registers one, else the whole form as someone who may edit it shows it
        data = change_data(out_obj) if change_data else console_form_data(editor, out_obj)
        response = case["client"].post(admin_url(model, "change", out_obj.pk), data)
        assert response.status_code == 404
        assert snapshot(out_obj) == before, "an out-of-scope console change wrote the row"

    def test_console_delete_out_of_scope(self, case):
        self._need_console(case)
        self._need_out(case)
        model, out_obj = case["model"], case["out"]
        before = snapshot(out_obj)
        response = case["client"].post(admin_url(model, "delete", out_obj.pk), {"post": "yes"})
        assert response.status_code == 404
        assert snapshot(out_obj) == before, "an out-of-scope console delete removed or changed the row"

    def test_api_write_out_of_scope(self, case):
        """PATCH and DELETE on the detail URL (404, or 405 where the API has no such write) and every
        object-level action endpoint (404) leave an out-of-scope row as it was."""
        self._need_out(case)
        mtype, out_obj = case["mtype"], case["out"]
        if not mtype.api_detail and case["model"]._meta.label_lower not in API_WRITES:
            pytest.skip("no API detail")
        client, before = case["client"], snapshot(out_obj)
        answers = []
        extra = API_WRITES.get(mtype.otype, ())
        if mtype.api_detail:
            url = mtype.api_detail.format(pk=out_obj.pk)
            for method in ("patch", "put", "delete"):
                if any(m == method and p.format(pk=out_obj.pk) == url for m, p, _ in extra):
                    continue
                status = getattr(client, method)(url, {}, content_type="application/json").status_code
                if status not in (404, 405):
                    answers.append(f"{method.upper()} {url} → {status}")
        for method, path, body in extra:
            url = path.format(pk=out_obj.pk)
            status = getattr(client, method)(url, body, content_type="application/json").status_code
            if status != 404:
                answers.append(f"{method.upper()} {url} → {status}")
        assert snapshot(out_obj) == before, "an out-of-scope API write changed the row"
        assert not answers, "out-of-scope API writes not answered 404:\n" + "\n".join(answers)

    def test_console_move_out_of_scope(self, case):
        """Changing an in-scope row's unit (a unit's parent) to one outside the writer's scope is refused
        and rolled back — NetBox's post-write check — while the unchanged form saves."""
        self._need_console(case)
        self._need_out(case)
        model, in_obj, user = case["model"], case["in"], case["user"]
        field = placement_field(model)
        if field is None:
            pytest.skip("scope hangs from a related object; moving it is that object's write")
        if not in_scope(user, "change", in_obj):
            pytest.skip("the role may not change this type")
        request = RequestFactory().get("/")
        request.user = user
        if not admin.site._registry[model].has_change_permission(request, in_obj):
            pytest.skip("the console does not change this type for this role")
        data = console_form_data(user, in_obj)
        if field not in data:
            pytest.skip(f"the console form does not edit {field}")
        url = admin_url(model, "change", in_obj.pk)
        control = case["client"].post(url, data)
        # the builders place rows where the type's own rules accept them (tests/matrix.py, "placements")
        assert control.status_code == 302, f"the unchanged console form did not save: {_errors(control)}"

        before = snapshot(in_obj)
        moved = dict(data, **{field: _outside(user, model, getattr(in_obj, field), case["out_unit"]).pk})
        response = case["client"].post(url, moved)
        assert response.status_code in (200, 404), f"a move out of scope answered {response.status_code}"
        if response.status_code == 200:
            assert _errors(response), "a move out of scope showed the form again without an error"
        assert snapshot(in_obj) == before, "a move out of scope was written"


def _outside(user, model, unit, fallback):
    """A unit of the same kind as `unit` where `user` may not place a `model` row (so the move is refused
    for its scope, not for its kind), else `fallback`."""
    from xinye.accounts.permissions import unit_in_scope
    from xinye.orgs.models import OrgUnit

    for other in OrgUnit.objects.filter(kind=unit.kind, industry=unit.industry).exclude(pk=unit.pk)[:200]:
        if not unit_in_scope(user, "change", model, other):
            return other
    return fallback


def _form(response):
    context = getattr(response, "context", None)
    return context["adminform"].form if context and "adminform" in context else None


def _errors(response) -> str:
    form = _form(response)
    if form is None:
        return f"status {response.status_code}"
    context = response.context
    inline = [fs.formset.errors for fs in context.get("inline_admin_formsets", []) if any(fs.formset.errors)]
    return f"{form.errors.as_data() or ''} {inline or ''}".strip()
