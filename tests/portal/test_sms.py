"""Sign-in codes: hashed, single use, five-minute life, rate-limited per phone and per IP."""

import datetime

import pytest
import time_machine

from xinye.core.errors import Refused
from xinye.portal import signin
from xinye.portal.models import SmsCode
from xinye.portal.sms import OUTBOX, last_code_for

T0 = datetime.datetime(2026, 11, 28, 8, 0, tzinfo=datetime.UTC)
PHONE = "13904750001"


@pytest.fixture(autouse=True)
def _clean_outbox():
    OUTBOX.clear()


def test_code_is_sent_and_stored_only_hashed(db):
    signin.request_code(PHONE, ip="10.0.0.1")
    code = last_code_for(PHONE)
    assert code and len(code) == 6 and code.isdigit()
    assert "5 分钟内有效" in OUTBOX[-1].text
    row = SmsCode.objects.get()
    assert code not in row.code_hash and PHONE not in row.phone_hash
    assert row.expires_at - row.created_at == datetime.timedelta(minutes=5)


def test_code_is_single_use(db):
    signin.request_code(PHONE)
    code = last_code_for(PHONE)
    assert signin.verify_code(PHONE, code) == PHONE
    with pytest.raises(Refused, match="已使用"):
        signin.verify_code(PHONE, code)


def test_code_expires_after_five_minutes(db):
    with time_machine.travel(T0, tick=False):
        signin.request_code(PHONE)
    code = last_code_for(PHONE)
    with time_machine.travel(T0 + datetime.timedelta(minutes=5, seconds=1), tick=False):
        with pytest.raises(Refused, match="已过期"):
            signin.verify_code(PHONE, code)
    with time_machine.travel(T0 + datetime.timedelta(minutes=6), tick=False):
        signin.request_code(PHONE)
        assert signin.verify_code(PHONE, last_code_for(PHONE)) == PHONE


def test_code_still_valid_just_before_expiry(db):
    with time_machine.travel(T0, tick=False):
        signin.request_code(PHONE)
    with time_machine.travel(T0 + datetime.timedelta(minutes=4, seconds=59), tick=False):
        assert signin.verify_code(PHONE, last_code_for(PHONE)) == PHONE


def test_wrong_guesses_burn_the_code(db):
    signin.request_code(PHONE)
    code = last_code_for(PHONE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(4):
        with pytest.raises(Refused, match="验证码错误"):
            signin.verify_code(PHONE, wrong)
    with pytest.raises(Refused, match="错误次数过多"):
        signin.verify_code(PHONE, wrong)
    with pytest.raises(Refused, match="已使用"):
        signin.verify_code(PHONE, code)  # even the right code is dead now


def test_new_code_replaces_the_old_one(db):
    with time_machine.travel(T0, tick=False):
        signin.request_code(PHONE)
    first = last_code_for(PHONE)
    with time_machine.travel(T0 + datetime.timedelta(minutes=2), tick=False):
        signin.request_code(PHONE)
        second = last_code_for(PHONE)
        if first != second:
            with pytest.raises(Refused):
                signin.verify_code(PHONE, first)
        assert signin.verify_code(PHONE, second) == PHONE


def test_rate_limit_per_phone_one_a_minute_five_an_hour(db):
    with time_machine.travel(T0, tick=False):
        signin.request_code(PHONE)
        with pytest.raises(signin.RateLimited, match="1 分钟后"):
            signin.request_code(PHONE)
    for i in range(1, 5):
        with time_machine.travel(T0 + datetime.timedelta(minutes=2 * i), tick=False):
            signin.request_code(PHONE)
    with time_machine.travel(T0 + datetime.timedelta(minutes=12), tick=False):
        with pytest.raises(signin.RateLimited, match="1 小时内获取验证码已达 5 次"):
            signin.request_code(PHONE)
    with time_machine.travel(T0 + datetime.timedelta(minutes=61), tick=False):
        signin.request_code(PHONE)  # the first code left the window


def test_rate_limit_per_ip(db):
    with time_machine.travel(T0, tick=False):
        for i in range(20):
            signin.request_code(f"1390476{i:04d}", ip="10.9.9.9")
        with pytest.raises(signin.RateLimited, match="当前网络获取验证码过于频繁"):
            signin.request_code("13904769999", ip="10.9.9.9")
        signin.request_code("13904769999", ip="10.9.9.10")  # another network is unaffected
    with time_machine.travel(T0 + datetime.timedelta(minutes=61), tick=False):
        signin.request_code("13904769998", ip="10.9.9.9")


def test_invalid_phone_is_refused_in_chinese(db):
    with pytest.raises(Refused, match="手机号"):
        signin.request_code("12345")
    assert SmsCode.objects.count() == 0


def test_rate_limit_shown_on_the_login_form(client, db):
    client.post("/m/login/", {"phone": PHONE, "step": "send"})
    html = client.post("/m/login/", {"phone": PHONE, "step": "send"}).content.decode()
    assert "验证码已发送，请 1 分钟后再重新获取" in html


def test_backend_is_pluggable(db, settings):
    sent = []

    class Recorder:
        def send_code(self, phone, code, minutes):
            sent.append((phone, code, minutes))

    import sys
    import types

    module = types.ModuleType("recorder_sms")
    module.Recorder = Recorder
    sys.modules["recorder_sms"] = module
    settings.XINYE_SMS_BACKEND = "recorder_sms.Recorder"
    signin.request_code(PHONE)
    assert sent and sent[0][0] == PHONE and sent[0][2] == 5
    assert last_code_for(PHONE) is None  # the console outbox was not used
