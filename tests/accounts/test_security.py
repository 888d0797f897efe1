"""Login security: argon2, password rules, lockout (django-axes), idle timeout, logout, tokens."""

import io

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from xinye.audit.models import ChangeLog

PASSWORD = "Xinye@Demo2026"


def test_argon2_is_the_production_hasher():
    from xinye import settings as base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.parametrize("weak", ["short1!", "password1234", "123456789012"])
def test_weak_passwords_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_similar_password_refused(world):
    with pytest.raises(ValidationError):
        validate_password("kerqin_admin2026", user=world["users"]["kerqin_admin"])


def _login(client, username, password, ip="10.0.0.1"):
    """Sign in through the real forms: the password, then — for an account with an authenticator — its
    current code at the second step. Returns the password step's response."""
    from tests.accounts.otp import code_at
    from xinye.accounts.models import User
    from xinye.accounts.services import otp_device

    response = client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )
    user = User.objects.filter(username=username).first()
    device = otp_device(user) if response.status_code == 302 and user is not None else None
    if device is not None:
        client.post("/admin/otp/", {"otp_token": code_at(device), "next": "/admin/"}, REMOTE_ADDR=ip)
    return response


def test_lockout_after_five_failures_per_account(world):
    client = Client()
    for i in range(5):
        _login(client, "kerqin_admin", "wrong-password-xx", ip=f"10.0.0.{i + 1}")
    response = _login(client, "kerqin_admin", PASSWORD, ip="10.0.0.99")
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert ChangeLog.objects.filter(action="lockout").exists()
    assert ChangeLog.objects.filter(action="login_failed").count() >= 5
    # another account from a fresh address is unaffected
    assert _login(Client(), "city_admin", PASSWORD, ip="10.0.1.1").status_code == 302


def test_lockout_per_ip(world):
    client = Client()
    for i in range(5):
        _login(client, f"nobody{i}", "wrong-password-xx", ip="10.9.9.9")
    assert _login(client, "city_admin", PASSWORD, ip="10.9.9.9").status_code == 429


def test_successful_login_audited(world):
    assert _login(Client(), "city_admin", PASSWORD).status_code == 302
    entry = ChangeLog.objects.filter(action="login").first()
    assert entry.username == "city_admin"


def test_session_idle_timeout_is_30_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60


def test_session_expires_after_idle(world, time_machine):
    time_machine.move_to("2026-11-28 09:00 +0800", tick=False)
    client = Client()
    assert _login(client, "city_admin", PASSWORD).status_code == 302
    time_machine.move_to("2026-11-28 09:20 +0800", tick=False)
    assert client.get("/admin/").status_code == 200  # activity refreshes the session
    time_machine.move_to("2026-11-28 09:20:30 +0800", tick=False)
    assert client.get("/admin/").status_code == 200  # within the renewal minute: no session write needed
    time_machine.move_to("2026-11-28 09:49 +0800", tick=False)
    assert client.get("/admin/").status_code == 200  # 29 idle minutes after the last renewal
    time_machine.move_to("2026-11-28 10:19:30 +0800", tick=False)
    assert client.get("/admin/").status_code == 302  # 30.5 idle minutes: back to login


def test_logout_clears_server_session(world):
    client = Client()
    _login(client, "city_admin", PASSWORD)
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    client.post("/admin/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert ChangeLog.objects.filter(action="logout", username="city_admin").exists()


def test_token_cli_prints_token_alone_on_last_line_and_revokes(world):
    out = io.StringIO()
    call_command("token", "create", "kerqin_admin", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    assert key.startswith("xy_") and " " not in key
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/me").json()["username"] == "kerqin_admin"
    from xinye.accounts.models import ApiToken

    token = ApiToken.objects.get(key_hash=ApiToken.hash_key(key))
    assert key not in str(token.__dict__)  # only the hash is stored
    call_command("token", "revoke", token.prefix, stdout=io.StringIO())
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["detail"] == "未登录或令牌无效"


def test_token_list_shows_local_times_and_state(world):
    """Times in Beijing time as the console shows them (a token made at 20:30 UTC is listed on the next day),
    and whether each token is live, revoked or expired."""
    import datetime

    import time_machine

    from xinye.accounts.models import ApiToken

    utc_evening = datetime.datetime(2026, 3, 1, 20, 30, tzinfo=datetime.UTC)
    with time_machine.travel(utc_evening, tick=False):
        call_command("token", "create", "kerqin_admin", stdout=io.StringIO())
        call_command("token", "create", "kerqin_admin", stdout=io.StringIO())
    first, second = ApiToken.objects.filter(user__username="kerqin_admin").order_by("pk")
    ApiToken.objects.filter(pk=second.pk).update(expires_at=utc_evening)
    out = io.StringIO()
    call_command("token", "list", "kerqin_admin", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split("\t") == ["前缀", "用途", "创建时间", "最近使用", "状态"]
    rows = {line.split("\t")[0]: line.split("\t") for line in lines[1:]}
    assert rows[first.prefix][2] == "2026-03-02 04:30"
    assert rows[first.prefix][3:] == ["从未", "有效"]
    assert rows[second.prefix][4] == "已过期"


def test_unknown_user_token_cli_fails(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("token", "create", "nobody")
