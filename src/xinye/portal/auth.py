"""Portal sign-in, separate from staff accounts: the worker's id lives in the session under our own key.

Staff auth (django.contrib.auth) is untouched; a browser may hold both. CSRF protection is on for every
portal form (Django's middleware); the session cookie is the only credential.
"""

from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from xinye.core import reads
from xinye.workers import services as worker_services
from xinye.workers.models import NoticeKind, Worker

SESSION_KEY = "xinye_portal_worker_id"
PENDING_KEY = "xinye_portal_pending_phone"  # verified phone awaiting consent (encrypted)
CONSENTED_KEY = "xinye_portal_consented"  # id of the general notice this session's worker is known to accept


def current_worker(request) -> Worker | None:
    cached = getattr(request, "_portal_worker", False)
    if cached is not False:
        return cached
    worker = None
    if hasattr(request, "session"):
        worker_id = request.session.get(SESSION_KEY)
        if worker_id:
            # the row alone (its region and unit load when a page shows them): the submissions need only
            # their ids; read by a statement made once (core.reads), as every signed-in request does it
            worker = reads.by_pk(Worker, worker_id)
            if worker is None:
                request.session.pop(SESSION_KEY, None)
    request._portal_worker = worker
    return worker


def login_worker(request, worker: Worker) -> None:
    request.session.cycle_key()  # no session fixation
    request.session[SESSION_KEY] = worker.pk
    request.session.pop(PENDING_KEY, None)
    request._portal_worker = worker
    Worker.objects.filter(pk=worker.pk).update(last_seen_at=timezone.now())


def logout_worker(request) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.pop(CONSENTED_KEY, None)
    request.session.pop(PENDING_KEY, None)
    request.session.cycle_key()
    request._portal_worker = None


def safe_next(request, default: str = "portal:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=False):
        if target.startswith("/m/"):
            return target
    return reverse(default)


def worker_required(view):
    """Signed-in worker who accepted the current general privacy notice; else off to sign in / consent,
    coming back to this page afterwards."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        worker = current_worker(request)
        if worker is None:
            return redirect(f"{reverse('portal:login')}?{urlencode({'next': request.get_full_path()})}")
        current = worker_services.current_notice_id(NoticeKind.GENERAL)
        if current is None or request.session.get(CONSENTED_KEY) != current:
            # checked against the database once per session and notice version
            if not worker_services.has_consent(worker, NoticeKind.GENERAL):
                return redirect(f"{reverse('portal:consent')}?{urlencode({'next': request.get_full_path()})}")
            request.session[CONSENTED_KEY] = current
        request.worker = worker
        return view(request, *args, **kwargs)

    return wrapped
