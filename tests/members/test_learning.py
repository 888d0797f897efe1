"""Study records: CSV import from another platform (all or nothing), hours by member and organisation."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from tests.members import factories as f
from xinye.accounts.permissions import system_actor
from xinye.members import services
from xinye.members.choices import CourseKind, StudySource
from xinye.members.importers import import_study_csv
from xinye.members.models import StudyRecord

SYSTEM = system_actor("test")

D = datetime.date


@pytest.fixture
def people(world):
    office = world["units"]["djb-kerqin-delivery"]
    unit = f.branch(office, "学习测试党支部")
    a = f.member(office, "学员甲", party_unit=unit, id_number="150502199001011234")
    b = f.member(office, "学员乙", party_unit=unit, phone="13904751234")
    return {"unit": unit, "a": a, "b": b, "office": office}


GOOD = (
    "姓名,身份证号,手机号,日期,积分,学时,内容\n"
    "学员甲,150502199001011234,,2026-05-01,45,1.5,学习强国每日答题\n"
    "学员乙,,139 0475 1234,2026/05/02,38,,学习强国\n"
)


def test_good_file_imports_all_rows(people, tmp_path):
    result = import_study_csv(GOOD.encode("utf-8"), commit=True, actor=SYSTEM)
    assert result.ok and result.committed and result.created == 2
    rec = StudyRecord.objects.get(practitioner=people["a"].practitioner)
    assert rec.source == StudySource.IMPORTED and rec.points == 45 and rec.hours == Decimal("1.5")
    assert rec.unit == people["unit"] and rec.platform == "学习强国"
    again = import_study_csv(GOOD.encode("utf-8"), commit=True, actor=SYSTEM)
    assert again.created == 0 and again.duplicates == 2  # re-importing the same file changes nothing


def test_bad_row_writes_nothing(people):
    bad = (
        GOOD
        + "学员丙,150502199001019999,,2026-05-03,20,,学习强国\n学员甲,1.50502199001011E+17,,2026-13-01,x,,\n"
    )
    result = import_study_csv(bad.encode("gb18030"), commit=True, actor=SYSTEM)
    assert not result.committed
    assert (
        StudyRecord.objects.filter(
            practitioner__in=[people["a"].practitioner, people["b"].practitioner]
        ).count()
        == 0
    )
    assert any(e.startswith("第 4 行") and "未在您管辖范围内" in e for e in result.errors)
    assert any(e.startswith("第 5 行") and "科学计数法" in e and "日期" in e for e in result.errors)


def test_name_mismatch_and_missing_columns(people):
    result = import_study_csv(
        "姓名,身份证号,日期,积分\n别人,150502199001011234,2026-05-01,5\n".encode(), actor=SYSTEM
    )
    assert "姓名“别人”与台账中的姓名不一致" in result.errors[0]
    result = import_study_csv("姓名,日期\n学员甲,2026-05-01\n".encode(), actor=SYSTEM)
    assert result.errors == ["缺少列：身份证号或手机号、积分或学时"]


def test_scope_limits_matching(people, world):
    outsider = world["users"]["rider_committee_admin"]  # 外卖骑手行业党委: kerqin delivery is in its line
    assert import_study_csv(GOOD.encode(), actor=outsider).ok
    community = world["users"]["community_admin"]
    result = import_study_csv(GOOD.encode(), actor=community)
    assert len(result.errors) == 2


def test_command_dry_run_then_commit(people, tmp_path, capsys):
    path = tmp_path / "xxqg.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import_study", str(path))
    assert StudyRecord.objects.filter(practitioner=people["a"].practitioner).count() == 0
    assert "未写入" in capsys.readouterr().out
    call_command("import_study", str(path), "--commit")
    assert StudyRecord.objects.filter(practitioner=people["a"].practitioner).count() == 1


def test_hours_by_member_and_organisation(people):
    course = services.create_course(
        title="发展对象培训班", unit=people["unit"], kind=CourseKind.CANDIDATE_TRAINING, hours=8, actor=SYSTEM
    )
    services.record_study(people["a"].practitioner, D(2026, 4, 1), course=course, actor=SYSTEM)
    services.record_study(people["a"].practitioner, D(2026, 4, 2), course=course, actor=SYSTEM)
    services.record_study(people["b"].practitioner, D(2026, 4, 2), title="党章学习", hours=2, actor=SYSTEM)
    qs = StudyRecord.objects.filter(unit=people["unit"])
    by_member = services.study_hours(qs, group="member")
    assert [(r["name"], r["hours"]) for r in by_member] == [
        ("学员甲", Decimal("16")),
        ("学员乙", Decimal("2")),
    ]
    by_unit = services.study_hours(qs, group="unit", date_from=D(2026, 4, 2))
    assert by_unit[0]["hours"] == Decimal("10")
    assert services.training_hours(people["a"].practitioner) == (Decimal("16"), 2)
    services.record_study(people["b"].practitioner, D(2026, 5, 3), title="党史", hours=3, actor=SYSTEM)
    by_month = services.study_hours(StudyRecord.objects.filter(unit=people["unit"]), group="month")
    assert sorted((r["name"], r["hours"]) for r in by_month) == [
        ("2026-04", Decimal("18")),
        ("2026-05", Decimal("3")),
    ]
