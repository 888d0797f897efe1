"""The loop through the API and the console 办理 page; scoping (a community sees its own tasks only);
masking and the sensitive-access log; the stats endpoint."""

from django.urls import reverse

from tests.appeals.helpers import key, worker
from xinye.accounts.permissions import system_actor
from xinye.appeals import services
from xinye.appeals.models import Appeal, AppealTask
from xinye.audit.models import ChangeLog

SYS = system_actor("test")


def _appeal(unit_code="street-kerqin-1-c1", category="legal_aid"):
    return services.submit_appeal(
        worker=worker(unit_code), category=category, text="想咨询工伤认定流程", idempotency_key=key()
    )


def test_loop_through_the_api(world, api_client):
    c = api_client("community_admin")
    a = _appeal()
    r = c.post(f"/api/v1/appeals/{a.pk}/dispatch", {}, content_type="application/json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "dispatched" and len(body["tasks"]) == 1
    task_id = body["tasks"][0]["id"]
    assert c.post(f"/api/v1/appeal-tasks/{task_id}/sign").json()["status"] == "signed"
    r = c.post(
        f"/api/v1/appeal-tasks/{task_id}/progress",
        {"note": "已联系", "public": True},
        content_type="application/json",
    )
    assert r.status_code == 201
    c.post(f"/api/v1/appeal-tasks/{task_id}/answer", {"text": "已办理"}, content_type="application/json")
    r = c.post(f"/api/v1/appeals/{a.pk}/answer", {"text": "已为您办理"}, content_type="application/json")
    assert r.json()["status"] == "answered"
    assert c.post(f"/api/v1/appeals/{a.pk}/close").json()["status"] == "closed"
    r = c.post(
        f"/api/v1/appeals/{a.pk}/visit",
        {"note": "电话回访", "satisfied": True},
        content_type="application/json",
    )
    assert r.json()["status"] == "rated" and r.json()["satisfied"] is True
    # an illegal step is a Chinese 422
    r = c.post(f"/api/v1/appeals/{a.pk}/close")
    assert r.status_code == 422 and "不能转为" in r.json()["detail"]


def test_community_sees_its_own_tasks_only(world, api_client):
    a = _appeal("street-kerqin-1-c1", "wages")  # routed to the city 总工会
    (task,) = services.dispatch_appeal(a, actor=SYS)
    assert task.unit.code == "mass-union"
    community = api_client("community_admin")
    ids = {t["id"] for t in community.get("/api/v1/appeal-tasks", {"limit": 500}).json()["items"]}
    assert task.pk not in ids
    assert community.get(f"/api/v1/appeal-tasks/{task.pk}").status_code == 404
    # ... but the appeal itself belongs to the community, which follows it
    assert community.get(f"/api/v1/appeals/{a.pk}").status_code == 200
    union = api_client("union_staff")
    assert union.get(f"/api/v1/appeal-tasks/{task.pk}").status_code == 200
    assert union.post(f"/api/v1/appeal-tasks/{task.pk}/sign").status_code == 200
    other = services.dispatch_appeal(_appeal("street-naiman-1-c1"), actor=SYS)[0]
    assert community.post(f"/api/v1/appeal-tasks/{other.pk}/sign").status_code == 404


def test_text_masked_without_view_sensitive_and_logged_with_it(world, api_client):
    a = _appeal()
    services.dispatch_appeal(a, actor=SYS)
    union = api_client("union_staff")  # mass_org: no view_sensitive, sees the task
    r = api_client("community_admin").get(f"/api/v1/appeals/{a.pk}")
    assert r.json()["text"] == "想咨询工伤认定流程"
    assert ChangeLog.objects.filter(object_id=str(a.pk), action="view_sensitive").exists()
    kerqin = api_client("transport_dept")
    assert kerqin.get(f"/api/v1/appeals/{a.pk}").status_code == 404
    assert union.get(f"/api/v1/appeals/{a.pk}").status_code == 404


def test_stats_endpoint(world, api_client):
    a = _appeal()
    (task,) = services.dispatch_appeal(a, actor=SYS)
    services.sign_task(task, actor=SYS)
    r = api_client("community_admin").get("/api/v1/appeals/stats", {"unit": task.unit_id})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["total"]["tasks"] >= 1 and body["total"]["response_rate"] == 100.0
    assert body["by_unit"][0]["unit"] == task.unit.name
    assert (
        api_client("community_admin")
        .get("/api/v1/appeals/stats", {"unit": world["units"]["street-naiman-1"].pk})
        .status_code
        == 404
    )


def test_staff_entered_appeal_via_api_is_idempotent(world, api_client):
    c = api_client("kerqin_admin")
    payload = {
        "category": "school",
        "text": "走访中骑手反映孩子上学远",
        "idempotency_key": key(),
        "source": "visit",
        "region": "150502",
    }
    r1 = c.post("/api/v1/appeals", payload, content_type="application/json")
    r2 = c.post("/api/v1/appeals", payload, content_type="application/json")
    assert r1.status_code == 201 and r1.json()["id"] == r2.json()["id"]
    assert Appeal.objects.filter(idempotency_key=payload["idempotency_key"]).count() == 1


def test_console_work_page_runs_the_loop(world, client_for):
    c = client_for("community_admin")
    a = _appeal()
    url = reverse("appeals:work", args=[a.pk])
    page = c.get(url)
    assert page.status_code == 200 and "想咨询工伤认定流程" in page.content.decode()
    done = c.post(url, {"action": "dispatch", "text": "请办理"}, follow=True).content.decode()
    task = AppealTask.objects.get(appeal=a)
    said = f"已派单至{task.unit.name}"
    assert done.count(said) == 1 and "已保存" not in done  # one bar, saying what happened
    c.post(url, {"action": "sign", "task": task.pk})
    c.post(url, {"action": "return", "task": task.pk, "text": ""})
    task.refresh_from_db()
    assert task.status == "signed"
    body = c.get(url).content.decode()
    assert "回退须说明理由" in body
    # a row opened from the list goes to its 办理 page (the task's too), not to a dump of its fields
    opened = c.get(reverse("admin:appeals_appeal_change", args=[a.pk]))
    assert opened.status_code == 302 and opened["Location"] == url
    assert c.get(reverse("admin:appeals_appealtask_change", args=[task.pk]))["Location"] == url
    assert c.get(reverse("appeals:stats")).status_code == 200
    other = _appeal("street-naiman-1-c1")
    assert c.get(reverse("appeals:work", args=[other.pk])).status_code == 404


def test_console_lists_render(world, client_for):
    a = _appeal()
    services.dispatch_appeal(a, actor=SYS)
    c = client_for("community_admin")
    for name in (
        "appeals_appeal",
        "appeals_appealtask",
        "appeals_appealreminder",
        "hazards_hazardreport",
        "volunteers_volunteerprofile",
        "volunteers_volunteeractivity",
        "volunteers_volunteersignup",
        "volunteers_volunteerhours",
    ):
        r = c.get(reverse(f"admin:{name}_changelist"))
        assert r.status_code == 200, name
    body = c.get(reverse("admin:appeals_appeal_changelist")).content.decode()
    assert a.number in body and reverse("appeals:work", args=[a.pk]) in body
    home = c.get(reverse("admin:index")).content.decode()
    assert "待签收诉求任务" in home and "待处理随手拍" in home


def test_the_work_page_shows_photos_as_thumbnails(world, client_for):
    from tests.appeals.helpers import upload

    a = services.submit_appeal(
        worker=worker(),
        category="legal_aid",
        text="想咨询工伤认定流程",
        idempotency_key=key(),
        photos=[upload()],
    )
    html = client_for("community_admin").get(reverse("appeals:work", args=[a.pk])).content.decode()
    photo = a.photos.get()
    assert f'<img src="{photo.file.url}"' in html


def test_dispatch_offers_a_filterable_checklist_with_the_rules_default_ticked(world, client_for):
    import re

    a = _appeal()
    html = client_for("community_admin").get(reverse("appeals:work", args=[a.pk])).content.decode()
    suggested = services.route(a)
    assert suggested and 'data-filter-for="dispatch-units"' in html and '<select name="units"' not in html
    ticked = set(map(int, re.findall(r'name="units" value="(\d+)" checked', html)))
    assert ticked == {u.pk for u in suggested}
