"""A unit that recommends a nominee to a campaign run above it (the city's 最美 campaign, recommended by a
county's 两新工委) keeps reading its own nominations — status and result — in the console and the API,
though the campaign lies outside its scope; it never sees another unit's nominations, and never writes
them (permission-matrix style: the recommending county admin against another county admin)."""

import pytest

from tests.honours.factories import make_campaign, make_nominee
from xinye.accounts.models import User
from xinye.accounts.permissions import in_scope, restrict, system_actor
from xinye.accounts.services import assign_role
from xinye.core.errors import OutOfScope
from xinye.honours import services
from xinye.honours.choices import NomineeStatus, Stage
from xinye.honours.models import Campaign, Nominee


@pytest.fixture
def setting(world):
    units = world["units"]
    from xinye.orgs.models import OrgUnit

    kerqin, kailu = OrgUnit.objects.get(code="lxgw-kerqin"), OrgUnit.objects.get(code="lxgw-kailu")
    other, _ = User.objects.get_or_create(username="kailu_admin_gaps2", defaults={"is_staff": True})
    if not other.role_assignments.exists():
        assign_role(other, "county_admin", kailu, actor=system_actor("test"))
    campaign = make_campaign(units["hydw-delivery"], stage=Stage.REVIEWING)
    ours = make_nominee(campaign, status=NomineeStatus.PENDING, nominated_by_unit=kerqin, name="科尔沁推荐甲")
    theirs = make_nominee(campaign, status=NomineeStatus.PENDING, nominated_by_unit=kailu, name="开鲁推荐乙")
    return {
        "campaign": campaign,
        "ours": ours,
        "theirs": theirs,
        "kerqin_admin": world["users"]["kerqin_admin"],
        "kailu_admin": other,
    }


def test_the_campaign_itself_lies_outside_the_recommending_county(setting):
    admin = setting["kerqin_admin"]
    assert not restrict(Campaign.objects.filter(pk=setting["campaign"].pk), admin).exists()


def test_the_recommending_county_reads_its_nomination_and_only_its_own(setting):
    kerqin, kailu = setting["kerqin_admin"], setting["kailu_admin"]
    ours, theirs = setting["ours"], setting["theirs"]
    mine = set(
        restrict(Nominee.objects.filter(campaign=setting["campaign"]), kerqin).values_list("pk", flat=True)
    )
    assert mine == {ours.pk}
    other = set(
        restrict(Nominee.objects.filter(campaign=setting["campaign"]), kailu).values_list("pk", flat=True)
    )
    assert other == {theirs.pk}
    assert in_scope(kerqin, "export", ours)
    # reading is all: the recommending unit neither changes nor deletes the nomination, nor reviews it
    assert not in_scope(kerqin, "change", ours)
    assert not in_scope(kerqin, "delete", ours)
    with pytest.raises(OutOfScope):
        services.review_nominee(ours, actor=kerqin, approve=True, reason="")


def test_the_status_and_result_follow_the_nomination_through_review(setting, api_client):
    ours = setting["ours"]
    services.review_nominee(ours, actor=system_actor("test"), approve=False, reason="事迹材料不全")
    rows = api_client("kerqin_admin").get("/api/v1/nominees", {"campaign": setting["campaign"].pk}).json()
    items = rows["items"] if isinstance(rows, dict) else rows
    assert [r["id"] for r in items] == [ours.pk]
    detail = api_client("kerqin_admin").get(f"/api/v1/nominees/{ours.pk}")
    assert detail.status_code == 200
    assert detail.json()["status"] == NomineeStatus.REJECTED
    assert "事迹材料不全" in detail.json()["review_reason"]
    # another county's admin gets nothing of it
    assert api_client("kailu_admin_gaps2").get(f"/api/v1/nominees/{ours.pk}").status_code == 404


def test_the_console_lists_and_shows_it_read_only(setting, client_for):
    ours, theirs = setting["ours"], setting["theirs"]
    client = client_for("kerqin_admin")
    listing = client.get("/admin/honours/nominee/").content.decode()
    assert ours.name in listing
    assert theirs.name not in listing
    page = client.get(f"/admin/honours/nominee/{ours.pk}/change/")
    assert page.status_code == 200
    assert 'name="decision"' not in page.content.decode()  # no review form: a read-only page
    posted = client.post(f"/admin/honours/nominee/{ours.pk}/change/", {"decision": "approve"})
    assert posted.status_code in (403, 302)
    ours.refresh_from_db()
    assert ours.status == NomineeStatus.PENDING
    assert client_for("kailu_admin_gaps2").get(f"/admin/honours/nominee/{ours.pk}/change/").status_code in (
        302,
        404,
    )
