"""The organisation tree: both lines, regions, the demo structure and its idempotency."""

import pytest
from django.core.management import call_command

from xinye.orgs.choices import UnitKind
from xinye.orgs.models import OrgUnit, Region


def counts():
    return {
        "committees": OrgUnit.objects.filter(kind=UnitKind.INDUSTRY_COMMITTEE).count(),
        "offices": OrgUnit.objects.filter(kind=UnitKind.INDUSTRY_OFFICE).count(),
        "counties": Region.objects.filter(parent__code="150500").count(),
        "units": OrgUnit.objects.count(),
        "regions": Region.objects.count(),
    }


def test_structure_figures(world):
    c = counts()
    assert (c["committees"], c["offices"], c["counties"]) == (5, 53, 9)
    zone = Region.objects.get(code="150571")
    assert zone.is_functional_zone and zone.parent_id == "150500"


def test_office_has_two_lines(world):
    office = world["units"]["djb-kerqin-delivery"]
    assert office.parent.code == "lxgw-kerqin"
    assert office.answers_to.code == "hydw-delivery"
    rider_committee = world["units"]["hydw-delivery"]
    answering = OrgUnit.objects.answering_to(rider_committee)
    assert office in answering
    assert all(u.industry == "delivery" for u in answering)
    # one per county-level unit plus the area offices of 科尔沁区 (东片, 城北片) and 霍林郭勒市 (二片)
    assert answering.count() == 12


def test_load_regions_cli(world, tmp_path):
    path = tmp_path / "chifeng.csv"
    path.write_text("代码,名称,上级代码\n150400,赤峰市,150000\n150402,红山区,150400\n", encoding="gb18030")
    call_command("load_regions", str(path))
    assert Region.objects.get(code="150402").parent_id == "150400"
    assert Region.objects.get(code="150400").level == "city"


def test_load_regions_bad_file_writes_nothing(world, tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "bad.csv"
    path.write_text("代码,名称,上级代码\n150400,赤峰市,150000\n15040X,坏区,150400\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第 3 行"):
        call_command("load_regions", str(path))
    assert not Region.objects.filter(code="150400").exists()


def test_moving_a_unit_repaths_descendants(world):
    street = world["units"]["street-kerqin-1"]
    community = world["units"]["street-kerqin-1-c1"]
    street.parent = world["units"]["lxgw-naiman"]
    street.save()
    community.refresh_from_db()
    assert community.path.startswith(world["units"]["lxgw-naiman"].path)
