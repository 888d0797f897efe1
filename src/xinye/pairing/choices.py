from django.db import models
from django.utils.translation import gettext_lazy as _


class HostSector(models.TextChoices):
    """What the pairing's first side is: the party organisation of a 机关, 国企, 事业单位 or 社区."""

    ORGAN = "organ", _("机关")
    SOE = "soe", _("国有企业")
    INSTITUTION = "institution", _("事业单位")
    COMMUNITY = "community", _("社区")


class Link(models.TextChoices):
    """The 六联 working model of 结对共建 (seed: 组织联建、阵地联用、活动联搞、信息联享、服务联抓、队伍联带)."""

    ORGANISATION = "organisation", _("组织联建")
    VENUE = "venue", _("阵地联用")
    ACTIVITY = "activity", _("活动联搞")
    INFORMATION = "information", _("信息联享")
    SERVICE = "service", _("服务联抓")
    TEAM = "team", _("队伍联带")


class Side(models.TextChoices):
    HOST = "host", _("结对单位")
    PARTNER = "partner", _("企业方")


class Rating(models.TextChoices):
    """The yearly review of a pair (好、较好、一般、差, as 党建考核 grades)."""

    EXCELLENT = "excellent", _("好")
    GOOD = "good", _("较好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("差")


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("照片")
    DOCUMENT = "document", _("文件")
