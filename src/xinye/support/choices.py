"""Kinds and states of the enterprise services: needs, policy reach, institutions, products, matches."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NeedKind(models.TextChoices):
    FINANCING = "financing", _("融资贷款")
    INSURANCE = "insurance", _("骑手保险（意外险/职业伤害保障）")
    PREMISES = "premises", _("场地用房")
    RECRUITMENT = "recruitment", _("招工用工")
    POLICY = "policy", _("政策咨询")
    COMPLIANCE = "compliance", _("合规经营")
    OTHER = "other", _("其他")


class NeedStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待派单")
    DISPATCHED = "dispatched", _("办理中")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")
    REJECTED = "rejected", _("不予受理")


OPEN_NEED_STATES = (NeedStatus.SUBMITTED, NeedStatus.DISPATCHED)


class ReachKind(models.TextChoices):
    TOLD = "told", _("已告知")
    TAKEN_UP = "taken_up", _("已享受")


class InstitutionKind(models.TextChoices):
    BANK = "bank", _("银行")
    INSURER = "insurer", _("保险机构")
    GUARANTEE = "guarantee", _("融资担保机构")
    OTHER = "other", _("其他金融机构")


class ProductKind(models.TextChoices):
    LOAN = "loan", _("贷款")
    ACCIDENT = "accident", _("意外险")
    OCCUPATIONAL_INJURY = "occupational_injury", _("职业伤害保障")
    LIABILITY = "liability", _("雇主/第三者责任险")
    OTHER = "other", _("其他")


# A product's kind decides whether a match's amount is a loan (融资) or a sum insured (保额).
LOAN_KINDS = frozenset({ProductKind.LOAN})
COVER_KINDS = frozenset({ProductKind.ACCIDENT, ProductKind.OCCUPATIONAL_INJURY, ProductKind.LIABILITY})


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", _("对接中")
    CONCLUDED = "concluded", _("已达成")
    DECLINED = "declined", _("未达成")
