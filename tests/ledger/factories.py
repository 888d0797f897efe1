"""Small builders for ledger tests: valid credit codes and ID numbers, enterprises, people, members."""

import datetime
import itertools
import random

from stdnum.cn import ric

from xinye.demo.ledger import uscc_for
from xinye.ledger.models import Enterprise, PartyMember, Practitioner

_rng = random.Random(7)
_seq = itertools.count(1)


def make_id(
    code: str = "150502", birth: datetime.date = datetime.date(1990, 5, 17), male: bool = True
) -> str:
    """A valid resident ID with a fresh order number (odd = male)."""
    n = next(_seq) % 500
    body = f"{code}{birth:%Y%m%d}{n * 2 + (1 if male else 0):03d}"
    return body + ric.calc_check_digit(body + "0")


def make_uscc(county: str = "150502") -> str:
    return uscc_for(_rng, county)


def make_enterprise(unit, *, name: str | None = None, industry: str | None = None, **kw) -> Enterprise:
    """An enterprise owned by `unit` (saved directly: matrix and fixtures need any unit kind)."""
    return Enterprise.objects.create(
        name=name or f"测试企业{next(_seq)}",
        uscc=make_uscc(unit.region_id if len(unit.region_id) == 6 else "150502"),
        industry=industry or unit.industry or "delivery",
        region=unit.region,
        unit=unit,
        **kw,
    )


def make_practitioner(enterprise, *, status: str = "masses", **kw) -> Practitioner:
    p = Practitioner(
        name=kw.pop("name", "张三"),
        id_number=kw.pop("id_number", None) or make_id(),
        phone=kw.pop("phone", "13812345678"),
        enterprise=enterprise,
        political_status=status,
        **kw,
    )
    p.save()
    return p


def make_member(enterprise, *, is_full: bool = True, unit=None) -> PartyMember:
    p = make_practitioner(enterprise, status="full" if is_full else "probationary")
    return PartyMember.objects.create(
        practitioner=p,
        unit=unit or enterprise.unit,
        region=enterprise.region,
        industry=enterprise.industry,
        enterprise=enterprise,
        is_full=is_full,
        joined_on=datetime.date(2015, 7, 1),
        full_member_on=datetime.date(2016, 7, 1) if is_full else None,
    )
