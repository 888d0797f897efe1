"""The console and the API call the services: issuing a task in the console, the loop through the API,
a goal reported without evidence refused, every list page answering."""

import datetime

import pytest

from tests.plans.factories import make_goal, make_notice, make_plan, make_task
from xinye.core import workdays
from xinye.plans.models import PlanTask

LISTS = ["plan", "goal", "plantask", "taskreport", "plannotice", "scorerule", "officescore", "drive"]


@pytest.mark.parametrize("model", LISTS)
def test_every_list_page_answers(world, client_for, model):
    assert client_for("city_admin").get(f"/admin/plans/{model}/").status_code == 200


def test_issuing_a_task_in_the_console_goes_through_the_service(world, client_for):
    office = world["units"]["djb-kerqin-delivery"]
    due = workdays.add_workdays(datetime.date.today(), 5)
    data = {
        "title": "报送走访台账",
        "details": "",
        "issuer": office.parent_id,
        "office": office.pk,
        "due_date": due,
    }
    client = client_for("kerqin_admin")
    response = client.post("/admin/plans/plantask/add/", data)
    assert response.status_code == 302, response.content.decode()[:1500]
    task = PlanTask.objects.get(title="报送走访台账")
    assert task.status == "issued" and task.sign_due <= due
    saturday = due + datetime.timedelta(days=(5 - due.weekday()) % 7 or 7)
    response = client.post("/admin/plans/plantask/add/", {**data, "title": "周末到期", "due_date": saturday})
    assert response.status_code == 200 and "不是工作日" in response.content.decode()
    naiman = world["units"]["djb-naiman-delivery"]
    response = client.post("/admin/plans/plantask/add/", {**data, "title": "越权", "office": naiman.pk})
    assert response.status_code == 200 and not PlanTask.objects.filter(title="越权").exists()


def test_the_task_loop_through_the_api(world, api_client):
    kerqin = make_task(world["units"]["djb-kerqin-delivery"])
    naiman = make_task(world["units"]["djb-naiman-express"])
    client = api_client("kerqin_admin")
    assert (
        client.post(
            f"/api/v1/plan-tasks/{kerqin.pk}/reports", {"text": "进展"}, content_type="application/json"
        ).status_code
        == 422
    )
    assert client.post(f"/api/v1/plan-tasks/{kerqin.pk}/sign").json()["status"] == "signed"
    body = client.post(
        f"/api/v1/plan-tasks/{kerqin.pk}/reports",
        {"text": "已完成", "kind": "final"},
        content_type="application/json",
    ).json()
    assert body["status"] == "done" and body["state"] == "按期完成"
    assert client.post(f"/api/v1/plan-tasks/{naiman.pk}/sign").status_code == 404
    notice = make_notice(world["units"]["djb-kerqin-delivery"])
    reply = client.post(
        f"/api/v1/plan-notices/{notice.pk}/reply", {"text": "已整改"}, content_type="application/json"
    )
    assert reply.status_code == 200 and reply.json()["reply"] == "已整改"
    sent = client.post(
        "/api/v1/plan-notices",
        {
            "office": world["units"]["djb-kerqin-express"].pk,
            "sender": world["units"]["lxgw-kerqin"].pk,
            "message": "请报送",
        },
        content_type="application/json",
    )
    assert sent.status_code == 201 and sent.json()["reply_required"]


def test_a_reported_goal_through_the_api_needs_evidence(world, api_client):
    goal = make_goal(make_plan(world["units"]["lxgw-kerqin"]), indicator="reported", target="40")
    client = api_client("kerqin_admin")
    refused = client.post(f"/api/v1/goals/{goal.pk}/report", {"value": "12"}, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "evidence"
    ok = client.post(
        f"/api/v1/goals/{goal.pk}/report",
        {"value": "12", "evidence": "培训签到表"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["actual"] == "12.00" and ok.json()["source"] == "reported"
