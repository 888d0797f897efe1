"""The rule book: the city's own institutional documents (the 实施方案 and its 配套措施办法) as versioned
documents with numbered clauses, and the links from each rule xinye enforces to the clause that sets it.

City-wide reference data (`ScopeSpec(everywhere=True)`): every staff role reads it, only the root of the
tree writes it. A published version is never changed: a change is a new version, and the old one stays
readable.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinye.core.scope import ScopeSpec
from xinye.rulebook.choices import DocumentStatus
from xinye.rulebook.keys import choices as rule_key_choices

CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 25 → 二十五, 101 → 101 (clauses beyond 99 keep Arabic numerals)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens] + "十")
    return head + (CN_DIGITS[ones] if ones else "")


class RuleDocument(models.Model):
    """One version of a document. Versions of the same document share `code`; the current version is the
    published one with the highest number whose effective date has come."""

    code = models.SlugField(
        _("文件代码"), max_length=48, help_text=_("同一文件各版本共用，如 implementation-plan")
    )
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    title = models.CharField(_("标题"), max_length=128)
    doc_no = models.CharField(_("文号"), max_length=64, blank=True)
    issuer = models.CharField(_("制发单位"), max_length=128, blank=True)
    summary = models.TextField(_("说明"), blank=True)
    effective_from = models.DateField(_("施行日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(everywhere=True)

    class Meta:
        verbose_name = _("制度文件")
        verbose_name_plural = _("制度文件")
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="rulebook_doc_version")]

    def __str__(self):
        return f"《{self.title}》（第 {self.version} 版）"

    @property
    def is_published(self) -> bool:
        return self.status == DocumentStatus.PUBLISHED


class Clause(models.Model):
    """A numbered clause (第 N 条) of one version of a document."""

    document = models.ForeignKey(
        RuleDocument, verbose_name=_("制度文件"), on_delete=models.CASCADE, related_name="clauses"
    )
    number = models.PositiveSmallIntegerField(_("条"))
    heading = models.CharField(_("标题"), max_length=64, blank=True)
    text = models.TextField(_("条文"))

    scope = ScopeSpec(everywhere=True)

    class Meta:
        verbose_name = _("条款")
        verbose_name_plural = _("条款")
        ordering = ["document_id", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="rulebook_clause_number")]

    def __str__(self):
        return f"{self.label}{('　' + self.heading) if self.heading else ''}"

    @property
    def label(self) -> str:
        return f"第{cn_number(self.number)}条"


class RuleLink(models.Model):
    """An enforced rule (a key of `rulebook.keys.RULE_KEYS`) and the clause that sets it: document code and
    clause number, so the link follows the document to its current version."""

    rule_key = models.CharField(_("规则"), max_length=48, choices=rule_key_choices(), unique=True)
    document_code = models.SlugField(_("文件代码"), max_length=48)
    clause_number = models.PositiveSmallIntegerField(_("条"))
    note = models.CharField(_("备注"), max_length=255, blank=True)

    scope = ScopeSpec(everywhere=True)

    class Meta:
        verbose_name = _("规则依据")
        verbose_name_plural = _("规则依据")
        ordering = ["rule_key"]

    def __str__(self):
        return f"{self.rule_key} → {self.document_code} 第{cn_number(self.clause_number)}条"
