"""The second factor in tests: pass it for a test client's session the way django-otp's own test helpers do
(the session names a confirmed device of the user), and the current code of a device."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP

from xinye.accounts.permissions import system_actor
from xinye.accounts.services import enrol_demo_device, otp_device, otp_required


def pass_second_factor(client, user):
    """Mark `client`'s signed-in session as having passed the second factor with `user`'s authenticator —
    enrolling one first (as the demo does) when the user must use it and has none. A user who need not and
    has none is left as is."""
    device = otp_device(user)
    if device is None:
        if not otp_required(user):
            return client
        device = enrol_demo_device(user, actor=system_actor("test"))
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def code_at(device, offset_steps: int = 0) -> str:
    """The device's code for the current time step, or `offset_steps` steps away from it."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"
