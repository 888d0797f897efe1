"""The worker identity: riders, couriers, drivers who sign in on the portal (/m/) by phone — not staff
accounts — and their privacy record (the notices they were shown, the consents they gave).

Moved here from `portal` (issue 12, redesign item 4) so that appeals, hazards, stations and volunteers can
point at a worker without depending on the worker pages. The tables keep their names (`portal_*`): the move
changed Django's state only (workers/migrations/0001_initial.py)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinye.core.crypto import keyed_hash
from xinye.core.fields import EncryptedTextField
from xinye.core.scope import ScopeSpec
from xinye.ledger.choices import Occupation
from xinye.workers.choices import RightsKind, RightsStatus


class Worker(models.Model):
    """A portal user, known by the keyed hash of their phone. Holds no more than the work needs;
    `unit` is the community they registered (备案) with, which is what staff scope follows; the station they
    registered at, if any, is held by the stations app (`stations.StationRegistration`).
    The ID number is stored only after a separate consent to sensitive processing (PIPL art. 29)."""

    phone = EncryptedTextField(_("手机号"), mask="phone")
    phone_hash = models.CharField(max_length=40, unique=True, editable=False)
    name = models.CharField(_("姓名"), max_length=32, blank=True)
    region = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("所在旗县区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("备案社区"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    practitioner = models.ForeignKey(
        "ledger.Practitioner",
        verbose_name=_("对应从业人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    occupation = models.CharField(_("职业"), max_length=16, choices=Occupation.choices, blank=True)
    enterprise_name = models.CharField(_("所在企业/平台"), max_length=128, blank=True)
    id_number = EncryptedTextField(_("公民身份号码"), mask="id_number")
    id_hash = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    registered_at = models.DateTimeField(_("备案时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("注册时间"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("最近访问"), null=True, blank=True)

    scope = ScopeSpec(unit="unit")

    class Meta:
        db_table = "portal_worker"
        verbose_name = _("从业人员用户")
        verbose_name_plural = _("从业人员用户")

    def __str__(self):
        return self.name or _("用户%(id)s") % {"id": self.pk}

    def save(self, *args, **kwargs):
        self.phone_hash = keyed_hash(self.phone)
        self.id_hash = keyed_hash(self.id_number)
        super().save(*args, **kwargs)

    @property
    def is_registered(self) -> bool:
        return self.registered_at is not None


class NoticeKind(models.TextChoices):
    GENERAL = "general", _("个人信息保护政策")
    SENSITIVE = "sensitive", _("敏感个人信息处理规则")


class PrivacyNotice(models.Model):
    """A published version of a privacy notice. The newest published version of each kind is current;
    a worker who consented to an older version is asked again."""

    kind = models.CharField(_("类型"), max_length=16, choices=NoticeKind.choices)
    version = models.CharField(_("版本"), max_length=16)
    title = models.CharField(_("标题"), max_length=64)
    text = models.TextField(_("正文"))
    published_at = models.DateTimeField(_("发布时间"))

    scope = ScopeSpec(everywhere=True)

    class Meta:
        db_table = "portal_privacynotice"
        verbose_name = _("隐私告知")
        verbose_name_plural = _("隐私告知")
        ordering = ["kind", "-published_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="notice_kind_version")]

    def __str__(self):
        return f"{self.title}（{self.version}）"

    @classmethod
    def current(cls, kind: str) -> "PrivacyNotice | None":
        from django.utils import timezone

        return (
            cls.objects.filter(kind=kind, published_at__lte=timezone.now()).order_by("-published_at").first()
        )


class Consent(models.Model):
    """A worker's consent to one notice version (general, or the separate one for sensitive data)."""

    worker = models.ForeignKey(
        Worker, verbose_name=_("从业人员"), on_delete=models.CASCADE, related_name="consents"
    )
    notice = models.ForeignKey(
        PrivacyNotice, verbose_name=_("告知版本"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=NoticeKind.choices)
    given_at = models.DateTimeField(_("同意时间"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)

    scope = ScopeSpec(unit="worker__unit")

    class Meta:
        db_table = "portal_consent"
        verbose_name = _("同意记录")
        verbose_name_plural = _("同意记录")
        ordering = ["-given_at"]

    def __str__(self):
        return f"{self.worker} · {self.notice}"


class RightsRequest(models.Model):
    """A worker's request under PIPL art. 44–47, handled by `unit` — the unit that holds the record — by
    `due_at` (15 working days, workers.rules). Access, withdrawal and deletion are done by the worker
    themself at once and recorded done; a correction waits for staff, who make it and answer, or refuse
    with a reason. The worker link goes when they delete their data (the request stays for the queue's
    figures); `xinye purge` erases what was asked and answered after the retention period."""

    worker = models.ForeignKey(
        Worker,
        verbose_name=_("从业人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rights_requests",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=RightsKind.choices)
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("办理单位"), on_delete=models.PROTECT, related_name="+"
    )
    record = models.CharField(_("涉及记录"), max_length=128, blank=True)
    wrong = EncryptedTextField(_("错误内容"), mask="text")
    should_be = EncryptedTextField(_("应更正为"), mask="text")
    status = models.CharField(
        _("状态"), max_length=16, choices=RightsStatus.choices, default=RightsStatus.OPEN, db_index=True
    )
    created_at = models.DateTimeField(_("提出时间"), default=timezone.now, db_index=True)
    due_at = models.DateTimeField(_("办理时限"))
    answer = EncryptedTextField(_("答复"), mask="text")
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    scope = ScopeSpec(unit="unit")

    class Meta:
        verbose_name = _("个人信息权利请求")
        verbose_name_plural = _("个人信息权利请求")
        ordering = ["status", "due_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_overdue(self) -> bool:
        return self.status == RightsStatus.OPEN and self.due_at < timezone.now()
