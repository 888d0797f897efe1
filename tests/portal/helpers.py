"""Signing a test client in the way a worker does: phone → code from the console SMS outbox → consent."""

from xinye.portal.sms import last_code_for


def sign_in(client, phone: str, *, consent: bool = True, next_url: str = "/m/my/"):
    r = client.post("/m/login/", {"phone": phone, "step": "send", "next": next_url})
    assert r.status_code == 200, r.content.decode()[:500]
    code = last_code_for(phone)
    r = client.post("/m/login/", {"phone": phone, "code": code, "step": "verify", "next": next_url})
    assert r.status_code == 302, r.content.decode()[:1000]
    if consent and r["Location"].startswith("/m/consent/"):
        r = client.post(r["Location"], {"agree": "1", "next": next_url})
        assert r.status_code == 302
    return r
