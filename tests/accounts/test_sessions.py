"""Sessions (issue 18 item 2): an absolute 12-hour cap however active the session; a new session key at
sign-in; a changed password or a deactivated account ends every session of that account."""

from django.contrib.sessions.models import Session
from django.test import Client

from tests.accounts.test_security import PASSWORD, _login
from xinye.accounts.models import User


def _busy_day(client, time_machine, hours: int) -> list[int]:
    """A request every 20 minutes (never idle) for `hours` hours: the status of each."""
    statuses = []
    for step in range(hours * 3):
        time_machine.move_to(f"2026-11-30 {8 + step // 3:02d}:{(step % 3) * 20 + 1:02d} +0800", tick=False)
        statuses.append(client.get("/admin/").status_code)
    return statuses


def test_an_active_session_ends_12_hours_after_sign_in(world, time_machine):
    time_machine.move_to("2026-11-30 08:00 +0800", tick=False)
    client = Client()
    assert _login(client, "city_admin", PASSWORD).status_code == 302
    statuses = _busy_day(client, time_machine, 13)
    # 08:01 … 19:41 answer; from 20:01 (12 h after 08:00) it is the login page, though never idle
    assert statuses[: 12 * 3] == [200] * 36
    assert set(statuses[12 * 3 :]) == {302}
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_signing_in_gives_a_new_session_key(world):
    client = Client()
    client.get("/admin/login/")
    client.cookies["sessionid"] = "x" * 32  # a key planted before sign-in (session fixation)
    _login(client, "city_admin", PASSWORD)
    assert client.session.session_key != "x" * 32


def test_a_changed_password_or_a_deactivated_account_ends_every_session(world):
    phone, desk = Client(), Client()
    for client in (phone, desk):
        assert _login(client, "kerqin_admin", PASSWORD).status_code == 302
        assert client.get("/admin/").status_code == 200
    user = User.objects.get(username="kerqin_admin")
    user.set_password("Another#Pass2026x")
    user.save()
    assert phone.get("/admin/").status_code == 302 and desk.get("/admin/").status_code == 302

    assert _login(desk, "kerqin_admin", "Another#Pass2026x").status_code == 302
    assert desk.get("/admin/").status_code == 200
    user.refresh_from_db()
    user.is_active = False
    user.save()
    assert desk.get("/admin/").status_code == 302
    assert Session.objects.exists()  # rows may stay until they expire, but they no longer sign anyone in
