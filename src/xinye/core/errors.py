"""The two named refusals every layer understands (style.md: "Refusals are named").

- `Refused`: a rule said no. It carries a Chinese message (optionally per field, like Django's
  ValidationError, which it extends so the console's forms show it beside the field). The API answers 422.
- `OutOfScope`: the object is not there for this actor — absent, outside the actor's scope, or an action
  the actor's roles do not grant. It extends Http404, so the console and the API answer 404 and never
  confirm that the object exists.
- `Stale` (a `Refused`): the row was changed by someone else since it was read; the console shows the
  message on the form, the API answers 412 (with `If-Match`) or 409.

Any other exception leaving a service is a bug: a logged 500, never a message shown to users.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext

OUT_OF_SCOPE_MESSAGE = "对象不存在或不在您的管辖范围内"


class Refused(ValidationError):
    """A rule refused the change; `message` (str, list or {field: message}) is shown as it is."""


class OutOfScope(Http404):
    """The actor may not reach this object (or place a new one there); shown as 404."""

    def __init__(self, message: str = OUT_OF_SCOPE_MESSAGE):
        super().__init__(message)


class Stale(Refused):
    """The row changed since the writer read it (optimistic locking, `core.versioning.Versioned`): the
    write is refused and nothing of it is saved. `obj` is the instance that could not be written; the faces
    name who changed the row and when (`accounts.writes.stale_message`) — the change log sits above core."""

    def __init__(self, obj=None, message: str | None = None):
        self.obj = obj
        super().__init__(message or gettext("此记录已被他人修改，请刷新后重新编辑；您的修改未保存。"))
