"""Item 10 of issue 18: lockout, SMS limits and the audit IP use the client's address — read from
X-Forwarded-For only when the connecting address is a trusted proxy (XINYE_TRUSTED_PROXIES)."""

import pytest
from django.test import Client, RequestFactory, override_settings

from xinye.audit.models import ChangeLog
from xinye.core.net import client_ip

PASSWORD = "Xinye@Demo2026"
PROXY = "10.20.0.2"


def _login(username, password, *, remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post("/admin/login/?next=/admin/", {"username": username, "password": password}, **extra)


def _meta(remote, forwarded=None):
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.9", "1.2.3.4", "203.0.113.9"),  # not a proxy: the header is a lie
        (PROXY, "1.2.3.4", "1.2.3.4"),
        (PROXY, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # the client's own (spoofed) part is left of the proxy's
        (PROXY, "1.2.3.4, 10.20.0.7", "1.2.3.4"),  # a second trusted hop is skipped
        (PROXY, "not-an-ip", PROXY),
        (PROXY, None, PROXY),
    ],
)
@override_settings(XINYE_TRUSTED_PROXIES=["10.20.0.0/24"])
def test_client_ip_reads_forwarded_for_only_from_a_trusted_proxy(remote, forwarded, expected):
    assert client_ip(_meta(remote, forwarded)) == expected


def test_without_trusted_proxies_the_header_is_ignored():
    assert client_ip(_meta("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


def test_spoofed_forwarded_for_from_an_untrusted_address_changes_nothing(world):
    # five failures from one real address, each claiming a different client: still locked by the real one
    for i in range(5):
        _login(f"nobody{i}", "wrong-password-xx", remote="203.0.113.9", forwarded=f"1.1.1.{i}")
    assert _login("city_admin", PASSWORD, remote="203.0.113.9", forwarded="8.8.8.8").status_code == 429
    assert _login("city_admin", PASSWORD, remote="203.0.113.10").status_code == 302
    assert set(ChangeLog.objects.filter(action="login_failed").values_list("ip", flat=True)) == {
        "203.0.113.9"
    }


@override_settings(XINYE_TRUSTED_PROXIES=[PROXY])
def test_through_the_proxy_one_client_does_not_lock_out_another(world):
    for i in range(5):
        _login(f"nobody{i}", "wrong-password-xx", remote=PROXY, forwarded="198.51.100.7")
    assert _login("city_admin", PASSWORD, remote=PROXY, forwarded="198.51.100.7").status_code == 429
    # every other member of staff comes through the same proxy, and is not locked out
    assert _login("city_admin", PASSWORD, remote=PROXY, forwarded="198.51.100.8").status_code == 302
    ips = set(ChangeLog.objects.filter(action__in=["login_failed", "login"]).values_list("ip", flat=True))
    assert ips == {"198.51.100.7", "198.51.100.8"}


@override_settings(XINYE_TRUSTED_PROXIES=[PROXY])
def test_sms_code_limit_counts_the_client_behind_the_proxy(world):
    from xinye.portal.models import SmsCode

    Client().post(
        "/m/login/",
        {"phone": "13904750001", "step": "send"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert list(SmsCode.objects.values_list("ip", flat=True)) == ["198.51.100.9"]
