"""Console pages of the ledger: the term-expiry (换届) list."""

from django.contrib import admin
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from xinye.accounts.permissions import has_action, restrict
from xinye.console.exports import statistics_export
from xinye.ledger import rules, services
from xinye.ledger.models import PartyOrganisation


@statistics_export(PartyOrganisation)
def due_for_election(request):
    """Organisations whose term ends within the notice period (default 90 days), overdue ones first."""
    if not has_action(request.user, "view", PartyOrganisation):
        raise Http404
    today = services.local_today()
    try:
        days = int(request.GET.get("days") or rules.rule("election_notice_days"))
    except ValueError:
        days = rules.rule("election_notice_days")
    qs = services.due_for_election(
        restrict(PartyOrganisation.objects.all(), request.user, "view"), today=today, days=days
    )
    rows = []
    for org in qs.select_related("unit", "region", "secretary__practitioner").order_by("next_election_on"):
        left = (org.next_election_on - today).days
        rows.append({"org": org, "days_left": left, "overdue": left < 0})
    context = {
        **admin.site.each_context(request),
        "title": _("换届提醒"),
        "rows": rows,
        "days": days,
        "today": today,
    }
    return TemplateResponse(request, "ledger/due_for_election.html", context)
