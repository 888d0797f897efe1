"""Stale edits are refused (issue 18 item 4) for enterprises, practitioners and party members: two people edit
the same row from the same version — in the console, through the API with ETag/If-Match, or through the
services — the first save wins, the second is refused in Chinese, and nothing of it is written."""

import pytest
from django.db import transaction

from tests.ledger.factories import make_enterprise, make_member, make_practitioner
from tests.ledger.io_helpers import xlsx
from xinye.accounts import writes
from xinye.accounts.permissions import system_actor
from xinye.core.errors import Stale
from xinye.ledger import services
from xinye.ledger.imports.kinds import run_import
from xinye.ledger.models import Enterprise, PartyMember, Practitioner

pytestmark = pytest.mark.django_db

SYSTEM = system_actor("test")
STALE = "请刷新后重新编辑；您的修改未保存"


def form_data(response) -> dict:
    """What the browser would post back from an admin change form as loaded: every field's value, the
    hidden version included, and the inline formsets' management forms."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is None:
            data[name] = ""
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = str(value)
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data


def _office(world):
    return world["units"]["djb-kerqin-delivery"]


def _member(world) -> PartyMember:
    return make_member(make_enterprise(_office(world)))


# (change-form URL part, the object, the field edited, a value for tab A, a value for tab B, read it back)
CASES = {
    "enterprise": (
        "enterprise",
        lambda world: make_enterprise(_office(world), name="科尔沁区美团永清站"),
        "name",
        "科尔沁区美团永清站（甲改）",
        "科尔沁区美团永清站（乙改）",
        lambda obj: Enterprise.objects.get(pk=obj.pk).name,
    ),
    "practitioner": (
        "practitioner",
        lambda world: make_practitioner(make_enterprise(_office(world)), name="巴特尔"),
        "ethnicity",
        "蒙古族",
        "汉族",
        lambda obj: Practitioner.objects.get(pk=obj.pk).ethnicity,
    ),
    "party member": (
        "partymember",
        _member,
        "home_organisation",
        "甲填写的党组织",
        "乙填写的党组织",
        lambda obj: PartyMember.objects.get(pk=obj.pk).home_organisation,
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_two_tabs_the_second_save_is_refused_and_the_first_survives(world, client_for, case):
    url_part, make, field, first, second, read = case
    obj = make(world)
    url = f"/admin/ledger/{url_part}/{obj.pk}/change/"
    tab_a, tab_b = client_for("kerqin_admin"), client_for("city_admin")
    page_a, page_b = tab_a.get(url), tab_b.get(url)
    assert page_a.status_code == page_b.status_code == 200
    assert 'name="xinye_version"' in page_a.content.decode()
    data_a, data_b = form_data(page_a), form_data(page_b)
    assert data_a["xinye_version"] == data_b["xinye_version"] == str(obj.version)

    saved = tab_a.post(url, {**data_a, field: first})
    assert saved.status_code == 302, saved.content.decode()[-3000:]
    refused = tab_b.post(url, {**data_b, field: second})

    assert refused.status_code == 200  # the form again, with the user's input and the reason
    html = refused.content.decode()
    assert "此记录已被他人于" in html and "修改（kerqin_admin）" in html and STALE in html
    assert second in html  # what B typed is still in the form
    assert read(obj) == first  # A's edit intact, nothing of B's written
    # B reloads the form (the new version) and saves: accepted
    again = tab_b.get(url)
    assert tab_b.post(url, {**form_data(again), field: second}).status_code == 302
    assert read(obj) == second


def test_a_form_posted_without_its_version_saves_as_before(world, client_for):
    ent = make_enterprise(_office(world))
    url = f"/admin/ledger/enterprise/{ent.pk}/change/"
    client = client_for("kerqin_admin")
    data = form_data(client.get(url))
    del data["xinye_version"]
    assert client.post(url, {**data, "name": "无版本号的修改"}).status_code == 302
    ent.refresh_from_db()
    assert ent.name == "无版本号的修改" and ent.version == 2


@pytest.mark.parametrize(
    ("path", "make", "patch"),
    [
        ("/api/v1/enterprises/{}", lambda w: make_enterprise(_office(w)), {"staff_count": 33}),
        (
            "/api/v1/practitioners/{}",
            lambda w: make_practitioner(make_enterprise(_office(w))),
            {"ethnicity": "达斡尔族"},
        ),
    ],
    ids=["enterprise", "practitioner"],
)
def test_api_etag_and_if_match(world, api_client, path, make, patch):
    obj = make(world)
    url = path.format(obj.pk)
    a, b = api_client("kerqin_admin"), api_client("city_admin")
    read = a.get(url)
    assert read.status_code == 200 and read["ETag"] == '"1"'
    assert b.get(url)["ETag"] == '"1"'

    ok = a.patch(url, patch, content_type="application/json", headers={"If-Match": '"1"'})
    assert ok.status_code == 200, ok.content
    assert ok["ETag"] == '"2"'

    stale = b.patch(
        url,
        {"ethnicity": "回族"} if "ethnicity" in patch else {"staff_count": 44},
        content_type="application/json",
        headers={"If-Match": '"1"'},
    )
    assert stale.status_code == 412
    assert "修改（kerqin_admin）" in stale.json()["detail"] and STALE in stale.json()["detail"]
    assert stale["ETag"] == '"2"'  # where to start again from
    ((name, value),) = patch.items()
    obj.refresh_from_db()
    assert getattr(obj, name) == value and obj.version == 2

    # the version just read matches; a client sending no If-Match writes as it always did
    assert b.patch(url, patch, content_type="application/json", headers={"If-Match": '"2"'})["ETag"] == '"3"'
    plain = b.patch(url, patch, content_type="application/json")
    assert plain.status_code == 200 and plain["ETag"] == '"4"'
    # a malformed or foreign tag names no version of ours: 412, nothing written
    assert (
        b.patch(url, patch, content_type="application/json", headers={"If-Match": "abc"}).status_code == 412
    )
    assert b.patch(url, patch, content_type="application/json", headers={"If-Match": "*"}).status_code == 200


def test_party_member_detail_carries_its_etag(world, api_client):
    member = _member(world)
    r = api_client("kerqin_admin").get(f"/api/v1/party-members/{member.pk}")
    assert r.status_code == 200 and r["ETag"] == f'"{member.version}"'


def test_openapi_declares_if_match_and_412(world, api_client):
    doc = api_client("city_admin").get("/api/v1/openapi.json").json()
    op = doc["paths"]["/api/v1/enterprises/{enterprise_id}"]["patch"]
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in op["parameters"])
    assert "412" in op["responses"] and "ETag" in op["responses"]["200"]["headers"]
    read = doc["paths"]["/api/v1/enterprises/{enterprise_id}"]["get"]
    assert "ETag" in read["responses"]["200"]["headers"]
    assert "If-Match" not in {p["name"] for p in read.get("parameters", [])}
    # an object that is not versioned declares nothing of it
    stations = doc["paths"]["/api/v1/stations/{station_id}"]["get"]
    assert "headers" not in stations["responses"]["200"]


def _update(kind, obj, version, value):
    """Save `obj` through its service as a writer who edited `version`."""
    if kind == "party member":
        return services.save_party_member(
            obj.practitioner, actor=SYSTEM, version=version, home_organisation=value
        )
    writes.expect_version(obj, version)
    if kind == "enterprise":
        return services.update_enterprise(obj, actor=SYSTEM, name=value)
    return services.update_practitioner(obj, actor=SYSTEM, name=value)


@pytest.mark.parametrize("kind", CASES.keys())
def test_two_saves_from_the_same_version_through_the_services(world, kind):
    make = CASES[kind][1]
    obj = make(world)
    model = type(obj)
    first, second = model.objects.get(pk=obj.pk), model.objects.get(pk=obj.pk)  # both read at version 1
    _update(kind, first, 1, "第一次保存")
    with pytest.raises(Stale):
        with transaction.atomic():
            _update(kind, second, 1, "第二次保存")
    field = "home_organisation" if kind == "party member" else "name"
    assert model.objects.filter(pk=obj.pk).values_list(field, "version").get() == ("第一次保存", 2)


def test_the_check_is_in_the_update_itself(world):
    """The face's early check passed (the row was at version 1 when read) but another save landed before
    this one's UPDATE: the UPDATE matches no row and nothing is written."""
    ent = make_enterprise(_office(world))
    mine = Enterprise.objects.get(pk=ent.pk)
    writes.expect_version(mine, 1)  # passes: the row is at 1 now
    services.update_enterprise(Enterprise.objects.get(pk=ent.pk), actor=SYSTEM, name="别人先保存")
    with pytest.raises(Stale), transaction.atomic():
        services.update_enterprise(mine, actor=SYSTEM, name="我后保存")
    ent.refresh_from_db()
    assert (ent.name, ent.version) == ("别人先保存", 2)


def test_moving_an_enterprise_moves_its_people_to_their_next_version(world):
    ent = make_enterprise(_office(world))
    member = make_member(ent)
    p = member.practitioner
    before = (p.version, member.version)
    services.update_enterprise(ent, actor=SYSTEM, region=world["units"]["djb-kailu-delivery"].region)
    p.refresh_from_db()
    member.refresh_from_db()
    assert p.unit == ent.unit and p.version == before[0] + 1 and member.version > before[1]


def test_an_import_moves_the_rows_it_updates_to_their_next_version(world, client_for, tmp_path):
    ent = make_enterprise(_office(world), name="科尔沁区美团骑手站")
    p = make_practitioner(ent, name="换号", phone="13800001111")
    url = f"/admin/ledger/practitioner/{p.pk}/change/"
    client = client_for("kerqin_admin")
    opened = form_data(client.get(url))  # someone opens the form, then the import runs
    path = xlsx(
        tmp_path / "upd.xlsx",
        ["姓名", "公民身份号码", "手机号", "所在企业"],
        [["换号", p.id_number, "13800003333", ent.name]],
    )
    result = run_import("practitioners", path, commit=True, actor=SYSTEM)
    assert result.updated == 1
    p.refresh_from_db()
    assert p.version == 2 and p.phone == "13800003333"
    refused = client.post(url, {**opened, "ethnicity": "满族"})
    assert refused.status_code == 200 and STALE in refused.content.decode()
    p.refresh_from_db()
    assert p.ethnicity != "满族" and p.phone == "13800003333"
