"""The rights requests' queue over the API (/api/v1/rights-requests): the console's scope and permission
codes, the deadlines shown, masking with a logged unmasked detail, and the answer's transitions."""

import pytest

from tests.workers.matrix_types import _rights_request
from xinye.audit.models import ChangeLog
from xinye.workers.choices import RightsStatus

URL = "/api/v1/rights-requests"


@pytest.fixture
def requests_(world):
    return {
        "mine": _rights_request(world["units"]["street-kerqin-1-c1"], world),
        "other": _rights_request(world["units"]["street-naiman-1-c1"], world),
    }


def test_the_list_is_the_callers_scope_with_deadlines(api_client, requests_):
    body = api_client("community_admin").get(URL).json()
    ids = {item["id"] for item in body["items"]}
    assert requests_["mine"].pk in ids and requests_["other"].pk not in ids
    item = next(i for i in body["items"] if i["id"] == requests_["mine"].pk)
    assert item["status"] == "open" and item["status_label"] == "待办理" and item["kind_label"] == "更正补充"
    assert item["due_at"] and item["overdue"] is False and item["unit"]["name"]
    assert "wrong" not in item  # what the worker asked is in the detail only
    # the city sees both; filters narrow
    city = api_client("city_admin").get(URL, {"status": "open", "q": "备案"}).json()
    assert {requests_["mine"].pk, requests_["other"].pk} <= {i["id"] for i in city["items"]}
    assert api_client("city_admin").get(URL, {"status": "done", "q": "备案"}).json()["count"] == 0


def test_out_of_scope_no_permission_and_anonymous(api_client, client, requests_):
    other = requests_["other"].pk
    assert api_client("community_admin").get(f"{URL}/{other}").status_code == 404
    answer = {"decision": "done", "answer": "已更正"}
    r = api_client("community_admin").post(f"{URL}/{other}/answer", answer, content_type="application/json")
    assert r.status_code == 404 and r.json()["detail"] == "对象不存在或不在您的管辖范围内"
    # a role without the rights queue (the instructor) sees nothing and answers nothing
    instructor = api_client("instructor")
    assert instructor.get(URL).json() == {"items": [], "count": 0}
    mine = requests_["mine"].pk
    assert instructor.get(f"{URL}/{mine}").status_code == 404
    r = instructor.post(f"{URL}/{mine}/answer", answer, content_type="application/json")
    assert r.status_code == 404
    assert client.get(URL).status_code == 401
    requests_["mine"].refresh_from_db()
    assert requests_["mine"].status == RightsStatus.OPEN


def test_the_detail_is_unmasked_for_view_sensitive_and_logged(api_client, requests_, world):
    mine = requests_["mine"]
    body = api_client("community_admin").get(f"{URL}/{mine.pk}").json()
    assert body["wrong"] == "姓名错了" and body["should_be"] == "王小明" and body["worker"] == "测试骑手"
    log = ChangeLog.objects.filter(action="view_sensitive").latest("pk")
    assert log.username == "community_admin" and "错误内容" in log.note
    # a role with view but not view_sensitive over the queue sees the request masked
    from xinye.accounts.models import Role
    from xinye.accounts.permissions import system_actor
    from xinye.accounts.services import assign_role

    role = Role.objects.create(code="rights_reader", name="只读", mode="tree", grants={"workers.*": ["view"]})
    reader = world["users"]["union_staff"]
    assign_role(reader, role.code, world["units"]["street-kerqin-1"], actor=system_actor("test"))
    masked = api_client("union_staff").get(f"{URL}/{mine.pk}").json()
    assert masked["wrong"] != "姓名错了" and "姓名错了" not in masked["wrong"]


def test_answering_moves_the_request_once_and_refuses_in_chinese(api_client, requests_):
    client = api_client("community_admin")
    mine = requests_["mine"].pk
    empty = client.post(
        f"{URL}/{mine}/answer", {"decision": "done", "answer": "  "}, content_type="application/json"
    )
    assert empty.status_code == 422 and "答复" in empty.json()["detail"]
    bad = client.post(
        f"{URL}/{mine}/answer", {"decision": "maybe", "answer": "x"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "decision" in bad.json()["detail"]
    done = client.post(
        f"{URL}/{mine}/answer", {"decision": "refused", "answer": "记录无误"}, content_type="application/json"
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["status"] == "refused" and body["answer"] == "记录无误"
    assert body["handled_by"] == "community_admin" and body["handled_at"]
    again = client.post(
        f"{URL}/{mine}/answer", {"decision": "done", "answer": "改了"}, content_type="application/json"
    )
    assert again.status_code == 422
    assert again.json()["detail"] == "当前状态“不予更正”不能转为“已办结”"
    requests_["mine"].refresh_from_db()
    assert requests_["mine"].status == RightsStatus.REFUSED and requests_["mine"].answer == "记录无误"
