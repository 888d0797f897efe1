from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("地级")
    COUNTY = "county", _("县级")
    ZONE = "zone", _("功能区")  # e.g. 150571 通辽经济技术开发区: a statistical code, not a GB/T 2260 division


class UnitKind(models.TextChoices):
    ORG_DEPARTMENT = "org_department", _("市委组织部")
    WORK_COMMITTEE = "work_committee", _("两新工委")
    INDUSTRY_COMMITTEE = "industry_committee", _("行业党委")
    INDUSTRY_OFFICE = "industry_office", _("行业党建办")
    DEPARTMENT = "department", _("行业主管部门")
    MASS_ORG = "mass_org", _("群团组织")
    STREET = "street", _("街道（乡镇）")
    COMMUNITY = "community", _("社区")
    PARTY_COMMITTEE = "party_committee", _("党委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")
    JOINT_BRANCH = "joint_branch", _("联合党支部")
    ONLINE_BRANCH = "online_branch", _("网络（虚拟）党支部")
    PARTY_GROUP = "party_group", _("党小组")


PARTY_ORG_KINDS = (
    UnitKind.PARTY_COMMITTEE,
    UnitKind.GENERAL_BRANCH,
    UnitKind.BRANCH,
    UnitKind.JOINT_BRANCH,
    UnitKind.ONLINE_BRANCH,
    UnitKind.PARTY_GROUP,
)


class ResponsibilityRole(models.TextChoices):
    """The 责任落实体系 of the seed: who answers for an enterprise, and in which capacity."""

    INDUSTRY_COMMITTEE = "industry_committee", _("行业党委")
    COUNTY_OFFICE = "county_office", _("县级党建办")
    DEPARTMENT = "department", _("行业主管部门")
    MASS_ORG = "mass_org", _("群团组织")
    COMMUNITY = "community", _("社区兜底")
    INSTRUCTOR = "instructor", _("党建指导员")
    LIAISON = "liaison", _("驻企联络员")


class AgentKind(models.TextChoices):
    INSTRUCTOR = "instructor", _("党建指导员")
    LIAISON = "liaison", _("驻企联络员")
