"""Choices shared across apps."""

from django.db import models


class Industry(models.TextChoices):
    """The five industries of the seed (5 city-level 行业党委)."""

    INTERNET = "internet", "互联网"
    DELIVERY = "delivery", "外卖骑手"
    EXPRESS = "express", "快递"
    FREIGHT = "freight", "大货车（网约车）"
    LOGISTICS = "logistics", "物流"


class Action(models.TextChoices):
    VIEW = "view", "查看"
    ADD = "add", "新增"
    CHANGE = "change", "修改"
    DELETE = "delete", "删除"
    VIEW_SENSITIVE = "view_sensitive", "查看敏感信息"
    EXPORT = "export", "导出"
    IMPORT = "import", "导入"
    APPROVE = "approve", "审批"
