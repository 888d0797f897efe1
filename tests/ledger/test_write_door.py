"""The ledger's write door: every service takes a required actor, refuses a write outside the actor's scope
(404) and rolls back a write that would move a row out of it — through the services, the API and the console."""

import inspect

import pytest

from tests.ledger.factories import make_id
from xinye.accounts.permissions import system_actor
from xinye.core.errors import OutOfScope
from xinye.coverage import services as coverage_services
from xinye.ledger import services
from xinye.ledger.models import Enterprise, Practitioner

SYSTEM = system_actor("test")

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("module", [services, coverage_services], ids=lambda m: m.__name__)
def test_every_writing_service_requires_an_actor(module):
    reads = set(module.READS)
    assert all(callable(getattr(module, name)) for name in reads)
    for name, fn in inspect.getmembers(module, inspect.isfunction):
        if fn.__module__ != module.__name__ or name.startswith("_") or name in reads:
            continue
        actor = inspect.signature(fn).parameters.get("actor")
        assert actor is not None and actor.kind is actor.KEYWORD_ONLY, name
        assert actor.default is inspect.Parameter.empty, name


@pytest.fixture
def kerqin(world):
    office = world["units"]["djb-kerqin-delivery"]
    ent = services.create_enterprise(
        actor=SYSTEM, name="科尔沁骑手站", industry=office.industry, region=office.region, unit=office
    )
    kailu = world["units"]["djb-kailu-freight"]
    other = services.create_enterprise(
        actor=SYSTEM, name="开鲁车队", industry=kailu.industry, region=kailu.region, unit=kailu
    )
    person = services.create_practitioner(actor=SYSTEM, enterprise=ent, name="乌兰", id_number=make_id())
    return ent, other, person


def test_no_actor_is_no_write(kerqin):
    ent, _other, _person = kerqin
    with pytest.raises(OutOfScope):
        services.update_enterprise(ent, actor=None, staff_count=9)
    with pytest.raises(TypeError):
        services.update_enterprise(ent, staff_count=9)  # the missing actor is the point


def test_a_move_out_of_scope_is_refused_and_rolled_back(kerqin, world):
    ent, other, person = kerqin
    admin = world["users"]["kerqin_admin"]
    with pytest.raises(OutOfScope):
        services.update_enterprise(ent, actor=admin, region=other.region, industry=other.industry)
    ent.refresh_from_db()
    assert ent.region_id == "150502"
    with pytest.raises(OutOfScope):
        services.update_practitioner(person, actor=admin, enterprise=other)
    assert Practitioner.objects.get(pk=person.pk).enterprise_id == ent.pk
    with pytest.raises(OutOfScope):  # a row outside scope cannot be touched at all
        services.update_enterprise(other, actor=admin, staff_count=1)
    with pytest.raises(OutOfScope):
        services.delete_enterprise(other, actor=admin)
    assert Enterprise.objects.filter(pk=other.pk).exists()


def test_api_and_console_refuse_a_move_out_of_scope(kerqin, world, api_client, client_for):
    ent, other, _person = kerqin
    r = api_client("kerqin_admin").patch(
        f"/api/v1/enterprises/{ent.pk}",
        {"region": "150523", "industry": "freight"},
        content_type="application/json",
    )
    assert r.status_code == 404
    assert (
        api_client("kerqin_admin")
        .patch(f"/api/v1/enterprises/{other.pk}", {"staff_count": 1}, content_type="application/json")
        .status_code
        == 404
    )
    console = client_for("kerqin_admin")
    page = console.post(
        f"/admin/ledger/enterprise/{ent.pk}/change/",
        {
            "name": ent.name,
            "industry": "freight",
            "enterprise_type": "site",
            "region": "150523",
            "unit": other.unit_id,
            "staff_count": 0,
            "coord_source": "wgs84",
            "in_survey_scope": "on",
            "is_active": "on",
        },
    )
    # The form offers only units in scope: another county's office is not a valid choice, nothing is saved.
    assert page.status_code == 200 and "errorlist" in page.content.decode()
    ent.refresh_from_db()
    assert (ent.region_id, ent.industry) == ("150502", "delivery")


def test_console_delete_refused_by_a_rule_is_a_message(kerqin, client_for):
    ent, _other, _person = kerqin
    member = services.create_practitioner(
        actor=SYSTEM, enterprise=ent, name="党员乙", id_number=make_id(), political_status="full"
    )
    console = client_for("city_admin")  # the role that may delete
    r = console.post(f"/admin/ledger/practitioner/{member.pk}/delete/", {"post": "yes"}, follow=True)
    assert r.status_code == 200 and "党员减少" in r.content.decode()
    assert Practitioner.objects.filter(pk=member.pk).exists()


def test_members_organisations_and_cases_out_of_scope(kerqin, world):
    ent, other, person = kerqin
    admin = world["users"]["kerqin_admin"]
    far = services.create_practitioner(
        actor=SYSTEM, enterprise=other, name="外县党员", id_number=make_id("150523"), political_status="full"
    )
    with pytest.raises(OutOfScope):
        services.save_party_member(far, actor=admin, is_full=False)
    assert far.party_member.is_full
    mine = services.create_party_organisation(actor=admin, kind="branch", enterprises=[ent])
    theirs = services.create_party_organisation(actor=SYSTEM, kind="branch", enterprises=[other])
    with pytest.raises(OutOfScope):
        services.update_party_organisation(theirs, actor=admin, is_online=True)
    with pytest.raises(OutOfScope):  # covering another county's enterprise: not the admin's to add
        services.update_party_organisation(mine, actor=admin, enterprises=[ent, other])
    assert list(mine.enterprises.all()) == [ent]
    with pytest.raises(OutOfScope):
        services.create_party_organisation(actor=admin, kind="branch", enterprises=[other])
    with pytest.raises(OutOfScope):
        services.delete_party_organisation(theirs, actor=admin)
    with pytest.raises(OutOfScope):  # scope before rules: no "already has an organisation" about it
        services.start_formation(actor=admin, enterprises=[other])
    kailu = world["units"]["djb-kailu-freight"]
    ready = services.create_enterprise(
        actor=SYSTEM, name="开鲁新车队", industry=kailu.industry, region=kailu.region, unit=kailu
    )
    for _ in range(3):
        services.create_practitioner(
            actor=SYSTEM, enterprise=ready, name="党员", id_number=make_id("150523"), political_status="full"
        )
    case = services.start_formation(actor=SYSTEM, enterprises=[ready], kind="branch")
    with pytest.raises(OutOfScope):
        services.apply_formation_transition(case, "withdrawn", actor=admin, note="x")


def test_console_delete_selected_is_all_or_nothing(kerqin, client_for):
    """ "Delete selected" goes through the service row by row in one transaction: when the rule refuses one
    row (a party member), none is deleted and the refusal is shown as a message."""
    ent, _other, _person = kerqin
    plain = services.create_practitioner(actor=SYSTEM, enterprise=ent, name="群众甲", id_number=make_id())
    member = services.create_practitioner(
        actor=SYSTEM, enterprise=ent, name="党员丙", id_number=make_id(), political_status="full"
    )
    console = client_for("city_admin")
    r = console.post(
        "/admin/ledger/practitioner/",
        {"action": "delete_selected", "_selected_action": [plain.pk, member.pk], "post": "yes"},
        follow=True,
    )
    assert r.status_code == 200 and "党员减少" in r.content.decode()
    assert Practitioner.objects.filter(pk__in=[plain.pk, member.pk]).count() == 2
