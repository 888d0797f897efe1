"""Daily snapshots of the key figures, so that every figure can be shown as a trend.

One row per day per statistics cell (the owning 行业党建办 × county × industry — the coverage cells, so a
row is scoped exactly as the live figures are). Written once a day by `xinye tick` and back-filled from
history by `xinye report backfill`; derived data, so left out of the change log (the writes that cause
the figures are logged where they happen).
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinye.core.choices import Industry
from xinye.core.scope import ScopeSpec

# The figures a snapshot keeps, in sheet order: (field, label). Counts, so PositiveIntegerField each.
SNAPSHOT_FIGURES = (
    ("enterprises", _("企业")),
    ("practitioners", _("从业人员")),
    ("party_members", _("党员")),
    ("organisations", _("党组织")),
    ("independent", _("单独组建")),
    ("joint", _("联合组建")),
    ("work", _("工作覆盖")),
    ("blank", _("空白")),
    ("instructors", _("党建指导员")),
    ("liaisons", _("驻企联络员")),
    ("visits", _("走访（当日）")),
    ("checkins", _("服务站签到（当日）")),
    ("appeals", _("诉求（当日受理）")),
)


class DailySnapshot(models.Model):
    """The key figures of one cell (行业党建办 × 旗县区 × 行业) at the end of one day.

    Stock figures (enterprises … liaisons) are the state that evening — empty where a back-filled day
    could not know them (coverage statuses keep no history); flow figures (visits, check-ins, appeals) are
    what happened that day. `source` tells a tick's row from a back-filled one. Figures with no industry
    (check-ins, appeals) are kept on the county's own row: industry empty, unit the county's 两新工委.
    """

    day = models.DateField(_("日期"), db_index=True)
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("主管行业党建办"), on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("旗县区"), on_delete=models.CASCADE, related_name="+"
    )
    industry = models.CharField(_("行业"), max_length=16, choices=Industry.choices, blank=True)
    enterprises = models.PositiveIntegerField(_("企业"), null=True, blank=True)
    practitioners = models.PositiveIntegerField(_("从业人员"), null=True, blank=True)
    party_members = models.PositiveIntegerField(_("党员"), null=True, blank=True)
    organisations = models.PositiveIntegerField(_("党组织"), null=True, blank=True)
    independent = models.PositiveIntegerField(_("单独组建"), null=True, blank=True)
    joint = models.PositiveIntegerField(_("联合组建"), null=True, blank=True)
    work = models.PositiveIntegerField(_("工作覆盖"), null=True, blank=True)
    blank = models.PositiveIntegerField(_("空白"), null=True, blank=True)
    instructors = models.PositiveIntegerField(_("党建指导员"), null=True, blank=True)
    liaisons = models.PositiveIntegerField(_("驻企联络员"), null=True, blank=True)
    visits = models.PositiveIntegerField(_("走访（当日）"), default=0)
    checkins = models.PositiveIntegerField(_("服务站签到（当日）"), default=0)
    appeals = models.PositiveIntegerField(_("诉求（当日受理）"), default=0)
    source = models.CharField(
        _("来源"),
        max_length=16,
        choices=[("tick", _("每日定时")), ("backfill", _("历史回填"))],
        default="tick",
    )
    created_at = models.DateTimeField(_("写入时间"), auto_now_add=True)

    scope = ScopeSpec(unit="unit", industry="industry")
    audit_exclude = True  # derived figures; the changes behind them are logged where they happen

    class Meta:
        verbose_name = _("每日统计快照")
        verbose_name_plural = _("每日统计快照")
        ordering = ["-day", "region_id", "industry"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "unit", "region", "industry"], name="reports_snapshot_unique"
            )
        ]
        indexes = [models.Index(fields=["unit", "day"])]

    def __str__(self):
        return f"{self.day} · {self.region_id} · {self.get_industry_display()}"


class DisplayLink(models.Model):
    """A revocable link that shows the wall screen (`/screen/k/<key>/`) of one unit's scope without a staff
    login, for an office TV. Only the key's SHA-256 is stored; the key is shown once, when the link is made.
    The screen carries no personal data, so the link grants nothing beyond those figures; revoking it
    (`revoked_at`) makes the address answer 404 at the next refresh."""

    name = models.CharField(_("名称"), max_length=64, help_text=_("如：市委组织部三楼会议室大屏"))
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("展示范围"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("大屏展示该单位及其下级的汇总数据"),
    )
    prefix = models.CharField(_("前缀"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True, editable=False)

    scope = ScopeSpec(unit="unit")

    class Meta:
        verbose_name = _("大屏展示链接")
        verbose_name_plural = _("大屏展示链接")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
