"""Permission-matrix registrations: appeals (owned by the 属地 unit), their photos, tasks (owned by the
assigned unit — a community sees its own tasks only) and reminders."""

import uuid

from tests.appeals.helpers import worker
from tests.ledger.factories import make_enterprise
from tests.matrix import MatrixType, register
from xinye.appeals.models import Appeal, AppealPhoto, AppealReminder, AppealTask


def _appeal(unit, world):
    ent = make_enterprise(unit)
    return Appeal.objects.create(
        unit=unit,
        region=unit.region,
        enterprise=ent,
        category="wages",
        limit_kind="complaint",
        text="骑手反映被拖欠工资",
        idempotency_key=uuid.uuid4().hex,
    )


def _task(unit, world):
    # The appeal belongs to a unit elsewhere; the task alone is owned by `unit`.
    home = world["units"]["street-zalute-1-c1"]
    appeal = Appeal.objects.create(
        unit=home,
        region=home.region,
        enterprise=make_enterprise(unit),
        category="wages",
        limit_kind="complaint",
        text="骑手反映被拖欠工资",
        idempotency_key=uuid.uuid4().hex,
    )
    return AppealTask.objects.create(appeal=appeal, unit=unit, instruction="请核实")


def _photo(unit, world):
    # scope hangs from the appeal (ScopeSpec "appeal__unit"); the row names a file without storing one
    return AppealPhoto.objects.create(
        appeal=_appeal(unit, world), file="appeals/matrix.png", content_type="image/png"
    )


def _reminder(unit, world):
    appeal = _appeal(unit, world)
    return AppealReminder.objects.create(
        key=uuid.uuid4().hex, kind="overdue", appeal=appeal, unit=unit, message="催办"
    )


register(
    MatrixType(
        "appeals.appeal",
        _appeal,
        api_detail="/api/v1/appeals/{pk}",
        api_list="/api/v1/appeals",
        enterprise_of=lambda o: o.enterprise,
    )
)
register(
    MatrixType(
        "appeals.appealtask",
        _task,
        api_detail="/api/v1/appeal-tasks/{pk}",
        api_list="/api/v1/appeal-tasks",
        enterprise_of=lambda o: o.appeal.enterprise,
    )
)
# An appeal's photos: no console page or API of their own (added with the appeal, served by
# console.views.media through restrict() with view_sensitive), so the matrix proves the one door.
register(
    MatrixType("appeals.appealphoto", _photo, console=False, enterprise_of=lambda p: p.appeal.enterprise)
)
register(MatrixType("appeals.appealreminder", _reminder, api_list="/api/v1/appeal-reminders"))
__all__ = ["worker"]
