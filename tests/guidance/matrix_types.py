import datetime

from tests.guidance import helpers
from tests.matrix import MatrixType, register
from xinye.guidance.models import InstructorAssessment, Visit, VisitPhoto, VisitProblem


def _visit(unit, world):
    return Visit.objects.create(
        date=datetime.date(2026, 10, 8), agent=helpers.agent(unit), enterprise=helpers.enterprise(unit)
    )


def _problem(unit, world):
    return VisitProblem.objects.create(visit=_visit(unit, world), description="充电桩不足")


def _photo(unit, world):
    # scope hangs from the visit (ScopeSpec "visit__unit"); the row names a file without storing one
    return VisitPhoto.objects.create(
        visit=_visit(unit, world), file="visits/matrix.png", content_type="image/png"
    )


def _assessment(unit, world):
    return InstructorAssessment.objects.create(agent=helpers.agent(unit), year=2025, grade="competent")


register(
    MatrixType(
        "guidance.visit",
        _visit,
        api_detail="/api/v1/visits/{pk}",
        api_list="/api/v1/visits",
        enterprise_of=lambda v: v.enterprise,
        change_data=lambda v: {"date": "2026-10-09", "agent": v.agent_id, "summary": "改"},
    )
)
register(
    MatrixType(
        "guidance.visitproblem",
        _problem,
        api_detail="/api/v1/visit-problems/{pk}",
        api_list="/api/v1/visit-problems",
        enterprise_of=lambda p: p.visit.enterprise,
        change_data=lambda p: {"description": "改", "status": "resolved"},
    )
)
# 走访留痕 photos: no console page or API of their own (added with their visit, served by console.views.media
# through restrict()), so the matrix proves the one door for every action and role.
register(MatrixType("guidance.visitphoto", _photo, console=False, enterprise_of=lambda p: p.visit.enterprise))
register(
    MatrixType(
        "guidance.instructorassessment",
        _assessment,
        api_detail="/api/v1/assessments/{pk}",
        api_list="/api/v1/assessments",
        change_data=lambda a: {"agent": a.agent_id, "year": a.year, "grade": "excellent"},
    )
)
