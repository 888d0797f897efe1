"""Workers on the portal (/m/): riders, couriers, drivers who sign in by phone. Not staff accounts."""

from django.db import models

from xinye.core.crypto import keyed_hash
from xinye.core.fields import EncryptedTextField
from xinye.core.scope import ScopeSpec


class Worker(models.Model):
    """A portal user, known by the keyed hash of their phone. Holds no more than the work needs;
    `unit` is the community/station they registered (备案) with, which is what staff scope follows."""

    phone = EncryptedTextField("手机号", mask="phone")
    phone_hash = models.CharField(max_length=40, unique=True, editable=False)
    name = models.CharField("姓名", max_length=32, blank=True)
    region = models.ForeignKey(
        "orgs.Region",
        verbose_name="所在旗县区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name="备案社区",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    practitioner = models.ForeignKey(
        "ledger.Practitioner",
        verbose_name="对应从业人员",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("注册时间", auto_now_add=True)
    last_seen_at = models.DateTimeField("最近访问", null=True, blank=True)

    scope = ScopeSpec(unit="unit")

    class Meta:
        verbose_name = "从业人员用户"
        verbose_name_plural = "从业人员用户"

    def __str__(self):
        return self.name or f"用户{self.pk}"

    def save(self, *args, **kwargs):
        self.phone_hash = keyed_hash(self.phone)
        super().save(*args, **kwargs)
