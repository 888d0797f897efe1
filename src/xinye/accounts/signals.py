"""Login, logout, failed logins and lockouts go to the audit log (等保: 登录审计)."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from xinye.audit.services import log_event
from xinye.core.net import client_ip


def _ip(request) -> str:
    return client_ip(request)


LOGIN_AT = "_login_at"  # when this session signed in: the absolute cap counts from here (等保 §8.1.4.1)


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = int(time.time())  # Django's login() has just given it a new key
    log_event("login", user=user, note="登录成功", ip=_ip(request))


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        log_event("logout", user=user, note="退出登录", ip=_ip(request))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    log_event("login_failed", note=f"登录失败：{credentials.get('username', '')}", ip=_ip(request))


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    log_event(
        "lockout", note=f"连续登录失败已锁定：{username or ''} @ {ip_address or ''}", ip=ip_address or ""
    )
