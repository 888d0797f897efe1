"""The SMS gateway down: sign-in does not hang, the code waits in the outbox and is sent once when the
gateway answers again (by `xinye tick` or the next code it takes); a code past its life is never sent."""

import datetime
import time

import pytest
import time_machine
from django.core.management import call_command

from xinye.portal import signin, sms
from xinye.portal.models import SmsCode, SmsOutbox
from xinye.portal.sms import OUTBOX, drill_down_file, flush_outbox, last_code_for

PHONE = "13904750001"
T0 = datetime.datetime(2026, 11, 28, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def drill_gateway(settings, tmp_path):
    """The drill backend with a switchable gateway and a short timeout."""
    OUTBOX.clear()
    settings.XINYE_SMS_BACKEND = "xinye.portal.sms.DrillBackend"
    settings.XINYE_SMS_DRILL_DOWN_FILE = str(tmp_path / "sms-down")
    settings.XINYE_SMS_TIMEOUT = 0.2
    sms._gateway_down_until[0] = 0.0
    yield drill_down_file()
    sms._gateway_down_until[0] = 0.0  # the pause is this process's: not carried into other tests


def test_gateway_down_queues_the_code_quickly_and_tick_sends_it_when_back(db, drill_gateway):
    drill_gateway.touch()
    started = time.monotonic()
    sent = signin.request_code(PHONE)
    assert time.monotonic() - started < 2  # the timeout, not a hung sign-in
    assert sent.delayed and sent.phone == PHONE
    assert last_code_for(PHONE) is None
    entry = SmsOutbox.objects.get()
    assert PHONE not in entry.phone and entry.sent_at is None and "TimeoutError" in entry.last_error

    call_command("tick", "--quiet")  # still down: stays queued
    assert last_code_for(PHONE) is None and SmsOutbox.objects.get().sent_at is None

    drill_gateway.unlink()
    call_command("tick", "--quiet")
    code = last_code_for(PHONE)
    assert code is not None and signin.verify_code(PHONE, code) == PHONE  # the queued code signs in
    assert SmsOutbox.objects.get().sent_at is not None
    call_command("tick", "--quiet")
    assert len(OUTBOX) == 1  # sent once, not again


def test_the_next_accepted_code_flushes_the_queue(db, drill_gateway):
    drill_gateway.touch()
    signin.request_code(PHONE)
    drill_gateway.unlink()
    sms._gateway_down_until[0] = 0.0  # the process's pause after the failure is over
    other = "13904750002"
    assert signin.request_code(other).delayed is False
    assert {m.phone for m in OUTBOX} == {PHONE, other}
    assert not SmsOutbox.objects.filter(sent_at__isnull=True).exists()


def test_an_expired_queued_code_is_dropped_not_sent(db, drill_gateway):
    drill_gateway.touch()
    with time_machine.travel(T0, tick=False):
        signin.request_code(PHONE)
    drill_gateway.unlink()
    with time_machine.travel(T0 + datetime.timedelta(minutes=6), tick=False):
        result = flush_outbox()
    assert result.sent == 0 and result.dropped == 1
    assert OUTBOX == [] and SmsOutbox.objects.get().dropped_at is not None


def test_a_claimed_entry_is_not_sent_twice(db, drill_gateway):
    drill_gateway.touch()
    signin.request_code(PHONE)
    drill_gateway.unlink()
    SmsOutbox.objects.update(claimed_at=SmsCode.objects.get().created_at)  # another sender holds it
    assert flush_outbox().sent == 0 and OUTBOX == []


def test_sign_in_page_says_the_code_is_delayed(client, db, drill_gateway):
    drill_gateway.touch()
    html = client.post("/m/login/", {"phone": PHONE, "step": "send"}).content.decode()
    assert "短信通道暂时繁忙，验证码已排队" in html and "139****0001" in html
    drill_gateway.unlink()
    sms._gateway_down_until[0] = 0.0
    client2 = type(client)()
    html = client2.post("/m/login/", {"phone": "13904750003", "step": "send"}).content.decode()
    assert "验证码已发送至 139****0003" in html and "已排队" not in html


def test_after_a_timeout_the_process_queues_without_waiting_again(db, drill_gateway, settings):
    settings.XINYE_SMS_TIMEOUT = 1
    drill_gateway.touch()
    signin.request_code(PHONE)  # waits out the timeout once
    started = time.monotonic()
    assert signin.request_code("13904750002").delayed
    assert time.monotonic() - started < 0.5  # queued straight away
    assert SmsOutbox.objects.count() == 2


def test_outbox_entries_go_with_the_sign_in_codes_retention(db, drill_gateway):
    from xinye.accounts.permissions import system_actor
    from xinye.portal.services import purge_sms_codes

    drill_gateway.touch()
    with time_machine.travel(T0, tick=False):
        signin.request_code(PHONE)
    purge_sms_codes(actor=system_actor("purge"), before=T0 + datetime.timedelta(days=31))
    assert not SmsOutbox.objects.exists() and not SmsCode.objects.exists()
