"""Request id and actor context for every request; the content security policy."""

import time

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.http import urlencode

from xinye.accounts.services import otp_device, otp_required
from xinye.core.context import Actor, new_request_id, reset_actor, set_actor
from xinye.core.maps import tile_origins
from xinye.core.net import client_ip


def _source_for(path: str) -> str:
    if path.startswith(("/api/", "/open311/")):
        return "api"
    if path.startswith("/m/"):
        return "portal"
    return "console"


class RequestContextMiddleware:
    """Gives each request an id (echoed as X-Request-ID) before anything else runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming[:64] if incoming.isalnum() else new_request_id()
        token = set_actor(
            Actor(
                request_id=request.request_id,
                source=_source_for(request.path),
                ip=client_ip(request),
            )
        )
        try:
            response = self.get_response(request)
        finally:
            reset_actor(token)
        response["X-Request-ID"] = request.request_id
        return response


class SlidingSessionMiddleware:
    """Renews a live session's expiry (idle timeout, SESSION_COOKIE_AGE) at most once per
    SESSION_RENEW_INTERVAL_SECONDS, instead of writing the session on every request; and ends a signed-in
    session SESSION_ABSOLUTE_SECONDS after its sign-in however active it was (12 hours by default, 等保
    §8.1.4.1). Before authentication runs, so the request that crosses the cap is already signed out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.session_key and not session.is_empty():
            now = int(time.time())
            login_at = session.get("_login_at")
            if login_at is not None and now - login_at >= settings.SESSION_ABSOLUTE_SECONDS:
                session.flush()  # the row goes and the next response clears the cookie
                return self.get_response(request)
            if now - session.get("_renewed_at", 0) >= settings.SESSION_RENEW_INTERVAL_SECONDS:
                session["_renewed_at"] = now  # marks the session modified: saved with a new expiry
        return self.get_response(request)


# Paths an account that has not passed the second factor may still reach: signing in and out, the second
# factor's own pages, static files, health checks. The portal (/m/) signs workers in by SMS, not staff; the
# API answers a session only after the second factor (api.auth) and its tokens are unaffected.
SECOND_FACTOR_OPEN = (
    "/admin/login/",
    "/admin/logout/",
    "/admin/otp/",
    "/admin/jsi18n/",
    "/static/",
    "/i18n/",
    "/healthz",
    "/readyz",
    "/m/",
    "/api/",
    "/open311/",
)


class SecondFactorMiddleware:
    """After authentication and django-otp's middleware: a signed-in account that must use the second factor
    (accounts.services.otp_required), or that has an authenticator, and whose session has not passed it,
    reaches nothing but the code step (/admin/otp/) — or, without an authenticator yet, its enrolment
    (/admin/otp/setup/). 等保 §8.1.4.1 d."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path == "/" or path.startswith(SECOND_FACTOR_OPEN):
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return self.get_response(request)
        device = otp_device(user)
        if device is None and not otp_required(user):
            return self.get_response(request)
        step = "/admin/otp/" if device is not None else "/admin/otp/setup/"
        return HttpResponseRedirect(f"{step}?{urlencode({'next': request.get_full_path()})}")


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's choice of language (the language cookie, Accept-Language) for the staff console and the API.
    The worker portal (/m/) is Chinese whatever the phone's language: its pages are written in Chinese, and
    labels drawn from the shared catalogue — appeal categories, station services — must not switch to English
    beside them. So a portal request skips the detection (parsing Accept-Language on every request of a
    rider's phone), and its answer does not vary by the phone's language."""

    def process_request(self, request):
        if request.path_info.startswith("/m/"):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            return
        super().process_request(request)

    def process_response(self, request, response):
        if request.path_info.startswith("/m/"):
            response.headers.setdefault("Content-Language", settings.LANGUAGE_CODE)
            return response
        return super().process_response(request, response)


class ActorMiddleware:
    """After authentication: records the logged-in user as the actor. API token users are set by the API auth."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            token = set_actor(
                Actor(
                    user=user,
                    request_id=request.request_id,
                    source=_source_for(request.path),
                    ip=client_ip(request),
                )
            )
            try:
                return self.get_response(request)
            finally:
                reset_actor(token)
        return self.get_response(request)


# what django-csp's decorators leave on a response to change its policy: such a response is built anew
_CSP_OVERRIDES = tuple(
    f"_csp_{name}{suffix}" for name in ("exempt", "config", "update", "replace") for suffix in ("", "_ro")
)
_policies: dict[str, tuple] = {}  # kind of page → the headers to set, see ContentSecurityPolicyMiddleware


@receiver(setting_changed)
def _forget_policies(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY") or setting == "XINYE_MAP_TILES":
        _policies.clear()


def _policy_kind(path: str) -> str:
    if path.startswith("/admin/"):
        return "console"
    if path.startswith("/m/"):
        return "portal"
    return "site"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The site-wide CSP (settings.CONTENT_SECURITY_POLICY), plus 'unsafe-eval' for the staff console only
    (django-unfold's Alpine.js evaluates its expressions at run time; the portal and API never get it), and
    the configured map tile server as an image source on the portal.

    The policy depends only on the settings and the kind of page, so the headers of each kind are built once
    and kept until one of those settings changes: django-csp builds them from the settings on every response,
    which was a tenth of a nearest-stations answer. A response that adjusts its own policy (django-csp's
    decorators), or a page that used a nonce, is left to django-csp as it is."""

    def process_response(self, request, response):
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _CSP_OVERRIDES)
            or (settings.DEBUG and response.status_code in (404, 500))
        ):
            return super().process_response(request, response)
        kind = _policy_kind(request.path)
        headers = _policies.get(kind)
        if headers is None:
            headers = _policies[kind] = self._headers(request, response)
        for header, value, excluded in headers:
            if value and header not in response and not request.path_info.startswith(excluded):
                response[header] = value
        # as django-csp: a nonce asked for after the header is written is an error, not a silent gap
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def _headers(self, request, response) -> tuple:
        """(header, value, excluded path prefixes) for the policy and the report-only policy, as django-csp
        builds them for a response with no adjustments of its own."""
        out = []
        for header, report_only, setting in (
            (HEADER, False, "CONTENT_SECURITY_POLICY"),
            (HEADER_REPORT_ONLY, True, "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            parts = self.get_policy_parts(request, response, report_only=report_only)
            value = build_policy(
                config=parts.config,
                update=parts.update,
                replace=parts.replace,
                nonce=None,
                report_only=report_only,
            )
            excluded = tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())
            out.append((header, value, excluded))
        return tuple(out)

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        kind = _policy_kind(request.path)
        if kind == "console":
            update = dict(parts.update or {})
            update["script-src"] = [*update.get("script-src", []), "'unsafe-eval'"]
            parts.update = update
        if kind in ("console", "portal"):
            # the configured map tile server, the one outside origin (or its {s} subdomains) the portal's
            # station map and the console's maps (station picker, hazard place) may load images from
            origins = tile_origins()
            if origins:
                update = dict(parts.update or {})
                update["img-src"] = [*update.get("img-src", []), *origins]
                parts.update = update
        return parts


# pages that show personal data to whoever is signed in: never kept by a browser or a proxy (等保; issue 18
# item 9). The console's admin views say so themselves (never_cache); this covers the rest of the console,
# the API and the worker's 我的 pages and sign-in steps.
NO_STORE_PREFIXES = ("/admin/", "/api/", "/m/my/", "/m/login/", "/m/register/", "/m/consent/")


class NoStoreMiddleware:
    """`Cache-Control: no-store, private` on responses that may carry personal data — the console, the API,
    the portal's 我的 pages, and any portal page answered to a signed-in worker — unless the view chose its
    own caching (a public station page, a static file)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" in response:
            return response
        path = request.path_info
        signed_in_worker = path.startswith("/m/") and _worker_session(request)
        if path.startswith(NO_STORE_PREFIXES) or signed_in_worker:
            response["Cache-Control"] = "no-store, private"
        return response


def _worker_session(request) -> bool:
    from xinye.portal.auth import SESSION_KEY

    session = getattr(request, "session", None)
    return bool(session is not None and session.get(SESSION_KEY))
