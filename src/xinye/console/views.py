"""Health checks, the landing page and uploaded files (served only to those who may see their record)."""

import sys

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.migrations.executor import MigrationExecutor
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.static import serve

from xinye.accounts.permissions import object_type, restrict
from xinye.console import health
from xinye.core import outage

# Station photos are shown on the public portal page of their station.
PUBLIC_FILES = {"stations.stationphoto", "honours.exemplarphoto"}
# Photos attached to an appeal are about a person (domain.md privacy): view_sensitive, and logged.
SENSITIVE_FILES = {"appeals.appealphoto"}


def server_error(request):
    """handler500: an unreachable database is an outage, not a bug — 503 with a Chinese message (JSON
    `detail` for the API) that tells the user to retry; anything else is Django's 500 page (500.html)."""
    if outage.is_database_down(sys.exc_info()[1]):
        return outage.unavailable_response(request.path)
    return defaults.server_error(request)


@never_cache
def healthz(request):
    """The process is alive. Reveals nothing about versions."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """Ready to serve: the database answers, every migration is applied and the data directory has room
    (each failure: 503). The cache and the age of the newest backup are reported and only flagged (`cache`,
    `backup_ok` false): sessions fall back to the database without the cache, and a late backup is the
    operator's alarm — neither is a reason for a load balancer to take every server out. No versions.
    Thresholds: docs/operations.md (XINYE_READYZ_*)."""
    body: dict = {"status": "ok"}
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:  # noqa: BLE001 - any failure means not ready
        body |= {"database": False, "migrations": None}
    else:
        body |= {"database": True, "migrations": not pending}
    body["cache"] = health.cache_ok()
    body |= health.disk()
    body |= health.last_backup()
    ready = body["database"] and body["migrations"] and body["disk_ok"]
    if not ready:
        body["status"] = "unavailable"
    return JsonResponse(body, status=200 if ready else 503)


def home(request):
    return render(request, "console/home.html")


def _file_owner(path: str):
    """(model, row) of the record that holds the uploaded file `path`, or None for a file nobody owns."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                row = model._default_manager.filter(**{field.name: path}).first()
                if row is not None:
                    return model, row
    return None


@never_cache
def media(request, path: str):
    """An uploaded file, through the same door as its record: outside the user's scope it is absent (404).
    File names are guessable (appeal numbers, report ids), so the web server must not serve MEDIA_ROOT."""
    owner = _file_owner(path)
    if owner is None:
        raise Http404
    model, row = owner
    otype = object_type(model)
    if otype not in PUBLIC_FILES:
        action = "view_sensitive" if otype in SENSITIVE_FILES else "view"
        if not restrict(model._default_manager.filter(pk=row.pk), request.user, action).exists():
            raise Http404
        if otype in SENSITIVE_FILES:
            from xinye.audit.services import log_sensitive_access

            log_sensitive_access("view_sensitive", obj=row, fields=[str(model._meta.verbose_name)])
    return serve(request, path, document_root=settings.MEDIA_ROOT)
