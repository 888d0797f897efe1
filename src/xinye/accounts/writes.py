"""The generic write door for object types whose writes carry no rule beyond their fields and their
scope (reference tables, simple records): `save(obj, actor=…)` and `delete(obj, actor=…)`.

Types with rules of their own (an appeal's loop, a member's development) have service functions in their
app and never come here. Both functions run in one transaction: the actor must reach the stored row
(`change`/`delete`) and the place the row is written to (`add`/`change`), and the saved row is checked
again before the transaction commits, so a write that lands outside the writer's scope rolls back.
The change log records the write through the audit signals.
"""

from django.db import transaction

from xinye.accounts.permissions import require, require_place
from xinye.core.errors import OutOfScope


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
