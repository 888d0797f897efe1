"""Choices shared across apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Industry(models.TextChoices):
    """The five industries of the seed (5 city-level 行业党委)."""

    INTERNET = "internet", _("互联网")
    DELIVERY = "delivery", _("外卖骑手")
    EXPRESS = "express", _("快递")
    FREIGHT = "freight", _("大货车（网约车）")
    LOGISTICS = "logistics", _("物流")


class Action(models.TextChoices):
    VIEW = "view", _("查看")
    ADD = "add", _("新增")
    CHANGE = "change", _("修改")
    DELETE = "delete", _("删除")
    VIEW_SENSITIVE = "view_sensitive", _("查看敏感信息")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    APPROVE = "approve", _("审批")
