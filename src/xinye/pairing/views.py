"""Console page of 结对共建 (admin/pairing/): the year's figures under each of the 六联, the pairs silent
this quarter, and the uncovered enterprises no one is paired with — each over the viewer's scope."""

from django.contrib import admin
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinye.accounts.permissions import has_action, restrict
from xinye.console.exports import statistics_export
from xinye.ledger.models import Enterprise
from xinye.pairing import services
from xinye.pairing.choices import Link
from xinye.pairing.models import Pairing


@statistics_export(Pairing)
def overview(request):
    if not has_action(request.user, "view", Pairing):
        raise Http404
    today = timezone.localdate()
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else today.year
    pairings = restrict(Pairing.objects.all(), request.user, "view")
    stats = services.pairing_stats(pairings, year=year)
    labels = dict(Link.choices)
    silent = (
        services.silent_pairings(pairings)
        .select_related("unit", "partner_org__unit", "enterprise", "region")
        .order_by("region_id", "unit__name")[:300]
    )
    unpaired = services.uncovered_unpaired(
        restrict(Enterprise.objects.all(), request.user, "view")
    ).select_related("region")[:300]
    context = {
        **admin.site.each_context(request),
        "title": _("结对共建统计"),
        "stats": stats,
        "links": [(labels[code], stats["by_link"][code]) for code in Link.values],
        "silent": silent,
        "unpaired": unpaired,
        "year": year,
    }
    return TemplateResponse(request, "pairing/overview.html", context)


def dashboard_cards(request) -> list[dict]:
    """The console home's card: the pairs in the viewer's scope silent this quarter."""
    if not has_action(request.user, "view", Pairing):
        return []
    pairings = restrict(Pairing.objects.all(), request.user, "view")
    return [
        {
            "title": _("本季度无活动的结对"),
            "value": services.silent_pairings(pairings).count(),
            "link": reverse("pairing:overview") + "#silent",
        }
    ]
