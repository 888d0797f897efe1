"""The console's sign-in pages besides Django's: the lockout page (django-axes) and the second factor —
the code step after the password, and the enrolment of an authenticator (QR code, manual key, recovery
codes shown once)."""

import base64
import io

import segno
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib import admin
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from unfold.widgets import UnfoldAdminTextInputWidget

from xinye.accounts import services
from xinye.accounts.signals import SECOND_FACTOR, clear_failures
from xinye.core.errors import Refused


def locked_out(request, credentials=None, *args, **kwargs):
    """Shown instead of the login form while an account or an IP is locked (django-axes)."""
    html = render_to_string("accounts/locked_out.html", request=request)
    return HttpResponse(html, status=429)


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label=gettext_lazy("动态验证码"),
        max_length=16,
        help_text=gettext_lazy("身份验证器上显示的 6 位数字；手机不在身边时，可输入一个恢复码。"),
        widget=UnfoldAdminTextInputWidget(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/admin/"


def _render(request, template: str, context: dict, status: int = 200):
    context = {**admin.site.each_context(request), "next": _next_url(request), **context}
    return render(request, template, context, status=status)


def verify(request):
    """The second step of signing in: the password is right, now the code of the account's authenticator
    (or a recovery code). An account without one is sent to enrol."""
    user = request.user
    if user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    if services.otp_device(user) is None:
        return HttpResponseRedirect(f"/admin/otp/setup/?{urlencode({'next': _next_url(request)})}")
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        # locked (wrong passwords or wrong codes of this account or address): the half-signed-in session ends
        logout(request)
        return locked_out(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = services.otp_wait_seconds(user)
        if wait:
            form.add_error("otp_token", _("尝试过于频繁，请 %(s)d 秒后再试") % {"s": wait})
        else:
            device = services.verify_second_factor(user, form.cleaned_data["otp_token"])
            if device is not None:
                otp_login(request, device)
                clear_failures(request, user)
                return HttpResponseRedirect(_next_url(request))
            # a wrong code is a failed login for django-axes: counted for the account and the address
            # under the same limit as a wrong password, and locks the same way
            user_login_failed.send(
                __name__, credentials={**credentials, SECOND_FACTOR: True}, request=request
            )
            if getattr(request, "axes_locked_out", False):
                logout(request)
                return locked_out(request)
            form.add_error(
                "otp_token",
                _("动态验证码不正确、已使用过或已过期：请输入验证器上当前显示的验证码，或一个未用过的恢复码"),
            )
    return _render(request, "accounts/otp_verify.html", {"form": form, "title": _("双因素认证")})


def _qr_data_uri(url: str) -> str:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=5, border=2)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def setup(request):
    """Enrol an authenticator: scan the QR code (or type the key), confirm with a code; the recovery codes
    are then shown once. The page keeps the same key across reloads until it is confirmed."""
    user = request.user
    if services.otp_device(user) is not None:
        return HttpResponseRedirect(f"/admin/otp/?{urlencode({'next': _next_url(request)})}")
    device = services.start_enrolment(user, actor=user)
    form = CodeForm(request.POST or None)
    form.fields["otp_token"].help_text = _("扫码后，输入验证器上显示的 6 位数字以确认。")
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.confirm_enrolment(device, form.cleaned_data["otp_token"], actor=user)
        except Refused as exc:
            for message in exc.messages:
                form.add_error("otp_token", message)
        else:
            device.refresh_from_db()
            otp_login(request, device)
            return _render(request, "accounts/otp_codes.html", {"codes": codes, "title": _("保存恢复码")})
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return _render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "title": _("启用双因素认证"),
            "qr": _qr_data_uri(device.config_url),
            "secret": _grouped(secret),
            "required": services.otp_required(user),
        },
    )
