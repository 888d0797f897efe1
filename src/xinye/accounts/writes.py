"""The generic write door for object types whose writes carry no rule beyond their fields and their
scope (reference tables, simple records): `save(obj, actor=…)` and `delete(obj, actor=…)`.

Types with rules of their own (an appeal's loop, a member's development) have service functions in their
app and never come here. Both functions run in one transaction: the actor must reach the stored row
(`change`/`delete`) and the place the row is written to (`add`/`change`), and the saved row is checked
again before the transaction commits, so a write that lands outside the writer's scope rolls back.
The change log records the write through the audit signals.

Stale edits (issue 18 item 4): every save of a `Versioned` row moves it to its next version
(`core.versioning`). `expect_version(obj, version)` is the one line a face adds when the writer says which
version they edited (the console's hidden field, the API's `If-Match`): it refuses at once when the row has
moved on, and otherwise makes the service's save check exactly that version in its UPDATE. `stale_message(obj)` names who
changed the row and when, from the change log.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from xinye.accounts.permissions import require, require_place
from xinye.audit.models import ChangeLog, LogAction
from xinye.core.errors import OutOfScope, Stale
from xinye.core.versioning import Versioned

READS = ("stale_message", "expect_version", "current_version", "refusal_messages")


@transaction.atomic
def save(obj, *, actor, update_fields=None):
    """Create or change `obj` as `actor`; validates the model (Refused on bad fields) and its scope."""
    adding = obj._state.adding or obj.pk is None
    action = "add" if adding else "change"
    if not adding:
        stored = type(obj)._default_manager.filter(pk=obj.pk).first()
        if stored is None:
            raise OutOfScope()
        require(actor, "change", stored)
    require_place(actor, action, obj)  # where the row is written: its unit (and industry) after the edit
    obj.save(update_fields=update_fields)
    require(actor, action, obj)  # the saved row is still inside the writer's scope, or all rolls back
    return obj


@transaction.atomic
def delete(obj, *, actor) -> None:
    """Delete `obj` as `actor` (404 outside scope)."""
    require(actor, "delete", obj)
    obj.delete()


def current_version(obj) -> int | None:
    """The version `obj`'s row is at now (None for a type that is not versioned, or a row not saved)."""
    if not isinstance(obj, Versioned) or obj.pk is None:
        return None
    return type(obj)._base_manager.filter(pk=obj.pk).values_list("version", flat=True).first()


def stale_message(obj) -> str:
    """「此记录已被他人于 HH:MM 修改（用户名）…」: the last change of `obj`'s row in the change log."""
    entry = None
    if obj is not None and obj.pk is not None:
        entry = (
            ChangeLog.objects.filter(
                content_type=ContentType.objects.get_for_model(type(obj)),
                object_id=str(obj.pk),
                action=LogAction.UPDATE,
            )
            .order_by("-time", "-id")
            .only("time", "username")
            .first()
        )
    if entry is None:
        return gettext("此记录已被他人修改，请刷新后重新编辑；您的修改未保存。")
    when = timezone.localtime(entry.time)
    shown = f"{when:%H:%M}" if when.date() == timezone.localdate() else f"{when:%Y-%m-%d %H:%M}"
    return gettext("此记录已被他人于 %(when)s 修改（%(who)s），请刷新后重新编辑；您的修改未保存。") % {
        "when": shown,
        "who": entry.username or gettext("系统"),
    }


def expect_version(obj, version) -> None:
    """The writer edited `obj` as it was at `version`. Refuses with `Stale` (naming who changed it and when)
    if the row, just read, is at another version; else the save that follows checks that version in its
    UPDATE, so a change committed in between is refused too (`obj` must be the instance the service saves,
    read just now). `version` None: no expectation (the write goes through as before). Types that are not `Versioned` are left alone."""
    if version is None or not isinstance(obj, Versioned) or obj.pk is None:
        return
    if int(version) != obj.version:
        raise Stale(obj, stale_message(obj))
    obj.expect(int(version))


def refusal_messages(exc) -> list[str]:
    """What to show for a refusal: a stale write raised by a save (a race the face could not foresee)
    names who changed the row and when; any other refusal shows its own messages."""
    if isinstance(exc, Stale) and exc.obj is not None:
        return [stale_message(exc.obj)]
    return list(exc.messages)
