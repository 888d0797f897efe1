from tests.appeals.helpers import worker
from tests.care.factories import make_offer, make_session
from tests.matrix import MatrixType, register
from xinye.care.models import ServiceSignup


def _offer(unit, world):
    return make_offer(unit, kind="red_education", title="红色教育基地")


def _session(unit, world):
    return make_session(make_offer(unit, kind="jobs", title="招聘会"))


def _signup(unit, world):
    session = make_session(make_offer(unit, kind="red_education"))
    return ServiceSignup.objects.create(session=session, worker=worker(None, region=unit.region))


register(
    MatrixType(
        "care.serviceoffer",
        _offer,
        api_detail="/api/v1/service-offers/{pk}",
        api_list="/api/v1/service-offers",
        change_data=lambda o: {
            "kind": o.kind,
            "title": "改名",
            "unit": o.unit_id,
            "phone": "0475-7654321",
            "is_active": "on",
            "sessions-TOTAL_FORMS": 0,
            "sessions-INITIAL_FORMS": 0,
        },
    )
)
register(
    MatrixType(
        "care.servicesession",
        _session,
        api_detail="/api/v1/service-sessions/{pk}",
        api_list="/api/v1/service-sessions",
        change_data=lambda o: {
            "offer": o.offer_id,
            "starts_at_0": "2026-12-20",
            "starts_at_1": "09:00",
            "ends_at_0": "2026-12-20",
            "ends_at_1": "11:00",
            "capacity": 5,
            "signups-TOTAL_FORMS": 0,
            "signups-INITIAL_FORMS": 0,
        },
    )
)
register(MatrixType("care.servicesignup", _signup))
