"""Console pages: the development pipeline, the dues arrears list, study hours and the study import."""

import datetime

from django.contrib import admin
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from xinye.accounts.permissions import has_action, restrict
from xinye.console.exports import statistics_export
from xinye.core.errors import Refused
from xinye.core.uploads import check_csv_upload
from xinye.ledger.models import PartyMember
from xinye.members import services
from xinye.members.importers import StudyImportResult, import_study_csv
from xinye.members.models import DevelopmentCase, DuesPayment, StudyRecord
from xinye.orgs.models import OrgUnit, Region


def _context(request, title, **extra):
    return {**admin.site.each_context(request), "title": title, **extra}


def _date(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filtered(request, qs, unit_field="unit"):
    unit_id, region = request.GET.get("unit"), request.GET.get("region")
    if unit_id and unit_id.isdigit():
        root = restrict(OrgUnit.objects.filter(pk=unit_id), request.user, "view").first()
        if root is None:
            raise Http404
        qs = qs.filter(**{f"{unit_field}__path__startswith": root.path})
    if region:
        qs = qs.filter(**{f"{unit_field}__region_id": region})
    return qs


def _regions():
    return Region.objects.filter(level__in=["county", "zone"]).order_by("code")


@statistics_export(DevelopmentCase)
def pipeline(request):
    """Applicants, activists, development targets and probationary members per organisation (常态化)."""
    if not has_action(request.user, "view", DevelopmentCase):
        raise Http404
    cases = _filtered(request, restrict(DevelopmentCase.objects.all(), request.user, "view"))
    members = _filtered(request, restrict(PartyMember.objects.all(), request.user, "view"))
    year = request.GET.get("year")
    data = services.pipeline(cases, members, year=int(year) if year and year.isdigit() else None)
    return TemplateResponse(
        request,
        "members/pipeline.html",
        _context(
            request, _("发展党员梯队"), data=data, regions=_regions(), region=request.GET.get("region", "")
        ),
    )


@statistics_export(DuesPayment)
def arrears(request):
    """Members with unpaid dues months; 3 consecutive months flagged, 6 alarmed (党章 art. 9)."""
    if not has_action(request.user, "view", DuesPayment):
        raise Http404
    members = _filtered(request, restrict(PartyMember.objects.all(), request.user, "view"))
    rows = services.arrears_list(members)
    return TemplateResponse(
        request,
        "members/arrears.html",
        _context(
            request,
            _("党费欠缴名单"),
            rows=rows[:1000],
            total=len(rows),
            regions=_regions(),
            region=request.GET.get("region", ""),
        ),
    )


@statistics_export(StudyRecord)
def study_hours(request):
    """Study hours by member, organisation or kind over a period."""
    if not has_action(request.user, "view", StudyRecord):
        raise Http404
    group = (
        request.GET.get("group")
        if request.GET.get("group") in ("member", "unit", "kind", "month")
        else "member"
    )
    date_from, date_to = _date(request.GET.get("from")), _date(request.GET.get("to"))
    qs = _filtered(request, restrict(StudyRecord.objects.all(), request.user, "view"))
    kind = request.GET.get("kind")
    if kind:
        qs = qs.filter(kind=kind)
    rows = services.study_hours(qs, group=group, date_from=date_from, date_to=date_to)
    from xinye.members.choices import CourseKind

    return TemplateResponse(
        request,
        "members/study_hours.html",
        _context(
            request,
            _("学时统计"),
            rows=rows[:1000],
            group=group,
            date_from=date_from,
            date_to=date_to,
            kinds=CourseKind.choices,
            kind=kind or "",
        ),
    )


def study_import(request):
    """Upload a CSV from another platform: check every row; write only when all pass and asked to."""
    if not has_action(request.user, "import", StudyRecord):
        raise Http404
    result = None
    if request.method == "POST" and request.FILES.get("file"):
        upload = request.FILES["file"]
        try:
            check_csv_upload(upload, kind="study")
            result = import_study_csv(
                upload.read(),
                actor=request.user,
                commit=request.POST.get("commit") == "1",
                platform=request.POST.get("platform") or "学习强国",
                today=services.today(),
            )
        except Refused as exc:  # a file that cannot be read at all
            result = StudyImportResult(errors=list(exc.messages))
    return TemplateResponse(
        request, "members/study_import.html", _context(request, _("导入学习记录"), result=result)
    )
