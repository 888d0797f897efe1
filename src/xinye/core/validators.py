"""Data standards (rules.md §data): resident ID, unified social credit code, mobile number.

Each `clean_*` returns the normalised value or raises ValueError with a Chinese reason a person can act on.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError

_FLOAT_ID = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


def normalise(value) -> str:
    """Full-width digits and letters to half-width, stray spaces (incl. U+3000 and NBSP) removed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: datetime.date
    gender: str  # "M" / "F"
    region_code: str


def clean_id_number(value, *, today: datetime.date | None = None) -> IdInfo:
    """GB 11643-1999. Uses python-stdnum's check-digit function only: its birthplace table wrongly rejects
    150502 numbers issued before 1999 and raises KeyError on 150571 (rules.md §data), so the date and
    format checks are ours."""
    raw = value
    if isinstance(raw, float):
        raise ValueError(
            "身份证号被 Excel 存成了数字（科学计数法），末几位已丢失，请把该列设为文本后重新录入"
        )
    number = normalise(raw).upper()
    if _FLOAT_ID.match(number):
        raise ValueError(
            "身份证号被 Excel 存成了数字（科学计数法），末几位已丢失，请把该列设为文本后重新录入"
        )
    if number.endswith(".0") and number[:-2].isdigit():
        raise ValueError("身份证号被 Excel 存成了数字，末位可能已丢失，请把该列设为文本后重新录入")
    if not number:
        raise ValueError("身份证号为空")
    if len(number) != 18:
        raise ValueError(f"身份证号应为 18 位，实际 {len(number)} 位")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValueError("身份证号格式错误：前 17 位应为数字，末位为数字或 X")
    if number[:2] not in _PROVINCES:
        raise ValueError(f"身份证号前两位 {number[:2]} 不是有效的省级行政区划代码")
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValueError(f"身份证号中的出生日期 {number[6:14]} 不是有效日期")
    today = today or datetime.date.today()  # noqa: DTZ011 — a calendar date, not an instant
    if birth > today or birth.year < 1900:
        raise ValueError(f"身份证号中的出生日期 {birth.isoformat()} 不合理")
    if stdnum_ric.calc_check_digit(number) != number[17]:
        raise ValueError("身份证号校验位错误")
    gender = "M" if int(number[16]) % 2 == 1 else "F"
    return IdInfo(number=number, birth_date=birth, gender=gender, region_code=number[:6])


_PROVINCES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
    "83",
    "91",
}


def clean_uscc(value) -> str:
    """GB 32100-2015 unified social credit code, validated by python-stdnum."""
    code = normalise(value).upper()
    if not code:
        raise ValueError("统一社会信用代码为空")
    if len(code) != 18:
        raise ValueError(f"统一社会信用代码应为 18 位，实际 {len(code)} 位")
    try:
        return stdnum_uscc.validate(code)
    except StdnumError as exc:
        if "checksum" in type(exc).__name__.lower():
            raise ValueError("统一社会信用代码校验位错误")
        raise ValueError("统一社会信用代码格式错误（不得含 I、O、Z、S、V）")


def clean_mobile(value) -> str:
    """An 11-digit mainland mobile number (1[3-9]…); 14x data-only and 12x numbers are not phones."""
    number = normalise(value)
    if isinstance(value, float) and value.is_integer():
        number = str(int(value))
    number = number.removeprefix("+86").removeprefix("0086")
    if number.endswith(".0"):
        number = number[:-2]
    if not number:
        raise ValueError("手机号为空")
    if not re.fullmatch(r"1[3-9]\d{9}", number):
        raise ValueError("手机号应为 11 位、以 13–19 开头")
    if number.startswith("14") and number[2] in "0146819":
        raise ValueError("14 开头的物联网/数据卡号码不是手机号")
    parsed = phonenumbers.parse(number, "CN")
    if phonenumbers.number_type(parsed) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValueError("不是有效的手机号")
    return number
