"""The campaigns through the console and the portal: review on the nominee's page, the stage action,
objections handled with their outcome, self-nomination and objections on the portal, public model photos."""

from django.core.files.base import ContentFile
from django.test import Client

from tests.appeals.helpers import PNG
from tests.conftest import login
from tests.honours.factories import make_campaign, make_exemplar, make_nominee, make_person, make_worker
from xinye.honours.choices import NomineeStatus, Stage
from xinye.honours.models import Campaign, ExemplarPhoto, Nominee, Objection
from xinye.portal.auth import SESSION_KEY


def _portal(worker) -> Client:
    from xinye.workers.models import NoticeKind
    from xinye.workers.services import give_consent

    give_consent(worker=worker, kind=NoticeKind.GENERAL)
    client = Client()
    session = client.session
    session[SESSION_KEY] = worker.pk
    session.save()
    return client


def test_console_review_with_reason_and_the_stage_action(world):
    campaign = make_campaign(world["units"]["hydw-delivery"], stage=Stage.REVIEWING)
    nominee = make_nominee(campaign, status=NomineeStatus.PENDING)
    client = login("rider_committee_admin")
    url = f"/admin/honours/nominee/{nominee.pk}/change/"
    assert "在台账中，无未销号的不良记录" in client.get(url).content.decode()
    response = client.post(url, {"decision": "reject", "review_reason": ""})
    assert response.status_code == 200 and "审核不通过须填写原因" in response.content.decode()
    response = client.post(url, {"decision": "approve", "review_reason": "事迹经核实"})
    assert response.status_code == 302
    nominee.refresh_from_db()
    assert (nominee.status, nominee.review_reason) == (NomineeStatus.APPROVED, "事迹经核实")
    response = client.post(
        "/admin/honours/campaign/", {"action": "advance", "_selected_action": [campaign.pk]}, follow=True
    )
    assert "已进入公众投票" in response.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).stage == Stage.VOTING


def test_console_records_and_handles_an_objection(world):
    campaign = make_campaign(world["units"]["hydw-delivery"], stage=Stage.PUBLICISING)
    nominee = make_nominee(campaign, status=NomineeStatus.SHORTLISTED)
    client = login("rider_committee_admin")
    client.post(
        f"/admin/honours/nominee/{nominee.pk}/change/",
        {"objection": "来信反映其曾与顾客争执", "objection_by": "王先生", "review_reason": ""},
    )
    objection = Objection.objects.get(nominee=nominee)
    assert objection.raised_by_name == "王先生"
    url = f"/admin/honours/objection/{objection.pk}/change/"
    response = client.post(url, {"status": "upheld", "outcome": "经调取平台记录属实"})
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.status == "upheld" and objection.handled_at is not None
    assert Nominee.objects.get(pk=nominee.pk).status == NomineeStatus.WITHDRAWN


def test_portal_self_nomination_and_objection(world):
    campaign = make_campaign(world["units"]["hydw-delivery"], title="最美骑手推荐")
    person = make_person(world["units"]["djb-kerqin-delivery"], phone="13704751234")
    client = _portal(make_worker("13704751234"))
    response = client.post(f"/m/campaigns/{campaign.pk}/nominate/", {"who": "self", "story": "雨夜救人"})
    assert response.status_code == 302
    assert Nominee.objects.get(campaign=campaign).practitioner == person
    response = client.post(f"/m/campaigns/{campaign.pk}/nominate/", {"who": "self", "story": "再来一次"})
    assert "已被推荐" in response.content.decode()

    publicised = make_campaign(world["units"]["hydw-delivery"], stage=Stage.PUBLICISING)
    shortlisted = make_nominee(publicised, status=NomineeStatus.SHORTLISTED)
    page = client.get(f"/m/campaigns/nominees/{shortlisted.pk}/").content.decode()
    assert "提交异议" in page
    client.post(f"/m/campaigns/nominees/{shortlisted.pk}/objection/", {"reason": "该骑手经常闯红灯"})
    assert Objection.objects.filter(nominee=shortlisted, status="open").count() == 1


def test_model_photos_are_public(world, settings):
    exemplar = make_exemplar(world["units"]["mass-women"])
    photo = ExemplarPhoto(exemplar=exemplar, caption="在岗位上")
    photo.image.save("m.png", ContentFile(PNG), save=True)
    response = Client().get(photo.image.url)
    assert response.status_code == 200
    page = Client().get(f"/m/models/{exemplar.pk}/").content.decode()
    assert photo.image.url in page
