"""Optimistic locking for rows people edit by hand (issue 18 item 4): two people open the same enterprise
from the same version, the first save wins, the second is refused and nothing of it is saved.

A model opts in with one line — it inherits `Versioned` (and gets a migration for its `version` column).
Every `save()` of an existing row then moves it to its next version in the same UPDATE
(`version = version + 1`). When the writer said which version they edited — the console's hidden field,
the API's `If-Match`, through `accounts.writes.expect_version(obj, version)` — the UPDATE also carries
`WHERE version = <expected>`: the check and the increment are one statement, so two concurrent saves from
the same version cannot both pass (on PostgreSQL the second UPDATE waits for the first's row lock, then
finds the version moved and matches no row; on SQLite writers are serialised). No row matched while the
row exists → `Stale`, and the service's transaction rolls back.

Without an expectation a save goes through as it always did (scripts, `xinye tick`, API clients that send
no `If-Match`) and still moves the version, so the next stale form or `If-Match` is caught. The check is
not made against the instance's own `version` on every save on purpose: services legitimately save a row
through one instance after another instance of it was saved in the same transaction, and an instance whose
save was rolled back keeps the version it had advanced to.

Writes that bypass `save()` must move the version themselves: `QuerySet.update(..., version=bump())` and
`bulk_update` with `obj.version = bump()` (the ledger's imports and the denormalised copies do).
"""

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from xinye.core.errors import Stale


def bump():
    """The expression that moves a row to its next version in a bulk UPDATE."""
    return F("version") + 1


class Versioned(models.Model):
    """An abstract base: a `version` counter checked and incremented by every save of an existing row."""

    # db_default: rows inserted in bulk without the ORM (core.bulk.insert_rows) start at 1 too.
    version = models.PositiveIntegerField(_("版本"), default=1, db_default=1, editable=False)

    class Meta:
        abstract = True

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        expected = self.__dict__.pop("_expected_version", None)
        field = self._meta.get_field("version")
        values = [v for v in values if v[0].attname != "version"]
        values.append((field, None, F("version") + 1))
        filtered = base_qs.filter(pk=pk_val)
        if expected is None:
            return filtered._update(values) > 0
        if filtered.filter(version=expected)._update(values) > 0:
            self.version = expected + 1
            return True
        if filtered.exists():
            raise Stale(self)
        return False  # no such row: Django inserts it (a row saved with an explicit new primary key)

    def expect(self, version: int) -> None:
        """The next save of this instance must find the row at `version` (else `Stale`). Faces call
        `accounts.writes.expect_version`, which also refuses at once when the row has already moved on."""
        self._expected_version = int(version)
