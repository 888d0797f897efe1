"""The portal's own rows: sign-in codes. The worker identity and privacy record (Worker, PrivacyNotice,
Consent) live in `xinye.workers`; a sign-in code belongs to the sign-in flow (signin.py), not to a worker —
it is keyed by the phone's hash before any worker exists."""

from django.db import models


class SmsCode(models.Model):
    """A sign-in code sent to a phone: stored hashed, single use, short-lived. Rows double as the
    rate-limit ledger (per phone and per IP), which works across server processes."""

    phone_hash = models.CharField(max_length=40, db_index=True)
    code_hash = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    audit_exclude = True  # hashes only; logging each code would only add noise

    class Meta:
        indexes = [models.Index(fields=["ip", "created_at"], name="smscode_ip_time")]

    def __str__(self):
        return f"code {self.pk}"


class SmsOutbox(models.Model):
    """A sign-in code the SMS gateway did not take (timeout or failure), waiting to be sent when it answers
    again (portal/sms.py `flush_outbox`). Phone and code are encrypted; an entry is sent once (claimed by a
    conditional update) or dropped when its code expires — a late code is useless."""

    phone = models.TextField()
    code = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    dropped_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)

    audit_exclude = True  # ciphertext of a five-minute code; the sending itself is the log line

    class Meta:
        indexes = [models.Index(fields=["sent_at", "dropped_at", "created_at"], name="smsoutbox_pending")]

    def __str__(self):
        return f"sms {self.pk}"
