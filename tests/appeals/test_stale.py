"""Stale edits are refused (issue 18 item 4) for appeals and their tasks: on the 办理 page (each step posts
the version the page showed), through the API (ETag/If-Match, 412), and through the services."""

import re

import pytest
from django.db import transaction
from django.urls import reverse

from tests.appeals.helpers import key, worker
from xinye.accounts import writes
from xinye.accounts.permissions import system_actor
from xinye.appeals import services
from xinye.appeals.choices import AppealStatus, TaskStatus
from xinye.appeals.models import Appeal, AppealTask
from xinye.core.errors import Stale

pytestmark = pytest.mark.django_db

SYS = system_actor("test")
STALE = "请刷新后重新编辑；您的修改未保存"


def _appeal():
    return services.submit_appeal(
        worker=worker("street-kerqin-1-c1"),
        category="legal_aid",
        text="想咨询工伤认定流程",
        idempotency_key=key(),
    )


def _shown_version(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="(\d+)"', html).group(1)


def test_work_page_two_tabs_the_second_step_is_refused(world, client_for):
    appeal = _appeal()
    url = reverse("appeals:work", args=[appeal.pk])
    tab_a, tab_b = client_for("community_admin"), client_for("city_admin")
    page_a, page_b = tab_a.get(url).content.decode(), tab_b.get(url).content.decode()
    version = _shown_version(page_a, "version")
    assert version == _shown_version(page_b, "version") == str(appeal.version)

    tab_a.post(url, {"action": "accept", "version": version})
    refused = tab_b.post(url, {"action": "reject", "text": "不属于受理范围", "version": version}, follow=True)
    html = refused.content.decode()
    assert "修改（community_admin）" in html and STALE in html
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ACCEPTED  # A's step stands, B's rejection was not written
    assert not appeal.events.filter(kind="rejected").exists()


def test_work_page_task_steps_post_the_tasks_version(world, client_for):
    appeal = _appeal()
    (task,) = services.dispatch_appeal(appeal, actor=SYS)
    task.refresh_from_db()
    url = reverse("appeals:work", args=[appeal.pk])
    tab_a, tab_b = client_for("community_admin"), client_for("city_admin")
    page_b = tab_b.get(url).content.decode()
    shown = _shown_version(page_b, "task_version")
    assert shown == str(task.version)
    # A signs the task and answers it; B's page still shows the task as it was
    services.sign_task(AppealTask.objects.get(pk=task.pk), actor=SYS)
    tab_a.post(
        url, {"action": "task_answer", "task": task.pk, "text": "甲的答复", "task_version": task.version + 1}
    )
    refused = tab_b.post(
        url,
        {"action": "task_answer", "task": task.pk, "text": "乙的答复", "task_version": shown},
        follow=True,
    )
    assert STALE in refused.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.ANSWERED and task.answer == "甲的答复"


def test_api_etag_and_if_match_on_appeals_and_tasks(world, api_client):
    appeal = _appeal()
    a, b = api_client("community_admin"), api_client("city_admin")
    r = a.get(f"/api/v1/appeals/{appeal.pk}")
    assert r.status_code == 200 and r["ETag"] == f'"{appeal.version}"'
    tag = r["ETag"]

    ok = a.post(f"/api/v1/appeals/{appeal.pk}/accept", headers={"If-Match": tag})
    assert ok.status_code == 200 and ok["ETag"] != tag
    stale = b.post(
        f"/api/v1/appeals/{appeal.pk}/reject",
        {"text": "不属于受理范围"},
        content_type="application/json",
        headers={"If-Match": tag},
    )
    assert stale.status_code == 412 and STALE in stale.json()["detail"]
    assert stale["ETag"] == ok["ETag"]
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ACCEPTED

    r = a.post(
        f"/api/v1/appeals/{appeal.pk}/dispatch",
        {},
        content_type="application/json",
        headers={"If-Match": ok["ETag"]},
    )
    assert r.status_code == 200, r.content
    task_id = r.json()["tasks"][0]["id"]
    read = a.get(f"/api/v1/appeal-tasks/{task_id}")
    v = AppealTask.objects.get(pk=task_id).version
    assert read.status_code == 200 and read["ETag"] == f'"{v}"'
    signed = a.post(f"/api/v1/appeal-tasks/{task_id}/sign", headers={"If-Match": f'"{v}"'})
    assert signed.status_code == 200 and signed["ETag"] == f'"{v + 1}"'
    again = b.post(
        f"/api/v1/appeal-tasks/{task_id}/answer",
        {"text": "乙的答复"},
        content_type="application/json",
        headers={"If-Match": f'"{v}"'},
    )
    assert again.status_code == 412
    assert AppealTask.objects.get(pk=task_id).status == TaskStatus.SIGNED
    # without If-Match the step goes through as it always did
    assert (
        b.post(
            f"/api/v1/appeal-tasks/{task_id}/answer", {"text": "乙的答复"}, content_type="application/json"
        ).status_code
        == 200
    )


def test_openapi_declares_if_match_on_the_steps(world, api_client):
    doc = api_client("city_admin").get("/api/v1/openapi.json").json()
    for path in ("/api/v1/appeals/{appeal_id}/accept", "/api/v1/appeal-tasks/{task_id}/sign"):
        op = doc["paths"][path]["post"]
        assert "If-Match" in {p["name"] for p in op["parameters"]}
        assert "412" in op["responses"]
    assert "ETag" in doc["paths"]["/api/v1/appeal-tasks/{task_id}"]["get"]["responses"]["200"]["headers"]


@pytest.mark.parametrize("kind", ["appeal", "task"])
def test_two_saves_from_the_same_version_through_the_services(world, kind):
    appeal = _appeal()
    if kind == "appeal":
        first, second = Appeal.objects.get(pk=appeal.pk), Appeal.objects.get(pk=appeal.pk)
        writes.expect_version(first, 1)
        services.accept_appeal(first, actor=SYS)
        writes.expect_version(second, 1)
        with pytest.raises(Stale), transaction.atomic():
            services.reject_appeal(second, actor=SYS, reason="不属于受理范围")
        appeal.refresh_from_db()
        assert appeal.status == AppealStatus.ACCEPTED and appeal.version == 2
        return
    (task,) = services.dispatch_appeal(appeal, actor=SYS)
    first, second = AppealTask.objects.get(pk=task.pk), AppealTask.objects.get(pk=task.pk)
    v = first.version
    writes.expect_version(first, v)
    services.sign_task(first, actor=SYS)
    writes.expect_version(second, v)
    with pytest.raises(Stale), transaction.atomic():
        services.return_task(second, actor=SYS, reason="派错单位")
    task.refresh_from_db()
    assert task.status == TaskStatus.SIGNED and task.version == v + 1
