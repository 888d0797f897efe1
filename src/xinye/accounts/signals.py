"""Login, logout, failed logins and lockouts go to the audit log (等保: 登录审计)."""

import time

from axes.handlers.proxy import AxesProxyHandler
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from xinye.audit.services import log_event
from xinye.core.net import client_ip


def _ip(request) -> str:
    return client_ip(request)


# in a failed login's credentials: a wrong second-factor code, already logged by the service
SECOND_FACTOR = "second_factor"


def clear_failures(request, user) -> None:
    """Signing in is complete: forget the failed attempts of this account and address (django-axes; what
    AXES_RESET_ON_SUCCESS would do at the password step, moved to the end of the second one)."""
    if request is not None:
        AxesProxyHandler.update_request(request)
        AxesProxyHandler.get_implementation().reset_user_attempts(request, {"username": user.get_username()})


LOGIN_AT = "_login_at"  # when this session signed in: the absolute cap counts from here (等保 §8.1.4.1)


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = int(time.time())  # Django's login() has just given it a new key
    log_event("login", user=user, note="登录成功", ip=_ip(request))
    from xinye.accounts.services import otp_device

    if otp_device(user) is None:  # no second factor to give: the password completes signing in
        clear_failures(request, user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        log_event("logout", user=user, note="退出登录", ip=_ip(request))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    if credentials.get(SECOND_FACTOR):
        return  # verify_second_factor has logged it, naming the code
    log_event("login_failed", note=f"登录失败：{credentials.get('username', '')}", ip=_ip(request))


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    log_event(
        "lockout", note=f"连续登录失败已锁定：{username or ''} @ {ip_address or ''}", ip=ip_address or ""
    )
