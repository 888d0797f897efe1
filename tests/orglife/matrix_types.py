import datetime

from tests.guidance import helpers
from tests.matrix import MatrixType, register
from xinye.orglife.models import Attendance, Meeting, OnlineGroup


def _meeting(unit, world):
    return Meeting.objects.create(
        unit=helpers.branch(unit),
        kind="theme_day",
        date=datetime.date(2026, 10, 8),
        topic="主题党日",
        place="站点",
    )


def _attendance(unit, world):
    meeting = _meeting(unit, world)
    return Attendance.objects.create(meeting=meeting, member=helpers.member(meeting.unit), status="present")


def _group(unit, world):
    return OnlineGroup.objects.create(unit=helpers.branch(unit), name="骑手网络党小组", platform="微信群")


register(
    MatrixType(
        "orglife.meeting",
        _meeting,
        api_detail="/api/v1/meetings/{pk}",
        api_list="/api/v1/meetings",
        change_data=lambda m: {
            "unit": m.unit_id,
            "kind": m.kind,
            "date": "2026-10-09",
            "topic": "改",
            "place": "x",
        },
    )
)
register(MatrixType("orglife.attendance", _attendance, console=False))
register(
    MatrixType(
        "orglife.onlinegroup",
        _group,
        api_detail="/api/v1/online-groups/{pk}",
        api_list="/api/v1/online-groups",
        change_data=lambda g: {"unit": g.unit_id, "name": "改"},
    )
)
