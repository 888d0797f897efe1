"""Session engines: Django's database (`db`) and Redis-in-front (`cached_db`) stores, reading the session row
with a statement built once (core.compiled) — the row is read on every signed-in request."""

from django.utils import timezone

from xinye.core import compiled


class CompiledLoadMixin:
    def _get_session_from_db(self):
        # what Django's store asks — this key, not yet expired — as a primary-key read and a comparison
        session = compiled.get(self.model, self.session_key) if self.session_key else None
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None
            return None
        return session
