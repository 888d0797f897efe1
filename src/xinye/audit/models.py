"""The change log: one append-only table for every create, update, delete, login and sensitive access."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinye.core.scope import ScopeSpec


class LogAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    LOGIN = "login", _("登录")
    LOGOUT = "logout", _("退出")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKOUT = "lockout", _("锁定")
    VIEW_SENSITIVE = "view_sensitive", _("查看敏感信息")
    EXPORT = "export", _("导出")
    IMPORT = "import", _("导入")
    TOKEN = "token", _("令牌")
    PURGE = "purge", _("清除过期日志")


class ImmutableLogError(Exception):
    pass


class ChangeLog(models.Model):
    """Who did what to which object, when, through which channel, with before/after values.

    Sensitive values are stored masked. Rows cannot be changed or deleted through the application, and each
    row carries a hash chained to the previous row of its chain (one chain per day and shard, `audit.chain`),
    so a change, deletion or insertion made around the application is found by `xinye audit verify`.
    """

    # set by the writer before hashing (audit.chain), not at save: the hash covers it
    time = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Indexes are few on purpose: every write in the system adds a row here (an import adds one per record).
    # Low-cardinality columns (action, source) gain nothing from one, user lookups go through the user key,
    # objects through (content_type, object_id), and the auditor's list is read newest first by time.
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True, db_index=True)
    source = models.CharField(_("渠道"), max_length=16, blank=True)
    ip = models.CharField("IP", max_length=64, blank=True)
    action = models.CharField(_("操作"), max_length=16, choices=LogAction.choices)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("对象类型"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # the (content_type, object_id) index serves it
    )
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    changed_fields = models.JSONField(_("变更字段"), default=list, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    # The chain position (audit.chain): the local day of `time`, the shard of that day, the row's number in
    # the chain from 1, and SHA-256 over the previous row's hash and this row's canonical JSON.
    chain_day = models.DateField(_("链日期"))
    chain_shard = models.PositiveSmallIntegerField(_("链分片"), default=0)
    seq = models.BigIntegerField(_("链序号"))
    hash = models.CharField(_("哈希"), max_length=64)

    scope = ScopeSpec(everywhere=True)

    class Meta:
        verbose_name = _("操作日志")
        verbose_name_plural = _("操作日志")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["chain_day", "chain_shard", "seq"], name="audit_changelog_chain_seq"
            )
        ]

    def __str__(self):
        return f"{self.time:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableLogError(_("操作日志不可修改"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableLogError(_("操作日志不可删除"))


class ChainHead(models.Model):
    """The last link of one chain of the change log (a day × shard): its sequence number and hash. A writer
    locks the head row while it appends (PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED`, so a second writer
    takes another shard of the day instead of waiting), and `verify` checks that each chain ends where its
    head says — which finds rows deleted from the end of a chain."""

    day = models.DateField(_("链日期"))
    shard = models.PositiveSmallIntegerField(_("链分片"))
    seq = models.BigIntegerField(_("最后序号"), default=0)
    hash = models.CharField(_("最后哈希"), max_length=64)

    class Meta:
        verbose_name = _("日志链头")
        verbose_name_plural = _("日志链头")
        constraints = [models.UniqueConstraint(fields=["day", "shard"], name="audit_chainhead_day_shard")]

    def __str__(self):
        return f"{self.day:%Y-%m-%d}/{self.shard} #{self.seq}"
