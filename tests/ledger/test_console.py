"""Console forms go through the same validation as the services; hot lists stay free of N+1 queries."""

import datetime

import pytest

from tests.ledger.factories import make_enterprise, make_id, make_practitioner, make_uscc
from xinye.ledger.models import Enterprise, PartyMember, Practitioner

pytestmark = pytest.mark.django_db


def test_enterprise_form_refuses_a_bad_credit_code_in_chinese(world, client_for):
    office = world["units"]["djb-kerqin-delivery"]
    code = make_uscc()
    data = {
        "name": "美团外卖科尔沁永清配送站",
        "uscc": code[:-1] + ("0" if code[-1] != "0" else "1"),
        "industry": "delivery",
        "enterprise_type": "site",
        "region": "150502",
        "unit": office.pk,
        "staff_count": 20,
        "coord_source": "wgs84",
        "in_survey_scope": "on",
        "is_active": "on",
    }
    client = client_for("kerqin_admin")
    response = client.post("/admin/ledger/enterprise/add/", data)
    assert response.status_code == 200
    assert "统一社会信用代码：统一社会信用代码校验位错误" in response.content.decode()
    assert not Enterprise.objects.filter(name=data["name"]).exists()
    data["uscc"] = code
    response = client.post("/admin/ledger/enterprise/add/", data)
    assert response.status_code == 302
    assert Enterprise.objects.get(uscc=code).unit == office


def test_practitioner_created_in_the_console_derives_gender_and_birth_date(world, client_for):
    ent = make_enterprise(world["units"]["djb-kerqin-delivery"])
    number = make_id("150502", datetime.date(1996, 2, 29), male=False)
    data = {
        "name": "其其格",
        "id_number": number,
        "phone": "13912345678",
        "ethnicity": "蒙古族",
        "education": "college",
        "occupation": "rider",
        "political_status": "probationary",
        "enterprise": ent.pk,
        "party_member-TOTAL_FORMS": 0,
        "party_member-INITIAL_FORMS": 0,
    }
    client = client_for("kerqin_admin")
    bad = dict(data, id_number=number[:-1] + ("1" if number[-1] != "1" else "2"))
    assert "身份证号校验位错误" in client.post("/admin/ledger/practitioner/add/", bad).content.decode()
    response = client.post("/admin/ledger/practitioner/add/", data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    p = Practitioner.objects.get(name="其其格")
    assert (p.gender, p.birth_date, p.unit_id) == ("F", datetime.date(1996, 2, 29), ent.unit_id)
    assert PartyMember.objects.get(practitioner=p).is_full is False


def test_hot_lists_have_no_n_plus_one(world, client_for, api_client, django_assert_max_num_queries):
    office = world["units"]["djb-kerqin-express"]
    for _ in range(6):
        ent = make_enterprise(office)
        for _ in range(3):
            make_practitioner(ent)
    client, api = client_for("kerqin_admin"), api_client("kerqin_admin")
    for path in (
        "/admin/ledger/enterprise/",
        "/admin/ledger/practitioner/",
        "/admin/ledger/partyorganisation/",
    ):
        with django_assert_max_num_queries(20):
            assert client.get(path).status_code == 200
    for path in (
        "/api/v1/enterprises",
        "/api/v1/practitioners",
        "/api/v1/organisations",
        "/api/v1/party-members",
    ):
        with django_assert_max_num_queries(12):
            assert api.get(path, {"limit": 100}).status_code == 200
