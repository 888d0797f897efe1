"""The console writes meetings and online groups through orglife.services and validates through their pure
checks; a meeting's organisation is fixed once recorded; a service called without an actor is refused."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.guidance import helpers
from xinye.accounts.permissions import system_actor
from xinye.core.errors import OutOfScope
from xinye.orglife import services
from xinye.orglife.models import Meeting, OnlineGroup

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 10, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def branch(world):
    unit = helpers.branch(world["units"]["djb-kerqin-delivery"], "明仁站党支部")
    return unit, [helpers.member(unit, n) for n in ("甲", "乙", "丙")]


def test_online_group_added_and_changed_in_the_console(branch, client_for):
    unit, (a, b, c) = branch
    console = client_for("secretary")
    data = {"unit": unit.pk, "name": "明仁站网络党小组", "platform": "微信群", "members": [a.pk, b.pk]}
    assert (
        console.post(reverse("admin:orglife_onlinegroup_add"), {**data, "is_active": "on"}).status_code == 302
    )
    group = OnlineGroup.objects.get(unit=unit)
    assert set(group.members.all()) == {a, b} and group.is_active
    change = reverse("admin:orglife_onlinegroup_change", args=[group.pk])
    assert console.post(change, {**data, "members": [c.pk], "is_active": "on"}).status_code == 302
    assert set(group.members.all()) == {c}


@time_machine.travel(NOW, tick=False)
def test_meeting_change_keeps_its_organisation(branch, world, client_for):
    unit, members = branch
    meeting = services.record_meeting(
        actor=system_actor("test"),
        unit=unit,
        kind="theme_day",
        date=dt.date(2026, 9, 8),
        topic="旧",
        place="站点",
    )
    other = helpers.branch(world["units"]["djb-kerqin-delivery"], "别的支部")
    console = client_for("secretary")
    change = reverse("admin:orglife_meeting_change", args=[meeting.pk])
    data = {
        "unit": other.pk,
        "kind": "theme_day",
        "date": "2026-09-08",
        "topic": "新主题",
        "place": "站点",
        "attendance-TOTAL_FORMS": 0,
        "attendance-INITIAL_FORMS": 0,
        "photos-TOTAL_FORMS": 0,
        "photos-INITIAL_FORMS": 0,
    }
    response = console.post(change, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting.refresh_from_db()
    assert meeting.topic == "新主题" and meeting.unit == unit


def test_no_actor_no_write(branch):
    unit, _members = branch
    with pytest.raises(OutOfScope):
        services.record_meeting(
            actor=None, unit=unit, kind="theme_day", date=dt.date(2026, 9, 8), topic="x", place="y"
        )
    with pytest.raises(TypeError):
        services.create_online_group(unit=unit, name="x")  # the actor is a required keyword
    assert (
        not Meeting.objects.filter(unit=unit).exists() and not OnlineGroup.objects.filter(unit=unit).exists()
    )


def test_a_new_meeting_has_its_organisation_chosen_and_everyone_marked_present(branch, world, client_for):
    """Issue 17: the meeting's organisation preselected, attendance pre-filled with its members as present —
    the secretary ticks who was absent instead of adding every member by hand."""
    import re

    unit, members = branch
    html = (
        client_for("kerqin_admin")
        .get(reverse("admin:orglife_meeting_add"), {"unit": unit.pk})
        .content.decode()
    )
    assert re.search(rf'<option value="{unit.pk}"[^>]*selected', html)
    assert f'name="attendance-TOTAL_FORMS" value="{len(members)}"' in html
    rows = re.split(r'name="attendance-\d+-member"', html)[1:]
    chosen = {int(re.search(r'<option value="(\d+)"[^>]*selected', row).group(1)) for row in rows}
    assert chosen == {m.pk for m in members}
    statuses = re.findall(r'name="attendance-\d+-status".*?<option value="(\w+)"[^>]*selected', html, re.S)
    assert statuses == ["present"] * len(members)
    # without a unit to go by (several organisations in this county's scope), no rows are guessed
    plain = client_for("kerqin_admin").get(reverse("admin:orglife_meeting_add")).content.decode()
    assert re.search(r'name="attendance-TOTAL_FORMS" value="[0-3]"', plain)
