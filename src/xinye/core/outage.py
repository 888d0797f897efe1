"""The database is unreachable (PostgreSQL restarting, a network cut): every face answers at once with 503
and a Chinese message instead of a 500 traceback page, and recovers by itself — Django opens a new
connection on the next request (CONN_HEALTH_CHECKS drops a persistent connection that died), and a write
that was cut off was inside its service's transaction, so nothing is left half-written.

`settings.handler500` points at `xinye.console.views.server_error`, which asks `is_database_down` about the
exception being handled: Django routes any uncaught exception there, whichever middleware or view raised
it (session loading, authentication, the view's own queries, the session save)."""

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = 5


def is_database_down(exc: BaseException | None) -> bool:
    """A connection-level database error (refused, reset, timed out, server shutting down), not a bug."""
    return isinstance(exc, OperationalError | InterfaceError)


def message() -> str:
    return _("数据库暂时无法连接，系统正在自动恢复，请稍后重试；您刚才的操作未保存，不会重复提交。")


def unavailable_response(path: str) -> HttpResponse:
    """503 for the API (JSON `detail`) or a page (portal, console) — rendered without the database."""
    if path.startswith(("/api/", "/open311/")):
        response = JsonResponse({"detail": message()}, status=503, json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message()}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
