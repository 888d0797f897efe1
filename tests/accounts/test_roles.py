"""Scope semantics behind the matrix: second line, industry narrowing, separation of duties."""

from xinye.accounts.permissions import has_action, restrict
from xinye.orgs.models import OrgUnit


def visible_codes(user):
    return set(restrict(OrgUnit.objects.all(), user, "view").values_list("code", flat=True))


def test_county_admin_sees_only_their_county(world):
    codes = visible_codes(world["users"]["kerqin_admin"])
    assert "djb-kerqin-delivery" in codes and "street-kerqin-1-c1" in codes
    assert "djb-naiman-delivery" not in codes and "tl-lxgw" not in codes


def test_committee_admin_sees_offices_through_second_line(world):
    codes = visible_codes(world["users"]["rider_committee_admin"])
    assert {"hydw-delivery", "djb-naiman-delivery", "djb-kerqin-delivery-城北片"} <= codes
    assert "djb-naiman-express" not in codes and "lxgw-naiman" not in codes


def test_department_narrowed_to_its_industry(world):
    codes = visible_codes(world["users"]["transport_dept"])
    assert "djb-kailu-freight" in codes and "hydw-freight" in codes
    assert "djb-kailu-express" not in codes


def test_auditor_reads_logs_and_nothing_else(world, client_for):
    auditor = world["users"]["auditor"]
    assert not visible_codes(auditor)
    assert has_action(auditor, "view", "audit.changelog")
    assert not has_action(auditor, "change", "audit.changelog")
    client = client_for("auditor")
    assert client.get("/admin/audit/changelog/").status_code == 200
    assert client.get("/admin/orgs/orgunit/").status_code == 403
    assert client.get("/api/v1/org-units").json()["count"] == 0


def test_business_admins_cannot_read_logs_or_accounts(world, client_for):
    client = client_for("city_admin")
    assert client.get("/admin/audit/changelog/").status_code == 403
    assert client.get("/admin/accounts/user/").status_code == 403


def test_sidebar_follows_roles(world, client_for):
    city = client_for("city_admin").get("/admin/").content.decode()
    auditor = client_for("auditor").get("/admin/").content.decode()
    assert "组织单位" in city and "操作日志" not in city
    assert "操作日志" in auditor and "组织单位" not in auditor


def test_console_is_chinese_by_default_and_english_selectable(world, client_for):
    client = client_for("city_admin")
    assert "组织单位" in client.get("/admin/orgs/orgunit/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    assert "Organisation units" in client.get("/admin/orgs/orgunit/").content.decode()
