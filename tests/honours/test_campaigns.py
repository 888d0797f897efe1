"""The 最美 campaigns: every stage and its refusals, review against the ledger and negative records, the
one-vote rules (also under concurrency), 公示 objections, the library of models, the tick, the API
contracts and the portal pages."""

import datetime
import threading
import time

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone

from tests.appeals.helpers import worker
from tests.honours.factories import (
    make_campaign,
    make_exemplar,
    make_nominee,
    make_person,
    make_record,
    make_worker,
)
from tests.ledger.factories import make_id
from xinye.accounts.permissions import system_actor
from xinye.core.crypto import keyed_hash
from xinye.core.errors import OutOfScope, Refused
from xinye.honours import services
from xinye.honours.choices import NomineeStatus, ObjectionStatus, Stage
from xinye.honours.models import Campaign, Exemplar, Nominee, Objection, Vote

SYSTEM = system_actor("test")


@pytest.fixture
def rider_committee(world):
    return world["units"]["hydw-delivery"]


@pytest.fixture
def admin(world):
    return world["users"]["rider_committee_admin"]


# --- the campaign and its dates ---


def test_stage_dates_must_be_in_order(world, rider_committee, admin):
    campaign = make_campaign(rider_committee)
    campaign.vote_until = campaign.nominate_until - datetime.timedelta(days=1)
    with pytest.raises(Refused) as exc:
        services.save_campaign(campaign, actor=admin)
    assert "vote_until" in exc.value.message_dict
    campaign.refresh_from_db()
    campaign.quota = 0
    with pytest.raises(Refused, match="名额至少为 1"):
        services.save_campaign(campaign, actor=admin)


def test_an_industry_campaign_is_run_by_a_unit_of_that_industry(world, rider_committee, admin):
    campaign = make_campaign(rider_committee)
    campaign.industry = "express"
    with pytest.raises(Refused, match="行业须与主办单位的行业一致"):
        services.save_campaign(campaign, actor=admin)


def test_the_stage_is_not_a_field_edit(world, rider_committee, admin):
    campaign = make_campaign(rider_committee)
    campaign.stage = Stage.CLOSED
    with pytest.raises(Refused, match="进入下一阶段"):
        services.save_campaign(campaign, actor=admin)


# --- 推荐 ---


def test_the_organiser_records_a_units_nomination(world, rider_committee, admin):
    campaign = make_campaign(rider_committee)
    person = make_person(world["units"]["djb-kerqin-delivery"], name="王小明")
    office = world["units"]["djb-kerqin-delivery"]
    nominee = services.nominate(campaign, person, actor=admin, story="雨夜送药", nominated_by_unit=office)
    assert (nominee.name, nominee.source, nominee.status) == ("王小明", "unit", NomineeStatus.PENDING)
    assert nominee.nominated_by_unit == office and nominee.enterprise_name == person.enterprise.name
    with pytest.raises(Refused, match="已被推荐"):
        services.nominate(campaign, person, actor=admin, story="再推一次")


def test_nomination_refusals(world, rider_committee, admin):
    campaign = make_campaign(rider_committee)
    courier = make_person(world["units"]["djb-kerqin-express"])
    with pytest.raises(Refused, match="只面向外卖骑手行业"):
        services.nominate(campaign, courier, actor=admin, story="事迹")
    rider = make_person(world["units"]["djb-kerqin-delivery"])
    with pytest.raises(Refused, match="主要事迹"):
        services.nominate(campaign, rider, actor=admin, story="  ")
    voting = make_campaign(rider_committee, stage=Stage.VOTING)
    with pytest.raises(Refused, match="已停止推荐"):
        services.nominate(voting, rider, actor=admin, story="事迹")
    # another county's admin does not run the city committee's campaign
    with pytest.raises(OutOfScope):
        services.nominate(campaign, rider, actor=world["users"]["kerqin_admin"], story="事迹")
    assert not Nominee.objects.filter(campaign=campaign).exists()


def test_women_pacesetter_is_run_by_the_womens_federation_for_women(world):
    women = world["units"]["mass-women"]
    campaign = make_campaign(women, kind="women_pacesetter", industry="")
    office = world["units"]["djb-kerqin-delivery"]
    man = make_person(office, id_number=make_id(male=True))
    woman = make_person(office, id_number=make_id(male=False))
    assert (man.gender, woman.gender) == ("M", "F")
    with pytest.raises(Refused, match="只面向女性"):
        services.nominate(campaign, man, actor=SYSTEM, story="事迹")
    assert services.nominate(campaign, woman, actor=SYSTEM, story="事迹").status == NomineeStatus.PENDING


def test_a_signed_in_worker_nominates_themselves_or_a_peer(world, rider_committee):
    campaign = make_campaign(rider_committee)
    office = world["units"]["djb-kerqin-delivery"]
    me = make_person(office, name="赵骑手", phone="13704750001")
    peer = make_person(office, name="钱骑手", phone="13704750002")
    w = make_worker("13704750001")
    assert w.phone_hash == keyed_hash("13704750001")
    own = services.nominate_on_portal(campaign, worker=w, story="每天帮站点整理车辆")
    assert (own.practitioner, own.source, own.nominated_by_worker) == (me, "self", w)
    other = services.nominate_on_portal(
        campaign, worker=w, story="暴雨中救助老人", peer_name="钱骑手", peer_phone="13704750002"
    )
    assert (other.practitioner, other.source) == (peer, "peer")
    with pytest.raises(Refused, match="台账中没有这位从业人员"):
        services.nominate_on_portal(
            campaign, worker=w, story="事迹", peer_name="孙某", peer_phone="13704750002"
        )
    with pytest.raises(Refused, match="台账中没有您的记录"):
        services.nominate_on_portal(campaign, worker=worker(), story="事迹")


# --- 审核 ---


def test_review_records_the_reason_and_checks_eligibility(world, rider_committee, admin):
    campaign = make_campaign(rider_committee, stage=Stage.REVIEWING)
    clean = make_nominee(campaign, status=NomineeStatus.PENDING)
    flagged = make_nominee(campaign, status=NomineeStatus.PENDING)
    make_record(flagged.practitioner, note="顾客有效投诉：餐品洒漏")
    make_record(clean.practitioner, closed_on=timezone.localdate())  # closed: no obstacle

    approved = services.review_nominee(clean, actor=admin, approve=True, reason="")
    assert approved.status == NomineeStatus.APPROVED and approved.review_reason == "经审核符合条件"
    assert approved.reviewed_by == admin and approved.reviewed_at is not None
    with pytest.raises(Refused, match="有未销号的不良记录：有效投诉"):
        services.review_nominee(flagged, actor=admin, approve=True, reason="")
    with pytest.raises(Refused, match="须填写原因"):
        services.review_nominee(flagged, actor=admin, approve=False, reason=" ")
    rejected = services.review_nominee(flagged, actor=admin, approve=False, reason="有未销号的有效投诉")
    assert (rejected.status, rejected.review_reason) == (NomineeStatus.REJECTED, "有未销号的有效投诉")


def test_no_review_once_the_vote_is_on(world, rider_committee, admin):
    nominee = make_nominee(make_campaign(rider_committee, stage=Stage.VOTING), status=NomineeStatus.PENDING)
    with pytest.raises(Refused, match="不能再审核"):
        services.review_nominee(nominee, actor=admin, approve=True, reason="")


# --- the stages ---


def test_stage_refusals(world, rider_committee, admin):
    campaign = make_campaign(rider_committee)
    with pytest.raises(Refused, match="还没有候选人"):
        services.advance_stage(campaign, actor=admin)
    pending = make_nominee(campaign, status=NomineeStatus.PENDING)
    assert services.advance_stage(campaign, actor=admin).stage == Stage.REVIEWING
    with pytest.raises(Refused, match="还有 1 名候选人未审核"):
        services.advance_stage(campaign, actor=admin)
    services.review_nominee(pending, actor=admin, approve=False, reason="事迹不实")
    with pytest.raises(Refused, match="没有审核通过的候选人"):
        services.advance_stage(campaign, actor=admin)
    with pytest.raises(OutOfScope):
        services.advance_stage(campaign, actor=world["users"]["union_staff"])


def test_the_whole_campaign_from_vote_to_library(world, rider_committee, admin):
    campaign = make_campaign(rider_committee, stage=Stage.VOTING, quota=2)
    a, b, c = (make_nominee(campaign, votes=v) for v in (5, 9, 7))
    services.advance_stage(campaign, actor=admin)
    campaign.refresh_from_db()
    assert campaign.stage == Stage.PUBLICISING
    statuses = {n.pk: n.status for n in Nominee.objects.filter(campaign=campaign)}
    assert statuses == {a.pk: "not_selected", b.pk: "shortlisted", c.pk: "shortlisted"}

    objection = services.raise_objection(c, worker=worker(), reason="该人选曾多次违规逆行")
    with pytest.raises(Refused, match="1 件公示异议未处理"):
        services.advance_stage(campaign, actor=admin)
    handled = services.handle_objection(objection, actor=admin, upheld=True, outcome="经核查交警记录属实")
    assert handled.status == ObjectionStatus.UPHELD and handled.handled_by == admin
    c.refresh_from_db()
    assert c.status == NomineeStatus.WITHDRAWN

    closed = services.advance_stage(campaign, actor=admin)
    assert closed.stage == Stage.CLOSED
    b.refresh_from_db()
    assert b.status == NomineeStatus.WINNER
    exemplar = Exemplar.objects.get(nominee=b)
    assert exemplar.honour == f"{campaign.year}年度最美骑手" and exemplar.region_id == b.region_id
    assert not Exemplar.objects.filter(nominee__in=[a, c]).exists()
    with pytest.raises(Refused, match="评选已结束"):
        services.advance_stage(campaign, actor=admin)


# --- 公众投票 ---


def test_one_vote_per_nominee_a_day_and_the_daily_limit(world, rider_committee):
    campaign = make_campaign(rider_committee, stage=Stage.VOTING, votes_per_day=2)
    a, b, c = (make_nominee(campaign) for _ in range(3))
    w = worker()
    services.vote(a, worker=w, ip="10.0.0.1")
    with pytest.raises(Refused, match="今天已经为TA投过票"):
        services.vote(a, worker=w)
    services.vote(b, worker=w)
    with pytest.raises(Refused, match="每天最多投 2 票"):
        services.vote(c, worker=w)
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    services.vote(a, worker=w, now=tomorrow)
    a.refresh_from_db()
    assert a.votes == 2 == Vote.objects.filter(nominee=a).count()


def test_votes_only_while_voting_and_for_approved_nominees(world, rider_committee):
    reviewing = make_campaign(rider_committee, stage=Stage.REVIEWING)
    with pytest.raises(Refused, match="不在投票阶段"):
        services.vote(make_nominee(reviewing), worker=worker())
    voting = make_campaign(rider_committee, stage=Stage.VOTING)
    with pytest.raises(Refused, match="不在投票名单中"):
        services.vote(make_nominee(voting, status=NomineeStatus.REJECTED), worker=worker())
    with pytest.raises(Refused, match="请先用手机号登录"):
        services.vote(make_nominee(voting), worker=None)


def test_a_burst_from_one_address_is_flagged_counted_and_can_be_voided(
    world, rider_committee, admin, settings
):
    settings.XINYE_HONOURS = {"burst_votes": 3, "burst_window_minutes": 10}
    campaign = make_campaign(rider_committee, stage=Stage.VOTING)
    nominee = make_nominee(campaign)
    for _ in range(5):
        services.vote(nominee, worker=worker(), ip="10.9.9.9")
    services.vote(nominee, worker=worker(), ip="10.1.1.1")
    flagged = Vote.objects.filter(nominee=nominee).exclude(flag="")
    assert flagged.count() == 2 and "同一地址 10 分钟内超过 3 票" in flagged.first().flag
    nominee.refresh_from_db()
    assert nominee.votes == 6  # flagged, not dropped
    with pytest.raises(Refused, match="请填写作废原因"):
        services.void_vote(flagged.first(), actor=admin, reason="")
    services.void_vote(flagged.first(), actor=admin, reason="同一网吧集中刷票")
    nominee.refresh_from_db()
    assert nominee.votes == 5
    with pytest.raises(OutOfScope):
        services.void_vote(flagged.last(), actor=world["users"]["kerqin_admin"], reason="刷票")


def _in_threads(n, job):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run(i):
        try:
            barrier.wait()
            # SQLite in memory with a shared cache reports "table is locked" instead of waiting (see
            # tests/appeals/test_submit.py): only that artefact is retried; PostgreSQL waits on its own.
            for attempt in range(200):
                try:
                    results.append(job(i))
                    break
                except OperationalError as exc:
                    if "locked" not in str(exc) or attempt == 199:
                        raise
                    time.sleep(0.01 * (1 + attempt % 5))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_identical_votes_count_once(rebuild_world_after):
    from tests.conftest import build_world
    from xinye.orgs.models import OrgUnit

    build_world()
    campaign = make_campaign(OrgUnit.objects.get(code="hydw-delivery"), stage=Stage.VOTING, votes_per_day=3)
    nominee, other = make_nominee(campaign), make_nominee(campaign)
    w = worker()
    results, errors = _in_threads(20, lambda i: services.vote(nominee, worker=w, ip="10.0.0.2"))
    assert len(results) == 1 and len(errors) == 19
    assert all(isinstance(e, Refused) and "投过票" in e.messages[0] for e in errors), errors
    nominee.refresh_from_db()
    assert nominee.votes == 1 == Vote.objects.filter(nominee=nominee).count()
    # …and a phone's taps for different nominees never pass its daily limit
    w2 = worker()
    targets = [make_nominee(campaign) for _ in range(6)]
    results, errors = _in_threads(10, lambda i: services.vote(targets[i % 6], worker=w2))
    assert Vote.objects.filter(campaign=campaign, worker=w2).count() == 3 == len(results)
    assert sum(Nominee.objects.filter(pk__in=[t.pk for t in targets]).values_list("votes", flat=True)) == 3
    assert other.pk  # untouched


# --- 公示 objections ---


def test_objection_rules(world, rider_committee, admin):
    voting = make_campaign(rider_committee, stage=Stage.VOTING)
    with pytest.raises(Refused, match="不在公示期"):
        services.raise_objection(make_nominee(voting), worker=worker(), reason="事迹造假，请核查")
    campaign = make_campaign(rider_committee, stage=Stage.PUBLICISING)
    shortlisted = make_nominee(campaign, status=NomineeStatus.SHORTLISTED)
    with pytest.raises(Refused, match="只能对公示名单中的人选"):
        services.raise_objection(
            make_nominee(campaign, status="not_selected"), worker=worker(), reason="事迹造假请核查"
        )
    with pytest.raises(Refused, match="具体事实"):
        services.raise_objection(shortlisted, worker=worker(), reason="不服")
    by_phone = services.record_objection(
        shortlisted, actor=admin, reason="来电反映其曾被投诉", raised_by_name="匿名来电"
    )
    with pytest.raises(Refused, match="核查情况"):
        services.handle_objection(by_phone, actor=admin, upheld=False, outcome="")
    services.handle_objection(by_phone, actor=admin, upheld=False, outcome="投诉已于去年销号，不影响评选")
    shortlisted.refresh_from_db()
    assert shortlisted.status == NomineeStatus.SHORTLISTED  # dismissed: stays on the list
    with pytest.raises(Refused, match="已处理"):
        services.handle_objection(by_phone, actor=admin, upheld=True, outcome="改判")
    assert Objection.objects.get(pk=by_phone.pk).status == ObjectionStatus.DISMISSED


# --- the tick ---


def test_the_tick_advances_stages_whose_dates_have_passed(world, rider_committee):
    campaign = make_campaign(rider_committee, stage=Stage.VOTING, quota=1)
    make_nominee(campaign, votes=3)
    later = timezone.now() + datetime.timedelta(days=8)  # past vote_until, before publicise_until
    result = services.tick(actor=SYSTEM, now=later)
    campaign.refresh_from_db()
    assert campaign.stage == Stage.PUBLICISING and result.moved >= 1
    assert any("公众投票 → 公示" in line for line in result.details)
    assert services.tick(actor=SYSTEM, now=later).moved == 0  # idempotent

    shortlisted = Nominee.objects.get(campaign=campaign, status="shortlisted")
    services.raise_objection(shortlisted, worker=worker(), reason="事迹与实际不符，请核查")
    much_later = timezone.now() + datetime.timedelta(days=30)
    held = services.tick(actor=SYSTEM, now=much_later)
    campaign.refresh_from_db()
    assert campaign.stage == Stage.PUBLICISING and held.held >= 1
    assert any("公示异议未处理" in line for line in held.details)


def test_the_tick_is_named_on_the_app_config():
    from xinye.core.ticks import duties

    assert ("honours", services.tick) in duties()


# --- API contracts ---


def test_api_campaigns_and_results(world, rider_committee, api_client):
    campaign = make_campaign(rider_committee, stage=Stage.VOTING)
    low, high = make_nominee(campaign, votes=3, name="甲"), make_nominee(campaign, votes=8, name="乙")
    make_nominee(campaign, status=NomineeStatus.REJECTED, votes=0, name="丙")
    client = api_client("rider_committee_admin")
    items = client.get("/api/v1/campaigns").json()["items"]
    row = next(i for i in items if i["id"] == campaign.pk)
    assert row["title"] == campaign.title and row["stage"] == "voting"
    assert {i["stage"] for i in items} <= {"nominating", "reviewing", "voting", "publicising", "closed"}
    results = client.get(f"/api/v1/campaigns/{campaign.pk}/results").json()
    assert [(i["nominee"], i["votes"]) for i in results["items"]] == [("乙", 8), ("甲", 3)]
    assert [low.pk, high.pk]
    # another industry's committee does not see it: 404
    assert api_client("kerqin_admin").get(f"/api/v1/campaigns/{campaign.pk}/results").status_code == 404


def test_api_advance(world, rider_committee, api_client):
    campaign = make_campaign(rider_committee, stage=Stage.NOMINATING)
    client = api_client("rider_committee_admin")
    response = client.post(f"/api/v1/campaigns/{campaign.pk}/advance")
    assert response.status_code == 422 and "还没有候选人" in response.json()["detail"]
    make_nominee(campaign, status=NomineeStatus.PENDING)
    assert client.post(f"/api/v1/campaigns/{campaign.pk}/advance").json()["stage"] == "reviewing"


def test_womens_federation_sees_its_own_campaigns_not_the_riders(world):
    from xinye.accounts.models import User
    from xinye.accounts.permissions import restrict
    from xinye.accounts.services import assign_role

    clerk = User.objects.create(username="women_clerk", display_name="市妇联 工作人员", is_staff=True)
    assign_role(clerk, "mass_org", world["units"]["mass-women"], actor=SYSTEM)
    own = make_campaign(world["units"]["mass-women"], kind="women_pacesetter", industry="")
    riders = make_campaign(world["units"]["hydw-delivery"])
    seen = set(restrict(Campaign.objects.all(), clerk).values_list("pk", flat=True))
    assert own.pk in seen and riders.pk not in seen
    assert services.advance_stage(own, actor=clerk) if make_nominee(own, status="pending") else False
    committee = world["users"]["rider_committee_admin"]
    seen = set(restrict(Campaign.objects.all(), committee).values_list("pk", flat=True))
    assert riders.pk in seen and own.pk not in seen


# --- portal pages ---


def test_portal_lists_campaigns_and_the_vote_asks_for_sign_in(world, rider_committee):
    campaign = make_campaign(rider_committee, stage=Stage.VOTING, title="2026年度通辽市最美骑手")
    nominee = make_nominee(campaign, name="孙骑手")
    client = Client()
    page = client.get("/m/campaigns/").content.decode()
    assert "2026年度通辽市最美骑手" in page and "公众投票" in page
    assert "/m/campaigns/" in client.get("/m/").content.decode()
    page = client.get(f"/m/campaigns/nominees/{nominee.pk}/").content.decode()
    assert "投票" in page and "/m/login/?next=" in page
    response = client.post(f"/m/campaigns/nominees/{nominee.pk}/vote/")
    assert response.status_code == 302 and "/m/login/" in response["Location"]
    assert not Vote.objects.filter(nominee=nominee).exists()


def test_library_of_models_on_the_portal(world, rider_committee):
    make_exemplar(rider_committee, name="周快递", honour="2025年度最美快递员")
    make_exemplar(rider_committee, name="吴某", is_published=False)
    page = Client().get("/m/models/").content.decode()
    assert "周快递" in page and "2025年度最美快递员" in page and "吴某" not in page
