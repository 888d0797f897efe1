"""Leaks 2, 7 and 9 of the spine issue (#12), each as the demo role that found it, through the console
and the API: city-wide reference data (regions, privacy notices) and the tree above one's own unit are
read-only below the city; a unit's region lies within its parent's; API tokens carry their user's grants
and nothing more."""

import pytest
from django.urls import reverse

from tests.accounts.tokens import token_client
from xinye.accounts.permissions import system_actor
from xinye.core.errors import OutOfScope, Refused
from xinye.orgs import services
from xinye.orgs.models import OrgUnit, Region
from xinye.workers.models import NoticeKind, PrivacyNotice

KAILU = "150523"


def _region_post(region: Region, **changes) -> dict:
    data = {
        "name": region.name,
        "level": region.level,
        "parent": region.parent_id or "",
        "is_functional_zone": "on" if region.is_functional_zone else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


# --- leak 2: a county admin renamed 开鲁县 in the console ---------------------------------------------


@pytest.mark.parametrize("username", ["kerqin_admin", "rider_committee_admin", "community_admin"])
def test_leak2_region_is_read_only_below_the_city_in_the_console(world, client_for, username):
    client = client_for(username)
    url = reverse("admin:orgs_region_change", args=[KAILU])
    assert client.get(url).status_code == 200  # reference data: everyone reads it
    response = client.post(url, _region_post(Region.objects.get(code=KAILU), name="开鲁县（改）"))
    assert response.status_code == 403
    region = Region.objects.get(code=KAILU)
    assert region.name == "开鲁县" and region.parent_id == "150500"
    assert client.post(
        reverse("admin:orgs_region_add"), {"code": "150599", "name": "新区", "level": "county"}
    )
    assert not Region.objects.filter(code="150599").exists()


@pytest.mark.parametrize("username", ["kerqin_admin", "rider_committee_admin"])
def test_leak2_region_service_refuses_county_and_committee_admins(world, username):
    user = world["users"][username]
    with pytest.raises(OutOfScope):
        services.save_region(KAILU, actor=user, name="开鲁县（改）", level="county", parent_id="150500")
    with pytest.raises(OutOfScope):
        services.load_regions("代码,名称,上级代码\n150523,开鲁,150500\n", actor=user)
    assert Region.objects.get(code=KAILU).name == "开鲁县"


def test_leak2_city_admin_and_sysadmin_maintain_regions(world, client_for):
    url = reverse("admin:orgs_region_change", args=[KAILU])
    response = client_for("city_admin").post(
        url, _region_post(Region.objects.get(code=KAILU), name="开鲁县一")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Region.objects.get(code=KAILU).name == "开鲁县一"
    services.save_region(
        KAILU, actor=world["users"]["sysadmin"], name="开鲁县", level="county", parent_id="150500"
    )
    assert Region.objects.get(code=KAILU).name == "开鲁县"


def test_leak2_region_code_is_not_editable_and_no_cycle(world, client_for):
    client = client_for("city_admin")
    url = reverse("admin:orgs_region_change", args=[KAILU])
    client.post(url, _region_post(Region.objects.get(code=KAILU), code="150599"))
    assert not Region.objects.filter(code="150599").exists()
    with pytest.raises(Refused):
        services.save_region(
            "150500", actor=world["users"]["city_admin"], name="通辽市", level="city", parent_id=KAILU
        )
    assert Region.objects.get(code="150500").parent_id == "150000"


def test_leak2_a_city_role_bound_below_the_root_does_not_reach_reference_data(world):
    """Reference data holds for the whole city: even a role whose preset writes it, bound to a county,
    reaches no further than that county (require_citywide)."""
    from xinye.accounts.models import User
    from xinye.accounts.services import assign_role

    user = User.objects.create(username="county_city_admin", is_staff=True)
    assign_role(user, "city_admin", world["units"]["lxgw-kailu"], actor=system_actor("test"))
    with pytest.raises(OutOfScope):
        services.save_region(KAILU, actor=user, name="开鲁", level="county", parent_id="150500")


def test_leak2_units_above_ones_own_are_read_only(world, client_for):
    city_wc = world["units"]["tl-lxgw"]
    client = token_client("kerqin_admin")
    response = client.patch(
        f"/api/v1/org-units/{city_wc.pk}", {"name": "改名"}, content_type="application/json"
    )
    assert response.status_code == 404
    console = client_for("kerqin_admin")
    url = reverse("admin:orgs_orgunit_change", args=[city_wc.pk])
    assert console.get(url).status_code == 404
    assert console.post(url, {"name": "改名"}).status_code == 404
    city_wc.refresh_from_db()
    assert city_wc.name == "通辽市两新工委"
    with pytest.raises(OutOfScope):
        services.update_unit(city_wc, actor=world["users"]["kerqin_admin"], name="改名")


def test_leak2_own_unit_cannot_be_relabelled_outside_the_county(world):
    own = world["units"]["lxgw-kerqin"]
    with pytest.raises(Refused) as refused:
        services.update_unit(own, actor=world["users"]["kerqin_admin"], region_id="150500")
    assert "region" in refused.value.message_dict
    assert OrgUnit.objects.get(pk=own.pk).region_id == "150502"


def test_leak2_a_move_out_of_scope_is_refused_and_rolled_back(world):
    street = world["units"]["street-kerqin-1"]
    with pytest.raises(OutOfScope):
        services.update_unit(
            street, actor=world["users"]["kerqin_admin"], parent_id=world["units"]["lxgw-naiman"].pk
        )
    street = OrgUnit.objects.get(pk=street.pk)
    assert street.parent_id == world["units"]["lxgw-kerqin"].pk
    assert street.path.startswith(world["units"]["lxgw-kerqin"].path)


# --- leak 7: a community of one's own street labelled with another county's region -------------------


def test_leak7_unit_region_must_lie_within_its_parents_through_the_api(world):
    street = world["units"]["street-kerqin-1"]
    client = token_client("kerqin_admin")
    payload = {
        "code": "leak7",
        "name": "借壳社区",
        "kind": "community",
        "region": "150521",
        "parent": street.pk,
    }
    response = client.post("/api/v1/org-units", payload, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert any(e["field"] == "region" and "所在区划" in e["message"] for e in body["errors"]), body
    assert not OrgUnit.objects.filter(code="leak7").exists()
    payload["region"] = "150502"
    assert client.post("/api/v1/org-units", payload, content_type="application/json").status_code == 201


def test_leak7_unit_region_must_lie_within_its_parents_in_the_console(world, client_for):
    street = world["units"]["street-kerqin-1"]
    data = {
        "code": "leak7c",
        "name": "借壳社区",
        "kind": "community",
        "region": "150521",
        "parent": street.pk,
        "sort": 0,
        "is_active": "on",
        "children-TOTAL_FORMS": 0,
        "children-INITIAL_FORMS": 0,
    }
    response = client_for("kerqin_admin").post(reverse("admin:orgs_orgunit_add"), data)
    assert response.status_code == 200 and "所在区划" in response.content.decode()
    assert not OrgUnit.objects.filter(code="leak7c").exists()


def test_leak7_relabelling_an_existing_unit_is_refused(world):
    community = world["units"]["street-kerqin-1-c1"]
    client = token_client("kerqin_admin")
    # the API's patch has no region; the service, which the console also calls, refuses it
    with pytest.raises(Refused):
        services.update_unit(community, actor=world["users"]["kerqin_admin"], region_id="150521")
    assert OrgUnit.objects.get(pk=community.pk).region_id == "150502"
    assert client.get(f"/api/v1/org-units/{community.pk}").json()["region"] == "150502"


def test_leak7_region_within_follows_the_region_tree(world):
    assert services.region_within("150502", "150502")
    assert services.region_within("150502", "150500")
    assert services.region_within("150502", "150000")
    assert not services.region_within("150521", "150502")
    assert not services.region_within("150500", "150502")


# --- leak 9: a county admin published a city-wide privacy notice -----------------------------------


@pytest.mark.parametrize("username", ["kerqin_admin", "rider_committee_admin", "community_admin"])
def test_leak9_only_the_city_publishes_privacy_notices(world, client_for, username):
    from xinye.workers.services import publish_notice

    before = PrivacyNotice.objects.count()
    data = {
        "kind": "general",
        "version": "9.9",
        "title": "越权告知",
        "text": "……",
        "published_at_0": "2026-12-01",
        "published_at_1": "08:00:00",
    }
    response = client_for(username).post(reverse("admin:workers_privacynotice_add"), data)
    assert response.status_code == 403
    with pytest.raises(OutOfScope):
        publish_notice(
            actor=world["users"][username], kind="general", version="9.9", title="越权告知", text="……"
        )
    assert PrivacyNotice.objects.count() == before


@pytest.mark.parametrize("username", ["city_admin", "sysadmin"])
def test_leak9_city_admin_and_sysadmin_publish(world, username):
    from xinye.workers.services import publish_notice

    notice = publish_notice(
        actor=world["users"][username],
        kind=NoticeKind.GENERAL,
        version=f"2.{username}",
        title="个人信息保护政策",
        text="第二版",
    )
    assert PrivacyNotice.current(NoticeKind.GENERAL) == notice
    with pytest.raises(Refused):
        publish_notice(
            actor=world["users"][username],
            kind=NoticeKind.GENERAL,
            version=f"2.{username}",
            title="重复",
            text="重复",
        )


def test_console_creates_a_unit_through_the_service(world, client_for):
    street = world["units"]["street-kerqin-1"]
    data = {
        "code": "console-ok",
        "name": "新建社区",
        "kind": "community",
        "region": "150502",
        "parent": street.pk,
        "sort": 0,
        "is_active": "on",
        "children-TOTAL_FORMS": 0,
        "children-INITIAL_FORMS": 0,
    }
    response = client_for("kerqin_admin").post(reverse("admin:orgs_orgunit_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    unit = OrgUnit.objects.get(code="console-ok")
    assert unit.parent_id == street.pk and unit.path.startswith(street.path)


def test_console_publishes_a_notice_as_the_city(world, client_for):
    data = {
        "kind": "general",
        "version": "3.0",
        "title": "个人信息保护政策",
        "text": "第三版",
        "published_at_0": "2026-12-01",
        "published_at_1": "08:00:00",
    }
    response = client_for("city_admin").post(reverse("admin:workers_privacynotice_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert PrivacyNotice.objects.filter(kind="general", version="3.0").exists()


def test_leak2_regions_are_deleted_only_by_the_city_and_never_while_in_use(world, client_for):
    response = client_for("kerqin_admin").post(
        reverse("admin:orgs_region_delete", args=[KAILU]), {"post": "yes"}
    )
    assert response.status_code == 403
    with pytest.raises(Refused):
        services.delete_region(Region.objects.get(code=KAILU), actor=world["users"]["city_admin"])
    assert Region.objects.filter(code=KAILU).exists()
