"""view_sensitive is a right over a scope, not over a type: a user who may see 科尔沁区 phones unmasked
and also views freight enterprises city-wide (a second, read-only role) must see 奈曼旗's freight
phones masked — in the console, the API and unmasked exports."""

import io
import json
import uuid

import openpyxl
import pytest

from tests.accounts.otp import pass_second_factor
from tests.ledger.factories import make_enterprise, make_practitioner
from xinye.accounts.models import User
from xinye.accounts.permissions import system_actor
from xinye.accounts.services import assign_role, create_token
from xinye.audit.models import ChangeLog

PHONE = "13947512345"
ID_TAIL = "1357"


@pytest.fixture
def two_roles(world):
    """科尔沁区 county administrator (view_sensitive there) + 交通运输局 (freight everywhere, no view_sensitive)."""
    user = User.objects.create(username=f"two-{uuid.uuid4().hex[:6]}", display_name="兼职", is_staff=True)
    assign_role(user, "county_admin", world["units"]["lxgw-kerqin"], actor=system_actor("test"))
    assign_role(user, "department", world["units"]["tl-lxgw"], actor=system_actor("test"), industry="freight")
    return user


@pytest.fixture
def naiman_freight(world):
    unit = world["units"]["djb-naiman-freight"]
    ent = make_enterprise(unit, industry="freight", contact_phone=PHONE)
    person = make_practitioner(ent, phone=PHONE)
    return ent, person


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    pass_second_factor(client, user)
    return client


def test_console_masks_what_only_the_read_only_role_covers(two_roles, naiman_freight):
    ent, person = naiman_freight
    client = _client(two_roles)
    for url in (
        f"/admin/ledger/enterprise/{ent.pk}/change/",
        f"/admin/ledger/practitioner/{person.pk}/change/",
    ):
        r = client.get(url)
        assert r.status_code == 200
        assert PHONE not in r.content.decode(), url
        assert person.id_number not in r.content.decode()


def test_console_still_unmasks_inside_the_sensitive_scope(world, two_roles):
    ent = make_enterprise(world["units"]["djb-kerqin-freight"], industry="freight", contact_phone=PHONE)
    r = _client(two_roles).get(f"/admin/ledger/enterprise/{ent.pk}/change/")
    assert PHONE in r.content.decode()


def test_api_masks_what_only_the_read_only_role_covers(two_roles, naiman_freight):
    from django.test import Client

    ent, person = naiman_freight
    _, key = create_token(two_roles, actor=system_actor("test"))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    for url in (f"/api/v1/enterprises/{ent.pk}", f"/api/v1/practitioners/{person.pk}"):
        r = client.get(url)
        assert r.status_code == 200
        body = json.dumps(r.json(), ensure_ascii=False)
        assert PHONE not in body, url
        assert person.id_number not in body


def test_unmasked_export_leaves_out_rows_outside_the_sensitive_scope(two_roles, naiman_freight):
    from xinye.ledger.exporters import export_ledger

    ent, _person = naiman_freight
    out = io.BytesIO()
    export_ledger("enterprises", out, actor=two_roles, unmasked=True, reason="核对")
    out.seek(0)
    cells = {str(c) for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True) for c in row}
    assert PHONE not in cells
    assert ChangeLog.objects.filter(action="export").exists()
