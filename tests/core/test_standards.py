"""Data standards (rules.md §data): IDs, USCC, mobiles, masking, encryption at rest."""

import datetime

import pytest
from stdnum.cn import ric as stdnum_ric

from xinye.core import crypto
from xinye.core.masking import mask_id_number, mask_phone
from xinye.core.validators import clean_id_number, clean_mobile, clean_uscc, normalise


def with_check(body17: str) -> str:
    return body17 + stdnum_ric.calc_check_digit(body17 + "0")


def test_valid_id_derives_birth_date_and_gender():
    number = with_check("15050219900101123")
    info = clean_id_number(number, today=datetime.date(2026, 11, 28))
    assert info.birth_date == datetime.date(1990, 1, 1)
    assert info.gender == "M"  # 17th digit 3 is odd
    assert info.region_code == "150502"


def test_pre_1999_150502_id_accepted_though_stdnum_rejects_it():
    # rules.md §data: python-stdnum's birthplace table rejects 150502 numbers born before 1999.
    number = with_check("15050219850612002")
    assert stdnum_ric.is_valid(number) is False
    assert clean_id_number(number).birth_date == datetime.date(1985, 6, 12)


def test_150571_id_accepted_though_stdnum_raises():
    number = with_check("15057119950303004")
    with pytest.raises(KeyError):
        stdnum_ric.validate(number)
    assert clean_id_number(number).region_code == "150571"


def test_old_zhelimu_1523_code_accepted():
    assert clean_id_number(with_check("15232419700101001")).region_code == "152324"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (1.50502199001011e17, "科学计数法"),
        ("1.50502199001011E+17", "科学计数法"),
        ("15050219900101123", "18 位"),
        ("150502199013011231", "出生日期"),
        ("99050219900101123X", "省级"),
    ],
)
def test_bad_ids_explained(value, reason):
    with pytest.raises(ValueError, match=reason):
        clean_id_number(value)


def test_bad_check_digit():
    number = with_check("15050219900101123")
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
    with pytest.raises(ValueError, match="校验位"):
        clean_id_number(wrong)


def test_fullwidth_digits_and_spaces_normalised():
    number = with_check("15050219900101123")
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)
    assert clean_id_number(f" {fullwidth[:6]}\u3000{fullwidth[6:]} ").number == number
    assert normalise("１３８ ００１３\u00a0８０００") == "13800138000"


def test_uscc():
    assert clean_uscc("91110000600037341L") == "91110000600037341L"
    with pytest.raises(ValueError, match="校验位"):
        clean_uscc("91110000600037341M")
    with pytest.raises(ValueError, match="18 位"):
        clean_uscc("9111000060003734")


@pytest.mark.parametrize("value", ["13800138000", "+86 138 0013 8000", 13800138000.0, "19912345678"])
def test_mobile_ok(value):
    assert clean_mobile(value).startswith("1")


@pytest.mark.parametrize("value", ["12345678901", "14012345678", "1380013800", "abc"])
def test_mobile_rejected(value):
    with pytest.raises(ValueError):
        clean_mobile(value)


def test_masks():
    assert mask_id_number("150502199001011234") == "150502********1234"
    assert mask_phone("13812345678") == "138****5678"


def test_encryption_roundtrip_and_keyed_hash():
    token = crypto.encrypt("150502199001011234")
    assert token.startswith("v1:") and "1505021990" not in token
    assert crypto.decrypt(token) == "150502199001011234"
    assert crypto.encrypt("x") != crypto.encrypt("x")  # random nonce
    assert crypto.keyed_hash("a") == crypto.keyed_hash("a") != crypto.keyed_hash("b")


@pytest.mark.django_db
def test_sensitive_field_encrypted_in_database(world):
    from django.db import connection

    from xinye.orgs.models import Agent

    unit = world["units"]["lxgw-kerqin"]
    agent = Agent.objects.create(
        kind="instructor", name="赵媛", phone="13812345678", unit=unit, region=unit.region
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, phone_hash FROM guidance_agent WHERE id = %s", [agent.pk])
        stored, stored_hash = cursor.fetchone()
    assert "13812345678" not in stored
    assert stored_hash == crypto.keyed_hash("13812345678")
    assert Agent.objects.get(pk=agent.pk).phone == "13812345678"
    assert Agent.objects.filter(phone_hash=crypto.keyed_hash("13812345678")).count() == 1
