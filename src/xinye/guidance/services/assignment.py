"""Assignment (分级分片): from the database to the plain proposal function and back."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from xinye.accounts.permissions import restrict
from xinye.core.errors import OutOfScope, Refused
from xinye.guidance import assignment
from xinye.guidance.services.common import today
from xinye.ledger.models import Enterprise, PartyOrganisation
from xinye.ledger.services import OWN_KINDS
from xinye.orgs.choices import ResponsibilityRole
from xinye.orgs.models import Agent, Responsibility
from xinye.orgs.services import assign_responsibility

# The pure rules and queries of this module (no actor: they write nothing).
READS = (
    "agent_of",
    "assigned_enterprise_ids",
    "assignment_dates",
    "assignment_inputs",
    "is_field_agent",
    "propose_for",
)


def _enterprise_ct():
    return ContentType.objects.get_for_model(Enterprise)


def assignment_inputs(enterprises, agents=None):
    """Plain inputs for `assignment.propose` from an Enterprise queryset (already restricted) and agents
    (default: active agents of the enterprises' counties and of any county, so fallbacks can be found)."""
    enterprises = list(enterprises.select_related("region"))
    ids = [e.pk for e in enterprises]
    own = set(
        PartyOrganisation.objects.filter(enterprises__in=ids, unit__kind__in=OWN_KINDS).values_list(
            "enterprises", flat=True
        )
    )
    if agents is None:
        agents = Agent.objects.filter(is_active=True, kind__in=assignment.KINDS)
    agents = list(agents)
    ent_inputs = [
        assignment.EnterpriseInput(
            id=e.pk,
            name=e.name,
            county=e.region_id,
            lat=e.latitude,
            lng=e.longitude,
            has_own_organisation=e.pk in own,
            county_name=e.region.name,
        )
        for e in enterprises
    ]
    rows = Responsibility.objects.filter(
        content_type=_enterprise_ct(),
        role__in=[ResponsibilityRole.INSTRUCTOR, ResponsibilityRole.LIAISON],
        agent__isnull=False,
    ).values_list("object_id", "agent_id", "role")
    input_ids = set(ids)
    existing, outside = [], defaultdict(int)
    for object_id, agent_id, role in rows:
        if object_id in input_ids:
            existing.append(assignment.ExistingAssignment(object_id, agent_id, role))
        else:
            outside[agent_id] += 1
    agent_inputs = [
        assignment.AgentInput(
            id=a.pk,
            name=a.name,
            kind=a.kind,
            county=a.region_id,
            lat=a.latitude,
            lng=a.longitude,
            current_load=outside.get(a.pk, 0),
        )
        for a in agents
    ]
    return ent_inputs, agent_inputs, existing


def propose_for(enterprises, *, replan: bool = False, kinds=assignment.KINDS, tolerance=None):
    """The proposal for an Enterprise queryset, read from the database."""
    ents, agents, existing = assignment_inputs(enterprises)
    return assignment.propose(ents, agents, existing, replan=replan, kinds=kinds, tolerance=tolerance)


@transaction.atomic
def confirm_assignment(proposal_items, *, actor, since: datetime.date | None = None) -> list:
    """Record confirmed proposal items in the responsibility matrix (role instructor/liaison, one agent per
    enterprise and role: a confirmed item replaces the previous holder). Each item is a ProposalItem or a
    dict with enterprise_id, agent_id and kind (or role). The actor must be able to change the enterprise
    and see the agent (OutOfScope otherwise)."""
    recorded = []
    since = since or today()
    for item in proposal_items:
        get = item.get if isinstance(item, dict) else lambda k, d=None, _i=item: getattr(_i, k, d)
        kind = get("kind") or get("role")
        if kind not in (ResponsibilityRole.INSTRUCTOR, ResponsibilityRole.LIAISON):
            raise Refused(f"责任角色应为党建指导员或驻企联络员，而不是“{kind}”")
        ent = restrict(Enterprise.objects.filter(pk=get("enterprise_id")), actor, "change").first()
        agent = restrict(Agent.objects.filter(pk=get("agent_id"), is_active=True), actor, "view").first()
        if ent is None or agent is None:
            raise OutOfScope()
        if agent.kind != kind:
            raise Refused(f"{agent.name} 是{agent.get_kind_display()}，不能担任该企业的{kind}")
        recorded.append(
            assign_responsibility(
                ent, kind, actor=actor, agent=agent, since=since, note="分级分片分配（确认）", replace=True
            )
        )
    return recorded


def agent_of(user) -> Agent | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Agent.objects.filter(user=user, is_active=True).first()


def is_field_agent(user) -> bool:
    """An instructor or liaison acting as such: linked to an agent and holding no unit-wide (tree) role."""
    if user is None or agent_of(user) is None:
        return False
    return not user.role_assignments.filter(role__mode="tree").exists()


def assignment_dates(agent_ids) -> dict[int, dict[int, datetime.date | None]]:
    """agent id → enterprise id → the date the assignment began (None when not recorded)."""
    out: dict[int, dict[int, datetime.date | None]] = defaultdict(dict)
    for agent_id, object_id, since in Responsibility.objects.filter(
        content_type=_enterprise_ct(), agent_id__in=list(agent_ids)
    ).values_list("agent_id", "object_id", "since"):
        out[agent_id][object_id] = since
    return out


def assigned_enterprise_ids(agent: Agent) -> list[int]:
    return list(
        Responsibility.objects.filter(content_type=_enterprise_ct(), agent=agent)
        .values_list("object_id", flat=True)
        .distinct()
    )
