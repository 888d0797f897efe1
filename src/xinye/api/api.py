"""The API at /api/v1/ (django-ninja). Each app contributes `router` in its api.py; found automatically."""

import importlib
import pkgutil

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from xinye.accounts.writes import refusal_messages
from xinye.api import conditional
from xinye.api.auth import AUTH
from xinye.core.errors import Stale


class XinyeAPI(NinjaAPI):
    """NinjaAPI with conditional requests on versioned objects (`api.conditional`): the answer carries the
    ETag of the object the request named, and the OpenAPI document declares ETag, If-Match and 412."""

    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        conditional.add_etag(request, response)
        return response

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return conditional.document(schema)


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
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc):
    errors = [
        {"field": ".".join(str(p) for p in e.get("loc", [])[1:]), "message": e.get("msg", "")}
        for e in exc.errors
    ]
    return api.create_response(request, {"detail": "请求参数有误", "errors": errors}, status=422)


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


_mount_app_routers()
