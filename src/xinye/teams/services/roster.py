"""The roster of the three teams: appointment and removal (the history), the changes that are no new
appointment, the reserve pool and 党员先锋岗. Every write requires the actor in the organisation's scope; a
书记's appointment or removal needs the approve grant (上级党组织 decides, not the branch itself). The roster
is the source of truth: the ledger's `PartyOrganisation.secretary` and `.committee` (the 委员 the console, the
API, orglife's health check and its 支委会 quorum read) are kept in step through
`ledger.services.set_secretary` / `set_committee` in the same transaction."""

import datetime

from django.db import transaction
from django.utils import timezone

from xinye.accounts.permissions import actor_user, is_system, require, unit_in_scope
from xinye.core.errors import Refused
from xinye.ledger import services as ledger_services
from xinye.ledger.choices import Education
from xinye.teams.choices import ManagementLevel, Post, ReserveStatus, Source, VanguardKind
from xinye.teams.models import PartyWorker, ReserveCandidate, VanguardPost

READS = (
    "today",
    "is_member_of",
    "clean_appointment",
    "clean_vanguard",
    "current",
    "check_post_grant",
    "committee_of",
)

# The fields of a serving person that change without a new appointment (专兼职, 交叉任职, term, the
# dispatching unit's name, an outsider's birth year and education).
EDITABLE = (
    "full_time",
    "management_level",
    "enterprise_post",
    "term_ends_on",
    "dispatched_from",
    "birth_year",
    "education",
)


def today() -> datetime.date:
    return timezone.localdate()


def current(qs=None):
    """The people serving now (no 离任日期)."""
    return (qs if qs is not None else PartyWorker.objects.all()).filter(until__isnull=True)


def committee_of(organisation) -> list:
    """The ledger members serving as 委员 of the organisation now, by appointment (an outsider not in the
    ledger is on the roster only)."""
    rows = current().filter(organisation=organisation, post=Post.COMMITTEE_MEMBER, member__isnull=False)
    return [w.member for w in rows.select_related("member").order_by("since", "pk")]


def _sync_committee(organisation, actor) -> None:
    ledger_services.set_committee(organisation, committee_of(organisation), actor=actor)


def is_member_of(member, organisation) -> bool:
    """A member of the organisation: in its unit, or (while unorganised) in an enterprise it covers."""
    if member.unit_id == organisation.unit_id:
        return True
    return organisation.enterprises.filter(pk=member.enterprise_id).exists()


def _clean_cross(management_level: str, enterprise_post: str) -> None:
    if management_level and management_level not in ManagementLevel.values:
        raise Refused({"management_level": "企业管理层级：应为高级管理层或中级管理层"})
    if enterprise_post and not management_level:
        raise Refused({"management_level": "企业管理层级：填写了企业职务，请选择高级或中级管理层"})
    if management_level and not enterprise_post.strip():
        raise Refused({"enterprise_post": "企业职务：交叉任职须填写在企业管理层担任的职务"})


def clean_appointment(
    organisation,
    *,
    post: str,
    source: str,
    member=None,
    name: str = "",
    dispatched_from: str = "",
    since: datetime.date | None = None,
    management_level: str = "",
    enterprise_post: str = "",
    birth_year: int | None = None,
    education: str = "",
) -> None:
    """The appointment rules (the console's form and `appoint` share them). 内部培养: a member of the
    organisation, a full member for 书记 and 委员. 外部选派: the dispatching unit is named, and the person
    (a ledger member from elsewhere, or a name). Never twice in the same post at once."""
    if post not in Post.values:
        raise Refused({"post": f"职务：应为{'、'.join(map(str, Post.labels))}"})
    if source not in Source.values:
        raise Refused({"source": "产生方式：应为外部选派或内部培养"})
    if since is not None and since > today():
        raise Refused({"since": "任职日期：不能晚于今天"})
    if source == Source.INTERNAL:
        if member is None:
            raise Refused({"member": "党员：内部培养的人员须从本组织的党员中选任"})
        if not is_member_of(member, organisation):
            raise Refused(
                {"member": f"党员：{member} 不是本组织的党员；从组织外选派的，请选择“外部选派”并填写选派单位"}
            )
    else:
        if not dispatched_from.strip():
            raise Refused({"dispatched_from": "选派单位：外部选派的人员须填写选派单位"})
        if member is None and not name.strip():
            raise Refused({"name": "姓名：外部选派的人员须填写姓名"})
    if member is not None and post in (Post.SECRETARY, Post.COMMITTEE_MEMBER) and not member.is_full:
        raise Refused({"member": f"党员：{Post(post).label}应由正式党员担任，{member} 是预备党员"})
    if birth_year is not None and not 1940 <= birth_year <= today().year - 18:
        raise Refused({"birth_year": "出生年份：应在 1940 年与成年人的出生年份之间"})
    if education and education not in Education.values:
        raise Refused({"education": "学历：不是可选的学历"})
    _clean_cross(management_level, enterprise_post)
    if member is not None:
        serving = current().filter(organisation=organisation, post=post, member=member)
        if serving.exists():
            raise Refused({"member": f"党员：{member} 已在本组织担任{Post(post).label}"})
    if post == Post.COMMITTEE_MEMBER:
        size = current().filter(organisation=organisation, post=Post.COMMITTEE_MEMBER).count() + 1
        errors = ledger_services.committee_errors(organisation, size)
        if errors:
            raise Refused(errors)


def check_post_grant(actor, organisation, post: str, action: str) -> None:
    """Scope first (404 outside it); then a 书记 is appointed or removed only with the approve grant."""
    require(actor, "view", organisation)
    require(actor, action, model=PartyWorker, unit=organisation.unit, industry=organisation.industry or "")
    if post == Post.SECRETARY and not is_system(actor):
        if not unit_in_scope(actor, "approve", PartyWorker, organisation.unit, organisation.industry or ""):
            raise Refused({"post": "职务：书记的任免由上级党组织办理，本账号没有审批权限"})


@transaction.atomic
def appoint(
    organisation,
    *,
    post: str,
    actor,
    source: str = Source.INTERNAL,
    member=None,
    name: str = "",
    dispatched_from: str = "",
    full_time: bool = False,
    management_level: str = "",
    enterprise_post: str = "",
    since: datetime.date | None = None,
    term_ends_on: datetime.date | None = None,
    birth_year: int | None = None,
    education: str = "",
) -> PartyWorker:
    """Appoint a person to a post of the organisation from `since` (default today). A new 书记 ends the
    serving one's row on the same day (the history) and is written to the ledger's organisation; a 书记's
    term ends, unless given, with the organisation's (下次换届日期). A reserve candidate appointed to the
    post leaves the pool as 已任用."""
    check_post_grant(actor, organisation, post, "add")
    since = since or today()
    clean_appointment(
        organisation,
        post=post,
        source=source,
        member=member,
        name=name,
        dispatched_from=dispatched_from,
        since=since,
        management_level=management_level,
        enterprise_post=enterprise_post,
        birth_year=birth_year,
        education=education,
    )
    worker = PartyWorker(
        organisation=organisation,
        post=post,
        member=member,
        name=(member.practitioner.name if member is not None else name.strip())[:32],
        source=source,
        dispatched_from=dispatched_from.strip() if source == Source.DISPATCHED else "",
        full_time=full_time,
        management_level=management_level,
        enterprise_post=enterprise_post.strip(),
        since=since,
        term_ends_on=term_ends_on,
        birth_year=birth_year if member is None else None,
        education=education if member is None else "",
        appointed_by=actor_user(actor),
    )
    worker.place_in(organisation)
    if post == Post.SECRETARY:
        serving = list(current().select_for_update().filter(organisation=organisation, post=Post.SECRETARY))
        for old in serving:
            if old.since > since:
                raise Refused(
                    {"since": f"任职日期：不能早于现任书记 {old.name} 的任职日期 {old.since:%Y-%m-%d}"}
                )
        for old in serving:
            _end(old, since, f"由 {worker.name} 接任")
        if worker.term_ends_on is None:
            worker.term_ends_on = organisation.next_election_on
        ledger_services.set_secretary(
            organisation, member, actor=actor, dispatched=source == Source.DISPATCHED
        )
    worker.save()
    if post == Post.COMMITTEE_MEMBER:
        _sync_committee(organisation, actor)
    if member is not None:
        for candidate in ReserveCandidate.objects.filter(
            organisation=organisation, member=member, post=post, status=ReserveStatus.ACTIVE
        ):
            candidate.status = ReserveStatus.APPOINTED
            candidate.save(update_fields=["status"])
    require(actor, "add", worker)
    return worker


def _end(worker: PartyWorker, on: datetime.date, reason: str) -> None:
    worker.until = on
    worker.end_reason = reason[:128]
    worker.save(update_fields=["until", "end_reason"])


@transaction.atomic
def remove(worker: PartyWorker, *, actor, on: datetime.date | None = None, reason: str = "") -> PartyWorker:
    """免职/离任: the person leaves the post on `on` (default today) for a recorded reason; the row stays as
    history. A 书记 removed leaves the organisation without one (the alert) and the ledger in step."""
    check_post_grant(actor, worker.organisation, worker.post, "change")
    require(actor, "change", worker)
    worker = PartyWorker.objects.select_for_update().get(pk=worker.pk)
    if worker.until is not None:
        raise Refused({"until": f"离任日期：{worker.name} 已于 {worker.until:%Y-%m-%d} 离任"})
    on = on or today()
    if on < worker.since:
        raise Refused({"until": f"离任日期：不能早于任职日期 {worker.since:%Y-%m-%d}"})
    if on > today():
        raise Refused({"until": "离任日期：不能晚于今天"})
    if not reason.strip():
        raise Refused({"end_reason": "离任原因：请填写免职或离任的原因"})
    _end(worker, on, reason.strip())
    org = worker.organisation
    if worker.post == Post.SECRETARY and (org.secretary_id is None or org.secretary_id == worker.member_id):
        ledger_services.set_secretary(org, None, actor=actor)
    if worker.post == Post.COMMITTEE_MEMBER:
        _sync_committee(org, actor)
    require(actor, "change", worker)
    return worker


@transaction.atomic
def update_worker(worker: PartyWorker, *, actor, **fields) -> PartyWorker:
    """Change what changes without a new appointment (EDITABLE): 专兼职, 交叉任职, the term's end, the
    dispatching unit's name, an outsider's birth year and education. Ended rows are history: unchanged."""
    require(actor, "change", worker)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise Refused({sorted(unknown)[0]: "该项不能直接修改：任免请办理任职或免职"})
    if worker.until is not None:
        raise Refused("已离任人员的任职记录是历史，不能修改")
    for name, value in fields.items():
        if value is None and name == "full_time":
            continue
        setattr(worker, name, value if value is not None or name in ("term_ends_on", "birth_year") else "")
    _clean_cross(worker.management_level, worker.enterprise_post)
    if worker.source == Source.DISPATCHED and not worker.dispatched_from.strip():
        raise Refused({"dispatched_from": "选派单位：外部选派的人员须填写选派单位"})
    if worker.birth_year is not None and not 1940 <= worker.birth_year <= today().year - 18:
        raise Refused({"birth_year": "出生年份：应在 1940 年与成年人的出生年份之间"})
    worker.place_in(worker.organisation)
    worker.save()
    require(actor, "change", worker)
    return worker


@transaction.atomic
def delete_worker(worker: PartyWorker, *, actor) -> None:
    """Delete a row entered by mistake — only one with no assessment or incentive; a real departure is
    `remove` (the history stays)."""
    check_post_grant(actor, worker.organisation, worker.post, "delete")
    require(actor, "delete", worker)
    if worker.assessments.exists() or worker.incentives.exists():
        raise Refused("该任职已有考核或激励记录，不能删除；离任请办理免职")
    org = worker.organisation
    worker.delete()
    if worker.post == Post.SECRETARY and worker.until is None and org.secretary_id == worker.member_id:
        ledger_services.set_secretary(org, None, actor=actor)
    if worker.post == Post.COMMITTEE_MEMBER:
        _sync_committee(org, actor)


# --- the reserve pool ---


@transaction.atomic
def add_reserve(
    organisation,
    member,
    *,
    actor,
    post: str = Post.SECRETARY,
    note: str = "",
    on: datetime.date | None = None,
) -> ReserveCandidate:
    """Put a member of the organisation into its reserve pool (后备人选) for a post; once per post."""
    require(actor, "view", organisation)
    require(
        actor, "add", model=ReserveCandidate, unit=organisation.unit, industry=organisation.industry or ""
    )
    if post not in Post.values:
        raise Refused({"post": f"拟任职务：应为{'、'.join(map(str, Post.labels))}"})
    if member is None or not is_member_of(member, organisation):
        raise Refused({"member": "党员：后备人选应为本组织的党员"})
    if ReserveCandidate.objects.filter(
        organisation=organisation, member=member, post=post, status=ReserveStatus.ACTIVE
    ).exists():
        raise Refused({"member": f"党员：{member} 已在{Post(post).label}后备人选库中"})
    candidate = ReserveCandidate(
        organisation=organisation, member=member, post=post, note=note.strip(), added_on=on or today()
    )
    candidate.place_in(organisation)
    candidate.save()
    require(actor, "add", candidate)
    return candidate


@transaction.atomic
def withdraw_reserve(candidate: ReserveCandidate, *, actor) -> ReserveCandidate:
    """Take a candidate out of the pool (退出); the row stays."""
    require(actor, "change", candidate)
    if candidate.status != ReserveStatus.ACTIVE:
        raise Refused({"status": "该后备人选已不在库中"})
    candidate.status = ReserveStatus.WITHDRAWN
    candidate.save(update_fields=["status"])
    return candidate


@transaction.atomic
def save_reserve(candidate: ReserveCandidate, *, actor) -> ReserveCandidate:
    """The console's add/change of a candidate: a new one through `add_reserve`'s rules, else its note."""
    if candidate.pk is None:
        return add_reserve(
            candidate.organisation,
            candidate.member,
            actor=actor,
            post=candidate.post,
            note=candidate.note,
            on=candidate.added_on,
        )
    require(actor, "change", candidate)
    stored = ReserveCandidate.objects.get(pk=candidate.pk)
    if (stored.organisation_id, stored.member_id, stored.post) != (
        candidate.organisation_id,
        candidate.member_id,
        candidate.post,
    ):
        raise Refused({"member": "后备人选的组织、党员和拟任职务不能修改：请退出后重新入库"})
    candidate.place_in(candidate.organisation)
    candidate.save()
    require(actor, "change", candidate)
    return candidate


@transaction.atomic
def delete_reserve(candidate: ReserveCandidate, *, actor) -> None:
    require(actor, "delete", candidate)
    candidate.delete()


# --- 党员先锋岗 / 亮身份 ---


def clean_vanguard(
    organisation, member, *, kind: str, title: str, enterprise=None, station=None, since=None, until=None
):
    """A post held by a member of the organisation, at an enterprise it covers or a station in its county."""
    if kind not in VanguardKind.values:
        raise Refused({"kind": f"类别：应为{'、'.join(map(str, VanguardKind.labels))}"})
    if not (title or "").strip():
        raise Refused({"title": "岗位名称：请填写"})
    if member is None or not is_member_of(member, organisation):
        raise Refused({"member": "党员：应为本组织的党员"})
    if enterprise is not None and not organisation.enterprises.filter(pk=enterprise.pk).exists():
        raise Refused({"enterprise": f"所在企业：{enterprise} 不在本组织覆盖的企业中"})
    if station is not None and station.region_id != organisation.region_id:
        raise Refused({"station": "所在服务站：应在本组织所在的旗县区"})
    if since is not None and since > today():
        raise Refused({"since": "设岗日期：不能晚于今天"})
    if since is not None and until is not None and until < since:
        raise Refused({"until": "撤岗日期：不能早于设岗日期"})


@transaction.atomic
def save_vanguard(post: VanguardPost, *, actor) -> VanguardPost:
    """Create or change a 先锋岗/示范岗/亮身份 of an organisation (the organisation's scope, its rules)."""
    organisation = post.organisation
    require(actor, "view", organisation)
    if post.pk is not None:
        require(actor, "change", post)
    clean_vanguard(
        organisation,
        post.member if post.member_id else None,
        kind=post.kind,
        title=post.title,
        enterprise=post.enterprise,
        station=post.station,
        since=post.since,
        until=post.until,
    )
    post.title = post.title.strip()
    post.place_in(organisation)
    adding = post.pk is None
    require(actor, "add" if adding else "change", post)
    post.save()
    require(actor, "add" if adding else "change", post)
    return post


@transaction.atomic
def delete_vanguard(post: VanguardPost, *, actor) -> None:
    require(actor, "delete", post)
    post.delete()
