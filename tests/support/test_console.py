"""The console as a county clerk and a handling unit use it: filing a need through the add form, the 办理
page's steps through the services, the statistics page, 404 for whoever is neither."""

from tests.conftest import login
from tests.ledger.factories import make_enterprise
from xinye.orgs.models import OrgUnit
from xinye.support.models import EnterpriseNeed


def test_a_need_through_the_console_from_filing_to_closing(world):
    site = make_enterprise(world["units"]["djb-kerqin-delivery"], name="美团外卖科尔沁区站")
    county = login("kerqin_admin")
    response = county.post(
        "/admin/support/enterpriseneed/add/",
        {
            "enterprise": site.pk,
            "kind": "insurance",
            "title": "为骑手统一投保意外险",
            "details": "",
            "contact": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    need = EnterpriseNeed.objects.get(enterprise=site)
    assert need.unit == site.unit and need.events.filter(kind="submitted").exists()
    refused = county.post(
        "/admin/support/enterpriseneed/add/", {"enterprise": site.pk, "kind": "insurance", "title": "险"}
    )
    assert refused.status_code == 200 and "至少 4 个字" in refused.content.decode()

    url = f"/admin/support/needs/{need.pk}/work/"
    page = county.get(url).content.decode()
    assert "通辽市总工会" in page  # the default handling unit is suggested: ticked in the checklist
    union_unit = OrgUnit.objects.get(code="mass-union")
    assert 'data-filter-for="dispatch-units"' in page and '<select name="units"' not in page
    assert f'name="units" value="{union_unit.pk}" checked' in page
    county.post(url, {"action": "dispatch", "text": "请对接保险机构"})
    task = need.tasks.get()
    assert task.unit.code == "mass-union"

    union = login("union_staff")
    assert union.get(url).status_code == 200  # the handling unit reaches the need through its task
    union.post(url, {"action": "sign", "task": task.pk})
    union.post(url, {"action": "task_answer", "task": task.pk, "text": "已对接人保财险团体意外险"})
    assert union.post(url, {"action": "answer", "text": "越权答复"}).status_code == 404
    county.post(url, {"action": "answer", "text": "已为贵站对接团体意外险"})
    county.post(url, {"action": "close", "resolved": "1"})
    need.refresh_from_db()
    assert need.status == "closed" and need.resolved is True

    assert login("community_admin").get(url).status_code == 404
    stats = county.get("/admin/support/stats/")
    assert stats.status_code == 200 and "按时办结 1 件" in stats.content.decode()


def test_a_refused_step_is_shown_not_raised(world):
    site = make_enterprise(world["units"]["djb-kerqin-delivery"])
    county = login("kerqin_admin")
    county.post(
        "/admin/support/enterpriseneed/add/",
        {"enterprise": site.pk, "kind": "policy", "title": "咨询补贴政策"},
    )
    need = EnterpriseNeed.objects.get(enterprise=site)
    response = county.post(
        f"/admin/support/needs/{need.pk}/work/", {"action": "reject", "text": ""}, follow=True
    )
    assert "不予受理须说明理由" in response.content.decode()
    need.refresh_from_db()
    assert need.status == "submitted"


def test_a_county_clerk_records_reach_of_a_city_policy_and_a_match_with_a_city_bank(world):
    from decimal import Decimal

    from tests.support import factories as f
    from xinye.support.models import Match, PolicyReach

    city = world["units"]["tl-lxgw"]
    policy = f.make_policy(city)
    bank = f.make_institution(city, kind="bank", name="农业银行通辽分行")
    f.make_product(city, institution=bank, kind="loan", max_amount=Decimal("1000000"))
    site = make_enterprise(world["units"]["djb-kerqin-delivery"])
    county = login("kerqin_admin")
    response = county.post(
        "/admin/support/policyreach/add/",
        {"policy": policy.pk, "enterprise": site.pk, "kind": "told", "date": "2026-11-20", "note": ""},
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    assert PolicyReach.objects.filter(policy=policy, enterprise=site, kind="told").exists()
    response = county.post(
        "/admin/support/match/add/",
        {"enterprise": site.pk, "institution": bank.pk, "kind": "loan", "note": ""},
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    assert Match.objects.get(enterprise=site).status == "proposed"
