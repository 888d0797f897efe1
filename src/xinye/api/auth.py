"""API authentication: bearer tokens (`xinye token create`, optionally limited to an IP allow-list) or the
console session (with CSRF) once it has passed the second factor."""

from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from xinye.accounts.services import authenticate_token, otp_device, otp_required, token_for_key
from xinye.core.context import Actor, set_actor
from xinye.core.net import client_ip


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        ip = request.META.get("REMOTE_ADDR", "")
        user = authenticate_token(token, ip=ip)
        if user is None:
            live = token_for_key(token)
            if live is not None and not live.allows_ip(ip):
                raise HttpError(403, f"此令牌不允许从该地址（{ip}）使用：请在令牌允许的来源地址内访问")
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
        if user is None or not user.is_active:
            return None
        verified = getattr(user, "is_verified", None)
        if not (verified and verified()) and (otp_required(user) or otp_device(user) is not None):
            return None  # signed in with the password only: the second factor comes first
        return user


AUTH = [TokenAuth(), StaffSession()]
