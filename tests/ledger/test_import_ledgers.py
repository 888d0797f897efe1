"""Enterprises and party organisations from sheets; the phone check remembered by prefix stays exact."""

import datetime

import pytest

from tests.ledger.factories import make_enterprise, make_uscc
from tests.ledger.io_helpers import xlsx
from xinye.accounts.permissions import system_actor
from xinye.core.validators import clean_mobile
from xinye.ledger.imports.kinds import run_import
from xinye.ledger.imports.normalise import Doubt, RowParser
from xinye.ledger.models import Enterprise, PartyOrganisation

SYSTEM = system_actor("test")

ENTERPRISE_HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "行业",
    "所在旗县区",
    "从业人员数",
    "联系人",
    "联系电话",
]


def test_enterprises_create_update_and_scope(world, tmp_path):
    existing = make_enterprise(world["units"]["djb-kerqin-express"], name="科尔沁区中通快递", staff_count=10)
    code = make_uscc()
    path = xlsx(
        tmp_path / "e.xlsx",
        ENTERPRISE_HEADERS,
        [
            ["科尔沁区美团配送站", code, "外卖骑手", "科尔沁区", 40, "刘站长", "13812340000"],
            ["科尔沁区中通快递", existing.uscc, "快递", "150502", 25, "", ""],
            ["开鲁县货运车队", make_uscc("150523"), "大货车（网约车）", "开鲁县", 12, "", ""],
        ],
        title_rows=["新业态企业摸排表"],
    )
    result = run_import("enterprises", path, actor=world["users"]["kerqin_admin"], commit=True)
    assert not result.committed and result.error_count == 1
    assert result.errors[0].row == 5 and "开鲁县" in result.errors[0].reason
    result = run_import("enterprises", path, actor=world["users"]["city_admin"], commit=True)
    assert result.committed and (result.created, result.updated) == (2, 1)
    new = Enterprise.objects.get(uscc=code)
    assert new.unit.code == "djb-kerqin-delivery" and new.contact_phone == "13812340000"
    existing.refresh_from_db()
    assert existing.staff_count == 25


def test_enterprise_errors_named_by_column(world, tmp_path):
    bad = make_uscc()
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")
    path = xlsx(
        tmp_path / "e.xlsx",
        ENTERPRISE_HEADERS,
        [
            ["甲企业", bad, "外卖骑手", "科尔沁区", 10, "", ""],
            ["乙企业", make_uscc(), "卖菜", "科尔沁区", 10, "", ""],
            ["丙企业", make_uscc(), "快递", "北京市", 10, "", "12345"],
        ],
    )
    result = run_import("enterprises", path, actor=SYSTEM)
    got = {(e.row, e.column) for e in result.errors}
    assert got == {(2, "统一社会信用代码"), (3, "行业"), (4, "所在旗县区"), (4, "联系电话")}
    assert not Enterprise.objects.filter(name__in=["甲企业", "乙企业", "丙企业"]).exists()


def test_out_of_range_coordinates_refuse_the_sheet_naming_row_and_column(world, tmp_path):
    headers = [*ENTERPRISE_HEADERS, "经度", "纬度"]
    path = xlsx(
        tmp_path / "e.xlsx",
        headers,
        [
            ["戊企业", make_uscc(), "外卖骑手", "科尔沁区", 10, "", "", 122.26, 43.62],
            ["己企业", make_uscc(), "快递", "科尔沁区", 10, "", "", 122.26, 143.62],
            ["庚企业", make_uscc(), "快递", "科尔沁区", 10, "", "", 222.26, 43.62],
        ],
    )
    result = run_import("enterprises", path, actor=SYSTEM, commit=True)
    assert not result.committed
    got = {(e.row, e.column, e.reason) for e in result.errors}
    assert got == {(3, "纬度", "应在 -90 到 90 之间"), (4, "经度", "应在 -180 到 180 之间")}
    assert "第 3 行［纬度］" in str(result.errors[0])
    assert not Enterprise.objects.filter(name__in=["戊企业", "己企业", "庚企业"]).exists()


def test_the_import_places_an_enterprise_with_the_services_office(world, tmp_path):
    from xinye.ledger import services

    code = make_uscc()
    path = xlsx(tmp_path / "e.xlsx", ENTERPRISE_HEADERS, [["辛企业", code, "快递", "科尔沁区", 10, "", ""]])
    assert run_import("enterprises", path, actor=SYSTEM, commit=True).committed
    ent = Enterprise.objects.get(uscc=code)
    assert ent.unit == services.office_for(ent.region, ent.industry)
    assert services.office_table()[(ent.region_id, ent.industry)] == ent.unit


def test_organisations_sheet(world, tmp_path):
    office = world["units"]["djb-kerqin-delivery"]
    a, b, c = (make_enterprise(office, name=f"联合企业{i}") for i in range(3))
    path = xlsx(
        tmp_path / "o.xlsx",
        ["组织名称", "组织类型", "覆盖企业", "成立日期"],
        [
            ["中共联合企业0支部委员会", "党支部", a.name, "2024-05-04"],
            ["科尔沁区骑手联合党支部", "联合党支部", f"{b.uscc}、{c.name}", "2025年1月10日"],
        ],
    )
    result = run_import("organisations", path, commit=True, actor=SYSTEM)
    assert result.committed, [str(e) for e in result.errors]
    joint = PartyOrganisation.objects.get(unit__name="科尔沁区骑手联合党支部")
    assert set(joint.enterprises.all()) == {b, c} and joint.unit.kind == "joint_branch"
    assert str(joint.founded_on) == "2025-01-10"
    again = run_import("organisations", path, actor=SYSTEM)
    assert again.already is not None


@pytest.mark.parametrize(
    "number",
    [
        "13812345678",
        "14512345678",
        "14012345678",
        "16101234567",
        "17400123456",
        "17406123456",
        "19912345678",
        "12012345678",
        "16512345678",
    ],
)
def test_remembered_phone_check_agrees_with_clean_mobile(db, number):
    """The parser remembers a checked prefix; it agrees with clean_mobile, except that a well-formed number
    clean_mobile refuses (11 digits beginning with 1) is kept and doubted (issue 13), never refused."""
    importer = RowParser((), datetime.date.today())  # noqa: DTZ011

    def outcome(fn, value):
        try:
            return fn(value)
        except ValueError as exc:
            return str(exc)

    def doubted(value):
        try:
            return importer.clean_phone(value)
        except Doubt as doubt:
            assert doubt.value == value and "已按原样保存" in doubt.reason
            return outcome(clean_mobile, value)

    first = doubted(number)
    second = doubted(number[:5] + "999999")  # same prefix, remembered
    assert first == outcome(clean_mobile, number)
    assert second == outcome(clean_mobile, number[:5] + "999999")
