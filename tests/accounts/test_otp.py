"""The second factor for staff (issue 18 item 1, 等保 §8.1.4.1 d): TOTP enrolment with a QR code, sign-in
with the password then the code, wrong / reused / expired codes refused, recovery codes stored hashed and
good once, reset only by the 安全管理员 (logged), the required roles and the city's setting for all, the
API's tokens limited to an IP allow-list, and `xinye otp code`."""

import io

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.otp import code_at, pass_second_factor
from tests.accounts.test_security import PASSWORD
from xinye.accounts.models import RecoveryCode, RecoveryDevice, User
from xinye.accounts.permissions import system_actor
from xinye.accounts.services import (
    DEMO_DEVICE_NAME,
    assign_role,
    confirm_enrolment,
    create_token,
    otp_device,
    reset_second_factor,
    set_token_ips,
    start_enrolment,
)
from xinye.audit.models import ChangeLog
from xinye.core.errors import Refused

SYSTEM = system_actor("test")


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    """django-otp slows the next attempt after a wrong code (1, 2, 4 … s); these tests try codes in a row.
    The slowing itself is tested on its own below."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def _password(client, username, ip="10.0.0.1"):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": PASSWORD}, REMOTE_ADDR=ip
    )


def _code(client, token):
    return client.post("/admin/otp/", {"otp_token": token, "next": "/admin/"})


def _new_staff(world, username, role="city_admin", unit="tl-zzb"):
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    assign_role(user, role, world["units"][unit], actor=SYSTEM)
    return user


def test_the_demo_enrols_the_required_roles_and_no_other(world):
    for username in ("city_admin", "sysadmin", "secadmin", "auditor"):
        assert otp_device(world["users"][username]).name == DEMO_DEVICE_NAME
    for username in ("kerqin_admin", "instructor", "secretary"):
        assert otp_device(world["users"][username]) is None


def test_a_password_alone_reaches_nothing_for_a_required_role(world):
    client = Client()
    assert _password(client, "city_admin").status_code == 302
    for path in ("/admin/", "/admin/ledger/enterprise/", "/admin/orgs/tree/", "/admin/audit/changelog/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/admin/otp/?next="), path
    assert client.get("/api/v1/org-units").status_code == 401  # the console session is no key to the API
    page = client.get("/admin/otp/?next=/admin/").content.decode()
    assert "动态验证码" in page and "enterprise" not in page


def test_sign_in_with_the_password_then_the_code(world):
    client = Client()
    _password(client, "city_admin")
    response = _code(client, code_at(otp_device(world["users"]["city_admin"])))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/api/v1/org-units").status_code == 200


def test_wrong_reused_and_expired_codes_are_refused(world, time_machine):
    time_machine.move_to("2026-12-01 09:00:05 +0800", tick=False)
    device = otp_device(world["users"]["city_admin"])
    first = Client()
    _password(first, "city_admin")
    used = code_at(device)
    assert _code(first, used).status_code == 302

    again = Client()  # the same code a second time, still within its 30 seconds: refused
    _password(again, "city_admin")
    response = _code(again, used)
    assert response.status_code == 200 and "已使用过或已过期" in response.content.decode()
    assert again.get("/admin/").status_code == 302

    time_machine.move_to("2026-12-01 09:02:05 +0800", tick=False)  # four steps later
    stale = code_at(device, -4)
    assert _code(again, stale).status_code == 200  # an expired code
    wrong = next(
        f"{n:06d}" for n in range(1000000) if f"{n:06d}" not in {code_at(device, s) for s in (-1, 0, 1)}
    )
    assert _code(again, wrong).status_code == 200
    assert _code(again, "abc").status_code == 200  # neither a code nor a recovery code: a message, no crash
    assert again.get("/admin/").status_code == 302
    assert ChangeLog.objects.filter(action="login_failed", note__contains="动态验证码").count() >= 3
    assert _code(again, code_at(device)).status_code == 302  # the current code still works


def test_a_wrong_code_slows_the_next_attempt(world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    device = otp_device(world["users"]["auditor"])
    client = Client()
    _password(client, "auditor")
    wrong = next(
        f"{n:06d}" for n in range(1000000) if f"{n:06d}" not in {code_at(device, s) for s in (-1, 0, 1)}
    )
    _code(client, wrong)
    response = _code(client, code_at(device))  # right, but within the second that follows a wrong one
    assert "尝试过于频繁" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_required_account_without_authenticator_enrols_first_with_a_qr_code(world):
    user = _new_staff(world, "new_city_admin")
    client = Client()
    _password(client, "new_city_admin")
    response = client.get("/admin/ledger/enterprise/")
    assert response["Location"].startswith("/admin/otp/setup/")
    assert client.get("/admin/otp/?next=/admin/")["Location"].startswith("/admin/otp/setup/")
    page = client.get("/admin/otp/setup/?next=/admin/").content.decode()
    assert 'id="otp-qr" src="data:image/png;base64,' in page and "扫描" in page
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.get("/admin/otp/setup/").status_code == 200
    assert TOTPDevice.objects.filter(user=user).count() == 1  # a reload keeps the same key

    refused = client.post("/admin/otp/setup/", {"otp_token": "12345", "next": "/admin/"})
    assert "6 位数字" in refused.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    done = client.post("/admin/otp/setup/", {"otp_token": code_at(device), "next": "/admin/"})
    html = done.content.decode()
    assert "恢复码只显示这一次" in html
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    codes = RecoveryCode.objects.filter(device__user=user)
    assert codes.count() == 10
    shown = html.split('id="recovery-codes"')[1].split("</ol>")[0]
    for code in codes:
        assert code.code_hash not in shown  # stored hashed, never as shown
    assert client.get("/admin/").status_code == 200
    assert ChangeLog.objects.filter(object_id=str(user.pk), note__contains="启用双因素认证").exists()


def test_recovery_codes_are_hashed_and_work_once(world):
    user = _new_staff(world, "recovering_admin")
    device = start_enrolment(user, actor=user)
    codes = confirm_enrolment(device, code_at(device), actor=user)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = list(RecoveryCode.objects.filter(device__user=user).values_list("code_hash", flat=True))
    assert all(code.replace("-", "") not in h for code in codes for h in stored)
    assert any(check_password(codes[0].replace("-", ""), h) for h in stored)

    phone_lost = Client()
    _password(phone_lost, "recovering_admin")
    assert _code(phone_lost, codes[0].upper()).status_code == 302  # as typed off paper, any case
    assert phone_lost.get("/admin/").status_code == 200
    assert RecoveryDevice.objects.get(user=user).codes.count() == 9

    other = Client()
    _password(other, "recovering_admin")
    assert _code(other, codes[0]).status_code == 200  # used once already
    assert other.get("/admin/").status_code == 302


def test_only_the_security_admin_resets_the_second_factor_and_it_is_logged(world, client_for):
    target = world["users"]["auditor"]
    sysadmin = client_for("sysadmin")
    data = {"action": "reset_second_factor", "_selected_action": [target.pk]}
    sysadmin.post("/admin/accounts/user/", data)
    assert otp_device(target) is not None  # the action is not the 系统管理员's
    with pytest.raises(Refused):
        reset_second_factor(target, actor=world["users"]["sysadmin"])
    with pytest.raises(Refused):
        reset_second_factor(target, actor=SYSTEM)
    with pytest.raises(Refused):  # not even their own
        reset_second_factor(world["users"]["secadmin"], actor=world["users"]["secadmin"])

    secadmin = client_for("secadmin")
    assert "重置双因素认证" in secadmin.get("/admin/accounts/user/").content.decode()
    response = secadmin.post("/admin/accounts/user/", data, follow=True)
    assert "已重置 auditor 的双因素认证" in response.content.decode()
    assert otp_device(target) is None and not RecoveryDevice.objects.filter(user=target).exists()
    entry = ChangeLog.objects.filter(object_id=str(target.pk), note__contains="重置双因素认证").get()
    assert entry.username == "secadmin"

    client = Client()  # the auditor signs in again: enrolment first
    _password(client, "auditor")
    assert client.get("/admin/audit/changelog/")["Location"].startswith("/admin/otp/setup/")


def test_other_roles_need_it_only_when_the_city_sets_it_for_all(world, settings):
    client = Client()
    client.force_login(world["users"]["kerqin_admin"])
    assert client.get("/admin/").status_code == 200
    settings.XINYE_OTP_REQUIRED_FOR_ALL = True
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/otp/setup/")
    assert client.get("/api/v1/org-units").status_code == 401
    pass_second_factor(client, world["users"]["kerqin_admin"])
    assert client.get("/admin/").status_code == 200


def test_an_api_token_limited_to_addresses_answers_only_from_them(world):
    token, key = create_token(world["users"]["city_admin"], actor=SYSTEM)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/org-units", REMOTE_ADDR="192.0.2.7").status_code == 200  # no list: anywhere
    set_token_ips(token, "10.1.0.0/16, 172.16.5.9", actor=SYSTEM)
    assert client.get("/api/v1/org-units", REMOTE_ADDR="10.1.200.3").status_code == 200
    assert client.get("/api/v1/org-units", REMOTE_ADDR="172.16.5.9").status_code == 200
    refused = client.get("/api/v1/org-units", REMOTE_ADDR="192.0.2.7")
    assert refused.status_code == 403
    assert "不允许从该地址" in refused.json()["detail"]
    with pytest.raises(Refused) as exc:
        set_token_ips(token, "10.1.0.0/16, 10.999.1.1", actor=SYSTEM)
    assert "10.999.1.1" in exc.value.message_dict["allowed_ips"][0]
    token.refresh_from_db()
    assert token.allowed_ips == "10.1.0.0/16\n172.16.5.9"  # the refused list changed nothing


def test_token_command_limits_a_token_to_addresses(world):
    out = io.StringIO()
    call_command("token", "create", "city_admin", "--allow-ip", "10.9.0.0/24", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/org-units", REMOTE_ADDR="10.9.0.5").status_code == 200
    assert client.get("/api/v1/org-units", REMOTE_ADDR="10.9.1.5").status_code == 403
    with pytest.raises(CommandError, match="不是有效的 IP"):
        call_command("token", "create", "city_admin", "--allow-ip", "nowhere", stdout=io.StringIO())


def test_otp_code_command_prints_the_demo_accounts_current_code(world):
    out = io.StringIO()
    call_command("otp", "code", "secadmin", stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    client = Client()
    _password(client, "secadmin")
    assert _code(client, code).status_code == 302
    assert client.get("/admin/accounts/user/").status_code == 200

    user = _new_staff(world, "own_phone_admin")  # a person's own authenticator: never printed
    device = start_enrolment(user, actor=user)
    confirm_enrolment(device, code_at(device), actor=user)
    with pytest.raises(CommandError, match="不能打印"):
        call_command("otp", "code", "own_phone_admin", stdout=io.StringIO())
    with pytest.raises(CommandError, match="尚未启用"):
        call_command("otp", "code", "kerqin_admin", stdout=io.StringIO())


def test_the_token_form_names_a_bad_address(world):
    from django.core.exceptions import ValidationError

    token, _key = create_token(world["users"]["city_admin"], actor=SYSTEM)
    token.allowed_ips = "10.0.0.0/8\n10.0.0.300"
    with pytest.raises(ValidationError) as exc:
        token.full_clean()  # what the console's token page runs before saving
    assert "“10.0.0.300”不是有效的 IP 地址或网段" in exc.value.message_dict["allowed_ips"][0]


def _wrong(device):
    near = {code_at(device, s) for s in (-2, -1, 0, 1, 2)}
    return next(f"{n:06d}" for n in range(1000000) if f"{n:06d}" not in near)


def test_wrong_codes_count_as_failed_logins_and_lock_like_wrong_passwords(world):
    from axes.models import AccessAttempt

    device = otp_device(world["users"]["city_admin"])
    wrong = _wrong(device)
    client = Client()
    _password(client, "city_admin")
    for _ in range(2):
        assert _code(client, wrong).status_code == 200
    # signing in again with the password does not wipe the count: codes cannot be guessed five at a time
    client = Client()
    _password(client, "city_admin")
    for _ in range(2):
        assert _code(client, wrong).status_code == 200
    response = _code(client, wrong)  # the fifth wrong code
    assert response.status_code == 429 and "锁定" in response.content.decode()
    assert sum(a.failures_since_start for a in AccessAttempt.objects.filter(username="city_admin")) >= 5
    assert ChangeLog.objects.filter(action="lockout", note__contains="city_admin").exists()
    assert ChangeLog.objects.filter(action="login_failed", note__contains="动态验证码").count() == 5
    assert not ChangeLog.objects.filter(action="login_failed", note__startswith="登录失败").exists()
    # the half-signed-in session is ended, and the right password and then the right code are refused
    assert client.get("/admin/").status_code == 302
    assert _password(Client(), "city_admin", ip="10.0.0.7").status_code == 429
    assert _code(client, code_at(device))["Location"].startswith("/admin/login/")  # signed out: no code taken


def test_the_right_code_clears_the_wrong_ones(world):
    from axes.models import AccessAttempt

    device = otp_device(world["users"]["auditor"])
    client = Client()
    _password(client, "auditor")
    for _ in range(4):
        _code(client, _wrong(device))
    assert _code(client, code_at(device)).status_code == 302
    assert not AccessAttempt.objects.filter(username="auditor").exists()
