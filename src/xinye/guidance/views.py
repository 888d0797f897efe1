"""Console pages: the assignment proposal per county, the instructor's phone page ("my enterprises" and a
quick visit log), the overdue list and the yearly evidence beside each assessment."""

from __future__ import annotations

import datetime

from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from xinye.accounts.permissions import has_action, restrict
from xinye.console.exports import statistics_export
from xinye.core.errors import OutOfScope, Refused
from xinye.guidance import services
from xinye.guidance.assignment import KIND_LABELS
from xinye.guidance.choices import AssessmentGrade, DueStatus, VisitTopic
from xinye.guidance.models import InstructorAssessment, Visit
from xinye.ledger.models import Enterprise
from xinye.orgs.choices import AgentKind
from xinye.orgs.models import Agent, Region


def _context(request, title, **extra):
    return {**admin.site.each_context(request), "title": title, **extra}


def _errors(exc: Refused) -> str:
    return _("；").join(exc.messages)


# --- assignment (分级分片) ---


@statistics_export(Agent)
def assignment(request):
    """Per county: the proposal table (checkbox per row, another agent selectable), and a confirm button."""
    if not has_action(request.user, "change", Enterprise) or not has_action(request.user, "view", Agent):
        raise Http404
    enterprises = restrict(Enterprise.objects.filter(is_active=True), request.user, "change")
    county_codes = sorted(set(enterprises.values_list("region_id", flat=True)))
    counties = list(Region.objects.filter(code__in=county_codes).order_by("code"))
    county = (
        request.POST.get("county") or request.GET.get("county") or (county_codes[0] if county_codes else "")
    )
    if county and county not in county_codes:
        raise Http404
    replan = (request.POST.get("replan") or request.GET.get("replan")) == "1"

    if request.method == "POST" and request.POST.get("confirm"):
        items = []
        for key in request.POST.getlist("pick"):
            ent_id, kind = key.split(":")
            agent_id = request.POST.get(f"agent-{ent_id}-{kind}")
            if agent_id:
                items.append({"enterprise_id": int(ent_id), "agent_id": int(agent_id), "kind": kind})
        try:
            recorded = services.confirm_assignment(items, actor=request.user)
        except Refused as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("已确认 %(count)s 项分配，写入责任矩阵。") % {"count": len(recorded)})
        return redirect(f"{request.path}?county={county}")

    proposal = services.propose_for(enterprises.filter(region_id=county), replan=replan) if county else None
    agents = list(restrict(Agent.objects.filter(is_active=True, region_id=county), request.user, "view"))
    by_kind = {k: [a for a in agents if a.kind == k] for k in KIND_LABELS}
    rows = []
    if proposal is not None:
        for item in proposal.items:
            rows.append(
                {"item": item, "label": AgentKind(item.kind).label, "choices": by_kind.get(item.kind, [])}
            )
    loads = []
    if proposal is not None:
        for a in agents:
            loads.append({"agent": a, "load": proposal.loads.get(a.pk, 0)})
        loads.sort(key=lambda r: (r["agent"].kind, -r["load"], r["agent"].name))
    context = _context(
        request,
        _("分级分片：指导员与联络员分配"),
        counties=counties,
        county=county,
        replan=replan,
        proposal=proposal,
        rows=rows,
        loads=loads,
        total=enterprises.filter(region_id=county).count() if county else 0,
    )
    return TemplateResponse(request, "guidance/assignment.html", context)


# --- the instructor's phone page ---


def _parse_date(text: str | None) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise Refused({"date": _("日期格式应为 2026-11-28")}) from None


def my(request):
    """ "My enterprises": each assigned enterprise with its quarterly-visit status, and a quick visit log."""
    agent = services.agent_of(request.user)
    if agent is None:
        if not has_action(request.user, "view", Visit):
            raise Http404
        context = _context(request, _("我的联系企业"), agent=None)
        return TemplateResponse(request, "guidance/my.html", context)
    assigned = restrict(
        Enterprise.objects.filter(pk__in=services.assigned_enterprise_ids(agent)), request.user
    )
    if request.method == "POST":
        ent = assigned.filter(pk=request.POST.get("enterprise") or 0).first()
        try:
            visit = services.record_visit(
                actor=request.user,
                agent=agent,
                enterprise=ent,
                site_note=request.POST.get("site_note", ""),
                date=_parse_date(request.POST.get("date")),
                people_met=request.POST.get("people_met", ""),
                topics=request.POST.getlist("topics"),
                summary=request.POST.get("summary", ""),
                is_heart_to_heart=bool(request.POST.get("is_heart_to_heart")),
                is_care_visit=bool(request.POST.get("is_care_visit")),
                problems=[request.POST.get("problem", "")],
                photos=request.FILES.getlist("photos"),
            )
        except Refused as exc:
            messages.error(request, _errors(exc))
        except (
            OutOfScope
        ):  # e.g. a site with no enterprise: an instructor records visits to their enterprises
            messages.error(request, "只能记录您所联系企业的走访")
        else:
            messages.success(request, _("已记录：%(visit)s") % {"visit": visit})
        return redirect(request.path)
    today = services.today()
    rows = services.due_for_agent(agent, today, assigned)
    ev = services.evidence_for(agent, today.year, today)
    context = _context(
        request,
        _("我的联系企业"),
        agent=agent,
        rows=rows,
        counts={s: sum(1 for r in rows if r.status == s) for s in DueStatus.values},
        topics=VisitTopic.choices,
        today=today,
        evidence=ev,
        recent=restrict(Visit.objects.filter(agent=agent), request.user)
        .select_related("enterprise")
        .prefetch_related("photos")[:10],
        selected=request.GET.get("enterprise", ""),
    )
    return TemplateResponse(request, "guidance/my.html", context)


@statistics_export(Visit)
def overdue(request):
    """Enterprises not yet visited this quarter, by agent (staff view; instructors see their own), among the
    enterprises the reader may see (a 行业党委 or 主管部门: its industry's)."""
    if not has_action(request.user, "view", Visit):
        raise Http404
    agents = restrict(Agent.objects.filter(is_active=True), request.user).select_related("region")
    if services.is_field_agent(request.user):
        agents = agents.filter(pk=services.agent_of(request.user).pk)
    kind = request.GET.get("kind", "")
    if kind in KIND_LABELS:
        agents = agents.filter(kind=kind)
    rows = services.overdue_list(agents, restrict(Enterprise.objects.all(), request.user))
    only = request.GET.get("status", "")
    if only in (DueStatus.DUE, DueStatus.OVERDUE):
        rows = [r for r in rows if r[1].status == only]
    context = _context(
        request,
        _("季度走访提醒"),
        rows=rows[:1000],
        total=len(rows),
        overdue_count=sum(1 for _a, r in rows if r.status == DueStatus.OVERDUE),
        kind=kind,
        status=only,
        kinds=AgentKind.choices,
    )
    return TemplateResponse(request, "guidance/overdue.html", context)


@statistics_export(InstructorAssessment)
def assessments(request):
    """The yearly assessment of each agent in scope with the evidence beside it; grades recorded here."""
    if not has_action(request.user, "view", InstructorAssessment):
        raise Http404
    today = services.today()
    try:
        year = int(request.POST.get("year") or request.GET.get("year") or today.year - 1)
    except ValueError:
        raise Http404 from None
    kind = request.GET.get("kind", "instructor")
    agents = restrict(Agent.objects.filter(kind=kind if kind in KIND_LABELS else "instructor"), request.user)
    if request.method == "POST":
        agent = agents.filter(pk=request.POST.get("agent") or 0).first()
        if agent is None:
            raise Http404
        try:
            services.assess(
                agent,
                year,
                request.POST.get("grade", ""),
                actor=request.user,
                comment=request.POST.get("comment", ""),
            )
        except Refused as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(
                request, _("已记录 %(name)s %(year)s 年度考核。") % {"name": agent.name, "year": year}
            )
        return redirect(f"{request.path}?year={year}&kind={kind}")
    agents = list(agents.select_related("region").order_by("region_id", "name"))
    evidence = services.evidence_many(agents, year, today)
    assessed = restrict(InstructorAssessment.objects.filter(agent__in=agents, year=year), request.user)
    graded = {a.agent_id: a for a in assessed}
    rows = [{"agent": a, "ev": evidence[a.pk], "assessment": graded.get(a.pk)} for a in agents]
    context = _context(
        request,
        _("%(year)s 年度考核与依据") % {"year": year},
        rows=rows,
        year=year,
        kind=kind,
        kinds=AgentKind.choices,
        grades=AssessmentGrade.choices,
        can_assess=has_action(request.user, "add", InstructorAssessment),
    )
    return TemplateResponse(request, "guidance/assessments.html", context)
