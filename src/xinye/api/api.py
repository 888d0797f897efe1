"""The API at /api/v1/ (django-ninja). Each app contributes `router` in its api.py; found automatically."""

import functools
import importlib
import pkgutil

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import REF_TEMPLATE
from pydantic import BaseModel

from xinye.accounts.writes import refusal_messages
from xinye.api import conditional
from xinye.api.auth import AUTH
from xinye.core.errors import Stale


class ErrorItem(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """Every error answer: `detail` in Chinese; `errors` lists the fields at fault (422)."""

    detail: str
    errors: list[ErrorItem] | None = None


# The error answers an operation can give — the one table of them — declared in the OpenAPI document from what
# the operation takes: every authenticated one can answer 401, 403 and 404 (a path parameter, a reference in a
# filter or a body, or the caller's own record, looked up in scope); one with a body 400 (not JSON); one marked
# `@conditional("write")` 412 (a stale If-Match, `api.conditional`); one with any input 422 (a bad value or
# `Refused`).
ERROR_RESPONSES = {
    400: "请求体不是有效的 JSON",
    401: "未登录或令牌无效",
    403: "无权执行此操作",
    404: "对象不存在或不在您的管辖范围内",
    412: "If-Match 与对象当前版本不符：此记录已被他人修改，本次修改未保存",
    422: "请求参数有误，或规则不允许（Refused）：detail 为中文说明，errors 列出字段",
}
# A 412 also carries the current version (to start again from) and its body is `detail` alone.
_STALE = {
    "headers": conditional.ETAG_HEADER,
    "content": {
        "application/json": {
            "schema": {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
        }
    },
}


def _error_codes(operation: dict) -> list[int]:
    params = operation.get("parameters") or []
    body = "requestBody" in operation
    codes = []
    if body:
        codes.append(400)
    if operation.get("security"):
        codes += [401, 403, 404]
    elif any(p.get("in") == "path" for p in params):
        codes.append(404)
    if conditional.is_write(operation):
        codes.append(412)
    if body or params:
        codes.append(422)
    return codes


class XinyeAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document also declares the error answers (issue 18 item 10), with conditional
    requests on versioned objects (`api.conditional`): the answer carries the ETag of the object the request
    named, and the document declares ETag, If-Match and 412."""

    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        conditional.add_etag(request, response)
        return response

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        document = conditional.document(
            super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        )
        error = ErrorOut.model_json_schema(ref_template=REF_TEMPLATE)
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        schemas.update(error.pop("$defs", {}))
        schemas["ErrorOut"] = error
        content = {"application/json": {"schema": {"$ref": REF_TEMPLATE.format(model="ErrorOut")}}}
        for operations in document["paths"].values():
            for operation in operations.values():
                responses = operation["responses"]
                for code in _error_codes(operation):
                    answer = {"description": ERROR_RESPONSES[code], "content": content}
                    responses.setdefault(code, answer | _STALE if code == 412 else answer)
        return document


# ninja's own refusals, in Chinese (they reach the client through `_http_error`)
NINJA_MESSAGES = {"Cannot parse request body": "请求体不是有效的 JSON", "CSRF check Failed": "CSRF 校验失败"}

api = XinyeAPI(
    title="新业 API",
    version="1",
    description="新业态新就业群体党建工作平台。所有接口与工作台同一权限：超出管辖范围的对象一律返回 404。",
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": "对象不存在或不在您的管辖范围内"}, status=404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(request, {"detail": "未登录或令牌无效"}, status=401)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "无权执行此操作"}, status=403)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    detail = NINJA_MESSAGES.get(str(exc), str(exc))
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc):
    errors = [{"field": _field(e.get("loc", ())), "message": _chinese(e)} for e in exc.errors]
    detail = "请求参数有误"
    if len(errors) == 1:
        detail += f"：{errors[0]['field'] or _('请求体')} {errors[0]['message']}"
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


def _field(loc) -> str:
    """The client's name for the field: ("query", "offset") → offset; ("body", "payload", "items", 0, "id") →
    items.0.id (the body's parameter name is the view's, not the client's)."""
    parts = list(loc[1:])
    if loc and loc[0] == "body" and len(parts) > 1:
        parts = parts[1:]
    return ".".join(str(p) for p in parts)


def _chinese(error: dict) -> str:
    """pydantic's reason for a bad value, in Chinese (its own messages are English)."""
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    messages = {
        "missing": _("为必填项"),
        "none_required": _("须为空"),
        "int_parsing": _("须为整数"),
        "int_type": _("须为整数"),
        "int_from_float": _("须为整数"),
        "float_parsing": _("须为数字"),
        "float_type": _("须为数字"),
        "decimal_parsing": _("须为数字"),
        "decimal_type": _("须为数字"),
        "finite_number": _("须为有限的数"),
        "bool_parsing": _("须为 true 或 false"),
        "bool_type": _("须为 true 或 false"),
        "string_type": _("须为文本"),
        "list_type": _("须为列表"),
        "dict_type": _("须为对象"),
        "model_type": _("须为对象"),
        "model_attributes_type": _("须为对象"),
        "date_parsing": _("须为日期（YYYY-MM-DD）"),
        "date_from_datetime_parsing": _("须为日期（YYYY-MM-DD）"),
        "date_type": _("须为日期（YYYY-MM-DD）"),
        "datetime_parsing": _("须为日期时间（ISO 8601）"),
        "datetime_from_date_parsing": _("须为日期时间（ISO 8601）"),
        "datetime_type": _("须为日期时间（ISO 8601）"),
        "time_parsing": _("须为时间（HH:MM）"),
        "uuid_parsing": _("须为 UUID"),
        "json_invalid": _("不是有效的 JSON"),
        "string_pattern_mismatch": _("格式不符"),
        "enum": _("须为以下之一：{expected}"),
        "literal_error": _("须为以下之一：{expected}"),
        "greater_than": _("须大于 {gt}"),
        "greater_than_equal": _("须不小于 {ge}"),
        "less_than": _("须小于 {lt}"),
        "less_than_equal": _("须不大于 {le}"),
        "string_too_short": _("至少 {min_length} 个字符"),
        "string_too_long": _("最多 {max_length} 个字符"),
        "too_short": _("至少 {min_length} 项"),
        "too_long": _("最多 {max_length} 项"),
        "decimal_max_digits": _("最多 {max_digits} 位数字"),
        "decimal_max_places": _("小数最多 {decimal_places} 位"),
        "decimal_whole_digits": _("整数部分最多 {whole_digits} 位"),
    }
    if kind in messages:
        return messages[kind].format(**{k: v for k, v in ctx.items()})
    if kind in ("value_error", "assertion_error") and isinstance(ctx.get("error"), Exception):
        return str(ctx["error"])  # our own validators raise with a Chinese message
    return _("取值无效")


# Every integer a client sends must fit a signed 64-bit column (SQLite's INTEGER, PostgreSQL's bigint):
# a larger one is refused at the door, for every operation, before any query sees it.
INT_LIMIT = 2**63 - 1


def _out_of_range(value, path: str):
    """The first integer in `value` (a parsed parameter or body) beyond INT_LIMIT, as (field, value)."""
    if isinstance(value, BaseModel):
        value = value.__dict__
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return (path, value) if abs(value) > INT_LIMIT else None
    if isinstance(value, dict):
        items = ((f"{path}.{k}" if path else str(k), v) for k, v in value.items())
    elif isinstance(value, list | tuple | set):
        items = ((f"{path}.{i}", v) for i, v in enumerate(value))
    else:
        return None
    for sub_path, sub in items:
        found = _out_of_range(sub, sub_path)
        if found:
            return found
    return None


def _bounded(view):
    @functools.wraps(view)
    def checked(request, **values):
        for name, value in values.items():
            # a parameter model's own name (filters_in, payload, ninja_pagination) is not the client's field
            found = _out_of_range(value, "" if isinstance(value, BaseModel) else name)
            if found:
                field = found[0]
                raise ValidationError(
                    {field: _("%(field)s 数值超出允许范围（绝对值不超过 2⁶³−1）") % {"field": field}}
                )
        return view(request, **values)

    return checked


@api.exception_handler(Stale)
def _stale(request, exc):
    """Someone saved the row since the caller read it: 412 when the caller's If-Match named the old version.
    A write without If-Match is not checked, so today it never gets here; a service that checks a version of
    its own (a stale refusal without If-Match) would answer 409 Conflict."""
    status = 412 if request.headers.get("If-Match") is not None else 409
    return api.create_response(request, {"detail": refusal_messages(exc)[0]}, status=status)


@api.exception_handler(ValidationError)
def _refused(request, exc):
    """`Refused` (and a model's own ValidationError): a rule said no — 422 with the Chinese message.
    `OutOfScope` is an Http404 (above). Nothing else is a refusal: a ValueError or any other exception
    leaving a service is a bug, logged and answered 500."""
    messages = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    errors = [{"field": k, "message": m} for k, ms in messages.items() for m in ms]
    # One refusal (with or without a field) is its own detail; several are listed under a summary.
    detail = errors[0]["message"] if len(errors) == 1 else "数据校验未通过"
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


def _mount_app_routers() -> None:
    """Every `xinye.<app>.api` and `xinye.<app>.api_<part>` module with a `router` is mounted at /api/v1/."""
    for config in apps.get_app_configs():
        if not config.name.startswith("xinye.") or config.name == "xinye.api":
            continue
        names = sorted(
            info.name
            for info in pkgutil.iter_modules(config.module.__path__)
            if info.name == "api" or info.name.startswith("api_")
        )
        for name in names:
            module = importlib.import_module(f"{config.name}.{name}")
            router = getattr(module, "router", None)
            if router is not None:
                api.add_router("", router, tags=[getattr(module, "TAG", config.verbose_name)])
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                operation.view_func = _bounded(operation.view_func)


_mount_app_routers()
