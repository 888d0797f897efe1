"""Request id and actor context for every request; the content security policy."""

import time

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.utils import translation

from xinye.core.context import Actor, new_request_id, reset_actor, set_actor


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
                ip=request.META.get("REMOTE_ADDR", ""),
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
    SESSION_RENEW_INTERVAL_SECONDS, instead of writing the session on every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.session_key and not session.is_empty():
            now = int(time.time())
            if now - session.get("_renewed_at", 0) >= settings.SESSION_RENEW_INTERVAL_SECONDS:
                session["_renewed_at"] = now  # marks the session modified: saved with a new expiry
        return self.get_response(request)


class PortalLanguageMiddleware:
    """The worker portal (/m/) is Chinese whatever the phone's language (after LocaleMiddleware): its pages
    are written in Chinese, and labels drawn from the shared catalogue — appeal categories, station services —
    must not switch to English beside them. The staff console and the API follow the chosen language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/m/"):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return self.get_response(request)


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
                    ip=request.META.get("REMOTE_ADDR", ""),
                )
            )
            try:
                return self.get_response(request)
            finally:
                reset_actor(token)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The site-wide CSP (settings.CONTENT_SECURITY_POLICY), plus 'unsafe-eval' for the staff console only
    (django-unfold's Alpine.js evaluates its expressions at run time; the portal and API never get it), and
    the configured map tile server as an image source on the portal."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path.startswith("/admin/"):
            update = dict(parts.update or {})
            update["script-src"] = [*update.get("script-src", []), "'unsafe-eval'"]
            parts.update = update
        elif request.path.startswith("/m/"):
            from xinye.portal.maps import tile_origins

            # the configured map tile server, the one outside origin (or its {s} subdomains) the portal may load
            origins = tile_origins()
            if origins:
                update = dict(parts.update or {})
                update["img-src"] = [*update.get("img-src", []), *origins]
                parts.update = update
        return parts
