"""The 委员 roster is the committee (gaps1 item 1): an appointment or removal in 三支队伍 shows at once on the
ledger's organisation (console and API), in orglife's health check and in the teams' figures; the ledger's
console no longer edits it; the migration reconciles rows that disagreed."""

import importlib

import pytest
from django.apps import apps

from tests.teams.factories import make_org, member_of, with_committee_room
from xinye.accounts.permissions import system_actor
from xinye.core.errors import Refused
from xinye.ledger.models import PartyMember, PartyOrganisation
from xinye.orglife import services as orglife
from xinye.orglife.health import year_period
from xinye.teams import services
from xinye.teams.models import PartyWorker

SYSTEM = system_actor("test")
pytestmark = pytest.mark.django_db


@pytest.fixture
def org(world):
    return with_committee_room(make_org(world["units"]["djb-kerqin-delivery"]))


def _api_committee(api_client, org):
    body = api_client("kerqin_admin").get(f"/api/v1/organisations/{org.pk}").json()
    return [m["name"] for m in body["committee"]]


def _has_committee(org):
    (row,), _ = orglife.org_inputs(
        PartyOrganisation.objects.filter(pk=org.pk), year_period(2026), services.today(), dues=False
    )
    return row.has_committee


def test_an_appointment_and_a_removal_show_everywhere_the_committee_is_shown(org, api_client, client_for):
    member = member_of(org)
    name = member.practitioner.name
    assert _api_committee(api_client, org) == [] and not _has_committee(org)

    worker = services.appoint(org, post="committee_member", member=member, actor=SYSTEM)
    assert _api_committee(api_client, org) == [name]
    page = client_for("kerqin_admin").get(f"/admin/ledger/partyorganisation/{org.pk}/change/")
    assert name in page.content.decode()
    assert _has_committee(org)  # orglife now requires the monthly 支委会 and counts its quorum over them
    stats = api_client("kerqin_admin").get("/api/v1/stats/party-workers").json()
    roster = api_client("kerqin_admin").get("/api/v1/party-workers", {"post": "committee_member"}).json()
    assert stats["committee_members"] >= 1 and name in [w["name"] for w in roster["items"]]

    services.remove(worker, reason="调离", actor=SYSTEM)
    assert _api_committee(api_client, org) == [] and not _has_committee(org)
    page = client_for("kerqin_admin").get(f"/admin/ledger/partyorganisation/{org.pk}/change/")
    assert name not in page.content.decode()


def test_deleting_a_mistaken_row_takes_the_member_off_the_committee(org):
    worker = services.appoint(org, post="committee_member", member=member_of(org), actor=SYSTEM)
    services.delete_worker(worker, actor=SYSTEM)
    assert not org.committee.exists()


def test_the_ledger_console_shows_the_committee_read_only(org, client_for):
    services.appoint(org, post="committee_member", member=member_of(org), actor=SYSTEM)
    console = client_for("kerqin_admin")
    page = console.get(f"/admin/ledger/partyorganisation/{org.pk}/change/")
    assert "committee" not in page.context["adminform"].form.fields
    outsider = member_of(org)
    console.post(
        f"/admin/ledger/partyorganisation/{org.pk}/change/",
        {"enterprises": [e.pk for e in org.enterprises.all()], "term_years": 3, "committee": [outsider.pk]},
    )
    assert list(org.committee.all()) == [w.member for w in PartyWorker.objects.filter(organisation=org)]


def test_a_committee_needs_seven_full_members_and_has_at_most_seven(world):
    small = make_org(world["units"]["djb-kerqin-delivery"])
    with pytest.raises(Refused) as exc:
        services.appoint(small, post="committee_member", member=member_of(small), actor=SYSTEM)
    assert "只设书记" in " ".join(exc.value.message_dict["post"])
    assert not small.committee.exists() and not PartyWorker.objects.filter(organisation=small).exists()

    org = with_committee_room(make_org(world["units"]["djb-kerqin-delivery"]), full=8)
    members = list(PartyMember.objects.filter(unit=org.unit, is_full=True).order_by("pk"))
    for m in members[:7]:
        services.appoint(org, post="committee_member", member=m, actor=SYSTEM)
    with pytest.raises(Refused) as exc:
        services.appoint(org, post="committee_member", member=members[7], actor=SYSTEM)
    assert "至多 7 人" in " ".join(exc.value.message_dict["post"])
    assert org.committee.count() == 7


def test_the_migration_reconciles_the_ledger_and_the_roster(org):
    migration = importlib.import_module("xinye.teams.migrations.0002_reconcile_committee")
    on_roster = services.appoint(org, post="committee_member", member=member_of(org), actor=SYSTEM)
    only_in_ledger = member_of(org)
    # the old disagreement: the ledger's field edited apart from the roster
    org.committee.set([only_in_ledger])
    migration.reconcile(apps, None)
    assert set(org.committee.all()) == {on_roster.member, only_in_ledger}
    row = PartyWorker.objects.get(organisation=org, member=only_in_ledger)
    assert (row.post, row.until, row.unit_id) == ("committee_member", None, org.unit_id)
    assert set(services.committee_of(org)) == set(org.committee.all())
    migration.reconcile(apps, None)  # a second run changes nothing
    assert PartyWorker.objects.filter(organisation=org).count() == 2
