"""Regression tests for the appeals and 随手拍 leaks of the spine issue (#12), each as the demo role that
found it, through the console and the API.

- Leak 3: the unit handling an appeal could not read it (〔已隐藏，17 字〕), while its answer showed in
  clear in the 办理记录; units without a task must see neither text nor answer anywhere.
- Leak 7 (routing): a county admin's community labelled with another county's region captured that
  county's appeals, because routing took "the first community of the region" by tree position.
- Leak 9: staff appeals filed into any county; Open311 filing with the 审计员's and 安全管理员's tokens.
"""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from tests.appeals.helpers import key, worker
from tests.ledger.factories import make_enterprise
from xinye.accounts.permissions import clear_cache, system_actor
from xinye.appeals import services
from xinye.appeals.models import Appeal
from xinye.audit.models import ChangeLog
from xinye.core.errors import OutOfScope
from xinye.hazards.models import HazardReport
from xinye.orgs.choices import UnitKind
from xinye.orgs.models import OrgUnit, Region, Responsibility

SYS = system_actor("test")
SECRET = "骑手王五反映站长拖欠工资三个月"
UNION_ANSWER = "工会已约谈站长，承诺本周补发"
TRANSPORT_ANSWER = "交通部门已责令平台整改派单规则"


def _text(response) -> str:
    try:
        return json.dumps(response.json(), ensure_ascii=False)
    except ValueError:
        return response.content.decode()


def _reveals(appeal) -> int:
    return ChangeLog.objects.filter(action="view_sensitive", object_id=str(appeal.pk)).count()


@pytest.fixture
def handled(world):
    """A 科尔沁区 wage appeal handled by the city 总工会 (union_staff) and the transport department, each
    having answered its task."""
    w = worker("street-kerqin-1-c1")
    appeal = services.submit_appeal(worker=w, category="wages", text=SECRET, idempotency_key=key())
    union_task, transport_task = services.dispatch_appeal(
        appeal, actor=SYS, units=[world["units"]["mass-union"], world["units"]["dept-transport"]]
    )
    for task, answer in ((union_task, UNION_ANSWER), (transport_task, TRANSPORT_ANSWER)):
        services.sign_task(task, actor=SYS)
        services.add_progress(task, actor=SYS, note=f"进展：{answer[:4]}", public=True)
        services.answer_task(task, actor=SYS, answer=answer)
    return {"appeal": appeal, "worker": w, "union": union_task, "transport": transport_task}


# --- leak 3: the handling unit reads what the work needs; others read nothing -------------------------


def test_leak3_the_handling_unit_reads_the_appeal_on_the_work_page(handled, client_for):
    appeal, w = handled["appeal"], handled["worker"]
    before = _reveals(appeal)
    page = client_for("union_staff").get(reverse("appeals:work", args=[appeal.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert SECRET in body and "已隐藏，17 字" not in body
    assert w.name in body and w.phone in body  # to call back for 回访
    assert UNION_ANSWER in body  # its own answer, in the task table and in the 办理记录
    assert TRANSPORT_ANSWER not in body  # never another unit's answer
    log = ChangeLog.objects.filter(action="view_sensitive", object_id=str(appeal.pk)).latest("id")
    assert _reveals(appeal) == before + 1 and "承办单位办理" in log.note and log.username == "union_staff"


def test_leak3_the_handling_unit_reads_its_task_through_the_api(handled, api_client):
    appeal, w = handled["appeal"], handled["worker"]
    union = api_client("union_staff")
    before = _reveals(appeal)
    r = union.get(f"/api/v1/appeal-tasks/{handled['union'].pk}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["appeal_text"] == SECRET and body["answer"] == UNION_ANSWER
    assert body["filer_name"] == w.name and body["filer_phone"] == w.phone
    assert _reveals(appeal) == before + 1
    # the other unit's task and the appeal itself stay out of its reach
    assert union.get(f"/api/v1/appeal-tasks/{handled['transport'].pk}").status_code == 404
    assert union.get(f"/api/v1/appeals/{appeal.pk}").status_code == 404
    listed = _text(union.get("/api/v1/appeal-tasks", {"limit": 500}))
    assert SECRET not in listed and TRANSPORT_ANSWER not in listed


def test_leak3_a_unit_that_sent_its_task_back_reads_nothing_more(handled, world, client_for, api_client):
    appeal = services.submit_appeal(
        worker=worker("street-kerqin-1-c1"), category="wages", text=SECRET, idempotency_key=key()
    )
    (task,) = services.dispatch_appeal(appeal, actor=SYS, units=[world["units"]["mass-union"]])
    services.return_task(task, actor=world["users"]["union_staff"], reason="应由交通部门办理")
    before = _reveals(appeal)
    body = client_for("union_staff").get(reverse("appeals:work", args=[appeal.pk])).content.decode()
    assert SECRET not in body and "已隐藏" in body
    r = api_client("union_staff").get(f"/api/v1/appeal-tasks/{task.pk}")
    assert r.status_code == 200 and SECRET not in _text(r) and r.json()["filer_phone"] == ""
    assert _reveals(appeal) == before


def test_leak3_a_reader_without_a_task_sees_neither_text_nor_answer(handled, world, client_for, api_client):
    """An instructor reads the appeals of their assigned enterprise (view, no view_sensitive): the text,
    the answers and the notes show as lengths in every field and every line of the record."""
    appeal = handled["appeal"]
    services.answer_appeal(appeal, actor=SYS, answer="已协调补发工资，请留意到账")
    services.close_appeal(appeal, actor=SYS)
    user = world["users"]["instructor"]
    enterprise = make_enterprise(world["units"]["djb-kerqin-delivery"])
    Appeal.objects.filter(pk=appeal.pk).update(enterprise=enterprise)  # the appeal is about that enterprise
    _assign(user, enterprise)
    before = _reveals(appeal)
    body = client_for("instructor").get(reverse("appeals:work", args=[appeal.pk])).content.decode()
    for secret in (SECRET, UNION_ANSWER, TRANSPORT_ANSWER, "请留意到账", handled["worker"].phone):
        assert secret not in body, secret
    admin_page = client_for("instructor").get(
        reverse("admin:appeals_appeal_change", args=[appeal.pk]), follow=True
    )  # the console row opens the 办理 page
    assert admin_page.status_code == 200 and admin_page.redirect_chain
    for secret in (SECRET, UNION_ANSWER, "请留意到账", "进展："):
        assert secret not in admin_page.content.decode(), secret
    r = api_client("instructor").get(f"/api/v1/appeals/{appeal.pk}")
    assert r.status_code == 200
    for secret in (SECRET, UNION_ANSWER, TRANSPORT_ANSWER, "请留意到账", "进展："):
        assert secret not in _text(r), secret
    assert _reveals(appeal) == before


def _assign(user, enterprise):
    from xinye.orgs.models import Agent

    agent = Agent.objects.filter(user=user).first()
    if agent is None:
        ra = user.role_assignments.first()
        agent = Agent.objects.create(
            kind=ra.role.code, name=user.display_name, unit=ra.unit, region=ra.unit.region, user=user
        )
    Responsibility.objects.create(
        content_type=ContentType.objects.get_for_model(type(enterprise)),
        object_id=enterprise.pk,
        role=agent.kind,
        agent=agent,
    )
    clear_cache(user)


# --- leak 7: routing cannot be steered by whoever creates units ----------------------------------------


@pytest.fixture
def planted(world):
    """A community labelled 150521 (科尔沁左翼中旗) under 科尔沁区's own street — what `kerqin_admin` made
    with `POST /api/v1/org-units {"region": "150521", "parent": …}`. Written straight to the table: routing
    must resist such a row whether or not the org service lets the next one in."""
    street = world["units"]["street-kerqin-1"]
    unit = OrgUnit(
        code="planted-kzzq",
        name="科尔沁左翼中旗某社区",
        kind=UnitKind.COMMUNITY,
        region=Region.objects.get(code="150521"),
        parent=street,
        sort=-100,
    )
    unit.save()
    return unit


def test_leak7_a_planted_community_does_not_capture_the_countys_appeals(world, planted, api_client):
    region = Region.objects.get(code="150521")
    first_by_tree = OrgUnit.objects.filter(kind=UnitKind.COMMUNITY, region=region).order_by("path").first()
    assert first_by_tree == planted  # what routing used to pick
    assert services.community_of_region(region) != planted
    assert services.community_of_region(region).path.startswith(world["units"]["lxgw-kzzq"].path)
    assert services.county_work_committee(region) == world["units"]["lxgw-kzzq"]
    # a staff-filed appeal of that county, and a worker of that county with no community of their own
    filed = services.file_appeal(
        actor=SYS, category="school", text="走访中反映孩子入学难", idempotency_key=key(), region=region
    )
    walker = services.submit_appeal(
        worker=worker(None, region=region), category="jobs", text="想找一份白天的工作", idempotency_key=key()
    )
    for appeal in (filed, walker):
        assert appeal.unit != planted and appeal.unit.path.startswith(world["units"]["lxgw-kzzq"].path)
        assert planted not in services.route(appeal)
        assert api_client("kerqin_admin").get(f"/api/v1/appeals/{appeal.pk}").status_code == 404


def test_leak7_routing_is_deterministic(world, planted):
    region = Region.objects.get(code="150521")
    first = services.community_of_region(region)
    assert all(services.community_of_region(region) == first for _ in range(3))


# --- leak 9: staff appeals inside the filer's scope; Open311 only for who may file ---------------------


@pytest.mark.parametrize("username", ["kerqin_admin", "instructor", "liaison"])
def test_leak9_staff_cannot_file_appeals_into_another_county(world, api_client, username):
    payload = {
        "category": "school",
        "text": "走访中骑手反映孩子上学远",
        "source": "visit",
        "region": "150521",
    }
    count = Appeal.objects.count()
    r = api_client(username).post(
        "/api/v1/appeals", {**payload, "idempotency_key": key()}, content_type="application/json"
    )
    assert r.status_code == 404, r.content
    assert Appeal.objects.count() == count
    with pytest.raises(OutOfScope):
        services.file_appeal(
            actor=world["users"][username],
            category="school",
            text="走访中骑手反映孩子上学远",
            idempotency_key=key(),
            region=Region.objects.get(code="150521"),
        )
    assert Appeal.objects.count() == count


def test_leak9_staff_file_inside_their_scope(world, api_client):
    r = api_client("kerqin_admin").post(
        "/api/v1/appeals",
        {
            "category": "school",
            "text": "走访中骑手反映孩子上学远",
            "region": "150502",
            "idempotency_key": key(),
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    # an instructor files for an enterprise they are assigned to
    user = world["users"]["instructor"]
    enterprise = make_enterprise(world["units"]["djb-kerqin-delivery"])
    _assign(user, enterprise)
    r = api_client("instructor").post(
        "/api/v1/appeals",
        {
            "category": "jobs",
            "text": "走访中骑手想换白班工作",
            "enterprise": enterprise.pk,
            "idempotency_key": key(),
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert Appeal.objects.get(pk=r.json()["id"]).enterprise == enterprise


@pytest.mark.parametrize("username", ["auditor", "secadmin"])
def test_leak9_open311_refuses_tokens_that_may_not_file(world, client, username):
    from xinye.accounts.services import create_token

    _t, token = create_token(world["users"][username], actor=system_actor("test"))
    count = HazardReport.objects.count()
    r = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": token,
            "service_code": "manhole",
            "lat": 43.6172,
            "long": 122.263,
            "description": "井盖丢了",
        },
    )
    assert r.status_code == 403 and r.json()[0]["code"] == 403
    assert HazardReport.objects.count() == count


# --- the write door: no service function of these apps runs without an actor ---------------------------


@pytest.mark.parametrize("module", ["xinye.appeals.services", "xinye.hazards.services"])
def test_every_write_needs_an_actor_or_the_worker(module):
    import importlib
    import inspect

    mod = importlib.import_module(module)
    missing = []
    for name, fn in inspect.getmembers(mod, inspect.isfunction):
        if name.startswith("_") or fn.__module__ != mod.__name__ or name in mod.READS:
            continue
        params = inspect.signature(fn).parameters
        if not any(
            p in params
            and params[p].kind is inspect.Parameter.KEYWORD_ONLY
            and params[p].default is inspect.Parameter.empty
            for p in ("actor", "worker")
        ):
            missing.append(name)
    assert missing == []


# --- routing rules name units by code: a code claimed later serves only its own county ------------------


@pytest.fixture
def claimed(world, settings, api_client):
    """A routing rule names `dept-labour`, a unit nobody has created yet; `kerqin_admin` creates a unit with
    that code under its own street."""
    settings.XINYE_APPEAL_ROUTING = {"jobs": ["unit:dept-labour|community"]}
    response = api_client("kerqin_admin").post(
        "/api/v1/org-units",
        {
            "code": "dept-labour",
            "name": "人社服务点",
            "kind": "community",
            "region": "150502",
            "parent": world["units"]["street-kerqin-2"].pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return OrgUnit.objects.get(code="dept-labour")


def test_a_claimed_rule_code_does_not_take_another_countys_appeals(world, claimed, api_client):
    kzzq = Region.objects.get(code="150521")
    appeal = services.submit_appeal(
        worker=worker(None, region=kzzq), category="jobs", text="想找一份白天的工作", idempotency_key=key()
    )
    targets = services.route(appeal)
    assert claimed not in targets
    assert targets == [services.community_of_region(kzzq)]
    services.dispatch_appeal(appeal, actor=SYS)
    assert not appeal.tasks.filter(unit=claimed).exists()
    assert api_client("kerqin_admin").get(f"/api/v1/appeals/{appeal.pk}").status_code == 404
    # inside its own county the unit is what the rule names; a city department serves every county
    own = services.submit_appeal(
        worker=worker("street-kerqin-1-c1"), category="jobs", text="想找一份夜班工作", idempotency_key=key()
    )
    assert services.route(own) == [claimed]
    assert services.fixed_unit("mass-union", kzzq) == world["units"]["mass-union"]


def test_a_rule_code_relabelled_with_a_wider_region_serves_no_other_county(world, claimed):
    """Written straight to the table (as if the org service let it in): the unit says 通辽市 but hangs under
    科尔沁区's 两新工委, so it is anchored nowhere above its county."""
    OrgUnit.objects.filter(pk=claimed.pk).update(region=world["units"]["mass-union"].region)
    kzzq = Region.objects.get(code="150521")
    assert services.fixed_unit("dept-labour", kzzq) is None
    appeal = services.submit_appeal(
        worker=worker(None, region=kzzq), category="jobs", text="想找一份白天的工作", idempotency_key=key()
    )
    assert all(u.pk != claimed.pk for u in services.route(appeal))
