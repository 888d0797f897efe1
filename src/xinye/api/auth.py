"""API authentication: bearer tokens (`xinye token create`) or the console session (with CSRF)."""

from ninja.security import HttpBearer, SessionAuth

from xinye.accounts.services import authenticate_token
from xinye.core.context import Actor, set_actor
from xinye.core.net import client_ip


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = authenticate_token(token)
        if user is None:
            return None
        request.user = user
        set_actor(
            Actor(
                user=user,
                request_id=getattr(request, "request_id", ""),
                source="api",
                ip=client_ip(request),
            )
        )
        return user


class StaffSession(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


AUTH = [TokenAuth(), StaffSession()]
