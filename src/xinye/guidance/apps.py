from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

OVERDUE_CARD = "guidance.overdue"


class GuidanceConfig(AppConfig):
    name = "xinye.guidance"
    pillar = "build"
    verbose_name = _("怎么建 · 指导员与联络员")
    nav_links = [
        (_("我的联系企业（走访）"), "phone_iphone", "guidance:my", "guidance.visit"),
        (
            _("分级分片分配"),
            "alt_route",
            "guidance:assignment",
            ("change:ledger.enterprise", "orgs.agent"),
        ),
        (_("季度走访提醒"), "event_busy", "guidance:overdue", "guidance.visit"),
        (_("年度考核与依据"), "grading", "guidance:assessments", "guidance.instructorassessment"),
        # The agents' console list: the model lives in orgs (beside the responsibility matrix), its admin
        # here, and the sidebar would file it under orgs' pillar — so guidance links it (AgentAdmin hides
        # itself from the generic list).
        (_("指导员与联络员"), "support_agent", "admin:orgs_agent_changelist", "orgs.agent"),
    ]

    def ready(self):
        from xinye.core import cards
        from xinye.guidance.models import Visit
        from xinye.ledger.models import Enterprise
        from xinye.orgs.models import Agent, Responsibility

        # what the 季度走访逾期 card counts: an enterprise's save does not change it (its unit moving to
        # another county is left to the card's minute), its delete does
        cards.watch(OVERDUE_CARD, Visit, Responsibility, Agent, deletes_only=(Enterprise,))
        from xinye.guidance import pairs

        pairs.connect()  # the stored (agent, enterprise) pairs the card counts

    def dashboard_cards(self, request):
        """Console home: for an instructor/liaison, their enterprises due this quarter; for staff, the overdue
        quarterly visits in their scope."""
        from django.urls import reverse

        from xinye.accounts.permissions import has_action, restrict, scope_signature, sees_everything
        from xinye.core import cards
        from xinye.guidance import services
        from xinye.guidance.models import Visit
        from xinye.ledger.models import Enterprise
        from xinye.orgs.models import Agent

        if not has_action(request.user, "view", Visit):
            return []
        own = services.agent_of(request.user)
        if own is not None:
            rows = services.due_for_agent(own)
            pending = [r for r in rows if r.status != "done"]
            return [
                {
                    "title": _("本季度待走访"),
                    "value": len(pending),
                    "note": _("联系企业 %(total)s 家，其中逾期 %(overdue)s 家")
                    % {"total": len(rows), "overdue": sum(1 for r in rows if r.status == "overdue")},
                    "link": reverse("guidance:my"),
                }
            ]

        def counts():
            agents = restrict(Agent.objects.filter(is_active=True), request.user)
            everything = all(sees_everything(request.user, model) for model in (Agent, Enterprise))
            return services.overdue_counts(
                agents, restrict(Enterprise.objects.all(), request.user), everything=everything
            )

        # one aggregate over every (agent, enterprise) pair of the scope: kept until a visit, an assignment
        # or an agent changes (core.cards; watched in ready())
        overdue, pending = cards.figure(OVERDUE_CARD, scope_signature(request.user), counts)
        return [
            {
                "title": _("季度走访逾期"),
                "value": overdue,
                "note": _("上季度和本季度均未走访的企业（人次）；本季度待走访共 %(count)s 项")
                % {"count": pending},
                "link": reverse("guidance:overdue"),
            }
        ]
