"""Worker pages of the 最美 campaigns (/m/campaigns/): the campaigns open to the public, a campaign's
nominees with their votes, a nominee's page with its 投票 button (which asks for the portal's SMS sign-in
first), self or peer nomination, objections during 公示; and the library of models (/m/models/). Every form
works without JavaScript."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from xinye.core.choices import Industry
from xinye.core.net import client_ip
from xinye.honours import services
from xinye.honours.choices import PUBLIC_NOMINEE_STATUSES, NomineeStatus, Stage
from xinye.honours.models import Campaign, Exemplar, Nominee
from xinye.orgs.models import Region
from xinye.portal.auth import current_worker, worker_required


def _reason(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def campaigns(request):
    """Every campaign with its stage and dates, the open ones first."""
    return render(request, "honours/campaigns.html", {"campaigns": list(services.public_campaigns())})


def campaign(request, pk):
    """A campaign: what it is, its stages, and (from 公众投票 on) its nominees, most votes first."""
    item = get_object_or_404(Campaign.objects.select_related("unit"), pk=pk)
    nominees = list(services.public_nominees(item)) if item.stage != Stage.NOMINATING else []
    return render(
        request,
        "honours/campaign.html",
        {"campaign": item, "nominees": nominees, "worker": current_worker(request), "stages": Stage.choices},
    )


def nominee(request, pk):
    """A nominee's page: story and votes; 投票 while the vote is on (signing in by SMS first), an objection
    form while the result is publicised."""
    item = get_object_or_404(
        Nominee.objects.select_related("campaign", "region"), pk=pk, status__in=PUBLIC_NOMINEE_STATUSES
    )
    worker = current_worker(request)
    context = {
        "nominee": item,
        "campaign": item.campaign,
        "worker": worker,
        "voting": item.campaign.stage == Stage.VOTING and item.status == NomineeStatus.APPROVED,
        "voted": services.voted_today(item, worker),
        "left": (
            max(item.campaign.votes_per_day - services.votes_today(item.campaign, worker), 0)
            if worker
            else None
        ),
        "objecting": item.campaign.stage == Stage.PUBLICISING and item.status == NomineeStatus.SHORTLISTED,
    }
    return render(request, "honours/nominee.html", context)


@worker_required
def vote(request, pk):
    """Cast the vote (POST). Reached by GET after signing in, it goes back to the nominee's page, where the
    button now votes."""
    item = get_object_or_404(Nominee, pk=pk)
    if request.method != "POST":
        return redirect("honours:nominee", pk=item.pk)
    try:
        services.vote(item, worker=request.worker, ip=client_ip(request) or None)
    except ValidationError as exc:
        messages.error(request, _reason(exc))
    else:
        messages.success(request, f"感谢您的投票！已为 {item.name} 投上一票。")
    return redirect("honours:nominee", pk=item.pk)


@worker_required
def nominate(request, pk):
    """Self or peer nomination while the campaign takes nominations."""
    item = get_object_or_404(Campaign, pk=pk)
    error, data = "", {}
    if request.method == "POST":
        data = request.POST
        who = data.get("who", "self")
        try:
            services.nominate_on_portal(
                item,
                worker=request.worker,
                story=data.get("story", ""),
                peer_name=data.get("peer_name", "") if who == "peer" else "",
                peer_phone=data.get("peer_phone", "") if who == "peer" else "",
            )
        except ValidationError as exc:
            error = _reason(exc)
        else:
            messages.success(request, "推荐已提交，审核结果将在评选页面公布。")
            return redirect("honours:campaign", pk=item.pk)
    return render(request, "honours/nominate.html", {"campaign": item, "error": error, "data": data})


@worker_required
@require_POST
def objection(request, pk):
    item = get_object_or_404(Nominee, pk=pk)
    try:
        services.raise_objection(item, worker=request.worker, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, _reason(exc))
    else:
        messages.success(request, "异议已提交，主办单位将核查并记录处理结果。")
    return redirect("honours:nominee", pk=item.pk)


def exemplars(request):
    """The library of models, by county and industry."""
    county = request.GET.get("county", "")
    industry = request.GET.get("industry", "")
    industry = industry if industry in Industry.values else ""
    counties = Region.objects.filter(parent_id__isnull=False, level__in=["county", "zone"]).order_by("code")
    return render(
        request,
        "honours/exemplars.html",
        {
            "exemplars": list(services.published_exemplars(county=county or None, industry=industry or None)),
            "counties": list(counties),
            "county": county,
            "industries": Industry.choices,
            "industry": industry,
        },
    )


def exemplar(request, pk):
    item = get_object_or_404(
        Exemplar.objects.select_related("region").prefetch_related("photos"), pk=pk, is_published=True
    )
    return render(request, "honours/exemplar.html", {"exemplar": item})
