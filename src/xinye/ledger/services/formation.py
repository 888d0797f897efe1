"""The formation workflow (规范组建流程): the transitions, their checks and documents."""

import datetime

from django.db import transaction

from xinye.accounts.permissions import actor_user, has_action, is_system, require
from xinye.core.errors import Refused
from xinye.ledger import rules, signals
from xinye.ledger.choices import (
    FormationState,
)
from xinye.ledger.models import (
    FormationCase,
    FormationStep,
    PartyOrganisation,
)
from xinye.ledger.services.common import _raise, local_today
from xinye.ledger.services.organisations import (
    _full_members,
    create_party_organisation,
    default_org_name,
    organisation_errors,
)
from xinye.ledger.services.status import OWN_KINDS
from xinye.orgs.choices import UnitKind
from xinye.rulebook.services import with_citation

# The pure rules and queries of this module (no actor: they write nothing).
READS = (
    "allowed_transitions",
    "formation_errors",
    "check_document",
)


S = FormationState
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.PROPOSAL: (S.APPLICATION, S.WITHDRAWN),
    S.APPLICATION: (S.SUPERIOR_APPROVED, S.REJECTED, S.WITHDRAWN),
    S.SUPERIOR_APPROVED: (S.MEMBERS_MEETING_ELECTED, S.WITHDRAWN),
    S.MEMBERS_MEETING_ELECTED: (S.ESTABLISHMENT_APPROVED, S.REJECTED, S.WITHDRAWN),
    S.ESTABLISHMENT_APPROVED: (S.REGISTERED,),
    S.REGISTERED: (),
    S.REJECTED: (),
    S.WITHDRAWN: (),
}
# Steps that are a superior's decision need the approve permission; the others need change.
APPROVAL_STEPS = {S.SUPERIOR_APPROVED, S.ESTABLISHMENT_APPROVED, S.REJECTED}


def allowed_transitions(case: FormationCase, user=None) -> list[str]:
    """Next states the case may move to (and, given a user, that this user may apply)."""
    nexts = list(TRANSITIONS.get(case.state, ()))
    if user is None:
        return nexts
    return [
        s for s in nexts if has_action(user, "approve" if s in APPROVAL_STEPS else "change", FormationCase)
    ]


def _actor_name(actor) -> str:
    if is_system(actor):
        return f"系统（{actor.label}）"
    return getattr(actor, "display_name", "") or actor.get_username()


def formation_errors(enterprises, kind: str, date: datetime.date | None = None) -> dict:
    """Why these enterprises cannot start forming an organisation of `kind` (field → Chinese message): the
    organisation's own rules (`organisation_errors`), enough full members, no organisation of their own yet."""
    errors = organisation_errors(kind, enterprises)
    if not errors:
        need = rules.branch_min_full_members()
        full = _full_members(enterprises)
        taken = PartyOrganisation.objects.filter(enterprises__in=enterprises, unit__kind__in=OWN_KINDS)
        if full < need:
            errors["enterprises"] = with_citation(
                f"覆盖企业：正式党员合计 {full} 人，不足 {need} 人，暂不具备组建条件", "ledger.branch_size"
            )
        elif kind != UnitKind.JOINT_BRANCH and taken.exists():
            errors["enterprises"] = "覆盖企业：该企业已有本单位党组织"
    if date and date > local_today():
        errors["date"] = "日期：不能晚于今天"
    return errors


@transaction.atomic
def start_formation(
    *,
    actor,
    enterprises,
    kind: str = UnitKind.BRANCH,
    name: str = "",
    date: datetime.date | None = None,
    note: str = "",
    document=None,
) -> FormationCase:
    """Open a formation case at the proposal step. 支部工作条例 ch. 2: the covered enterprises need ≥ 3 full
    members together; an enterprise that already has its own organisation cannot form another."""
    enterprises = list(enterprises)
    for ent in enterprises:  # scope first: a rule's message must not describe what the actor cannot see
        require(actor, "view", ent)
    date = date or local_today()
    _raise(formation_errors(enterprises, kind, date))
    check_document(document)
    lead = enterprises[0]
    require(actor, "add", None, model=FormationCase, unit=lead.unit, industry=lead.industry)
    case = FormationCase.objects.create(
        name=(name or "").strip() or default_org_name(kind, enterprises),
        kind=kind,
        enterprise=lead,
        unit=lead.unit,
        region_id=lead.region_id,
        industry=lead.industry,
        state=S.PROPOSAL,
        state_changed_on=date,
        note=note,
        created_by=actor_user(actor),
    )
    case.enterprises.set(enterprises)
    FormationStep.objects.create(
        case=case,
        from_state="",
        to_state=S.PROPOSAL,
        date=date,
        actor=actor_user(actor),
        actor_name=_actor_name(actor),
        document=document or "",
        note=note,
    )
    require(actor, "add", case)
    return case


def check_document(document) -> None:
    """A step's document must be of an accepted kind and size (rules: document_extensions, document_max_bytes)."""
    if not document:
        return
    import os

    ext = os.path.splitext(getattr(document, "name", "") or "")[1].lower()
    allowed = rules.rule("document_extensions")
    if ext not in allowed:
        raise Refused({"document": f"文件：只接受 {'、'.join(allowed)} 格式"})
    limit = rules.rule("document_max_bytes")
    if (getattr(document, "size", 0) or 0) > limit:
        raise Refused({"document": f"文件：不能超过 {limit // (1024 * 1024)} MB"})


@transaction.atomic
def apply_formation_transition(
    case: FormationCase,
    to_state: str,
    *,
    actor,
    date: datetime.date | None = None,
    note: str = "",
    document=None,
    secretary_user=None,
) -> FormationCase:
    """Move a case one step along the transition table, recording date, actor, document and note.

    The final step (录入台账) creates the PartyOrganisation through `create_party_organisation`, founded on
    the date the superior approved its establishment."""
    case = FormationCase.objects.select_for_update().get(pk=case.pk)
    require(actor, "change", case)
    if to_state not in S.values:
        raise Refused({"state": f"环节：未知的环节“{to_state}”"})
    if to_state not in TRANSITIONS.get(case.state, ()):
        allowed = "、".join(str(S(s).label) for s in TRANSITIONS.get(case.state, ())) or "无（流程已结束）"
        raise Refused(
            {
                "state": f"环节：当前为“{case.get_state_display()}”，不能直接进入“{S(to_state).label}”；"
                f"可进入：{allowed}"
            }
        )
    if to_state in APPROVAL_STEPS and not has_action(actor, "approve", FormationCase):
        raise Refused({"state": "环节：此环节需要上级党组织审批权限"})
    date = date or local_today()
    if date > local_today():
        raise Refused({"date": "日期：不能晚于今天"})
    if case.state_changed_on and date < case.state_changed_on:
        raise Refused({"date": f"日期：不能早于上一环节日期 {case.state_changed_on:%Y-%m-%d}"})
    if to_state in (S.REJECTED, S.WITHDRAWN) and not note.strip():
        raise Refused({"note": "说明：不批准或撤回时须写明理由"})
    check_document(document)
    if to_state == S.REGISTERED:
        established = case.steps.filter(to_state=S.ESTABLISHMENT_APPROVED).order_by("-date").first()
        case.organisation = create_party_organisation(
            actor=actor,
            kind=case.kind,
            enterprises=[case.enterprise, *case.enterprises.exclude(pk=case.enterprise_id).order_by("pk")],
            name=case.name,
            founded_on=established.date if established else date,
            secretary_user=secretary_user,
        )
    FormationStep.objects.create(
        case=case,
        from_state=case.state,
        to_state=to_state,
        date=date,
        actor=actor_user(actor),
        actor_name=_actor_name(actor),
        document=document or "",
        note=note,
    )
    case.state = to_state
    case.state_changed_on = date
    case.save()
    require(actor, "change", case)
    if to_state == S.REGISTERED:
        signals.formation_completed.send(sender="ledger", case=case, actor=actor)
    return case
