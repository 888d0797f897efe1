from django.db import models


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "地级"
    COUNTY = "county", "县级"
    ZONE = "zone", "功能区"  # e.g. 150571 通辽经济技术开发区: a statistical code, not a GB/T 2260 division


class UnitKind(models.TextChoices):
    ORG_DEPARTMENT = "org_department", "市委组织部"
    WORK_COMMITTEE = "work_committee", "两新工委"
    INDUSTRY_COMMITTEE = "industry_committee", "行业党委"
    INDUSTRY_OFFICE = "industry_office", "行业党建办"
    DEPARTMENT = "department", "行业主管部门"
    MASS_ORG = "mass_org", "群团组织"
    STREET = "street", "街道（乡镇）"
    COMMUNITY = "community", "社区"
    PARTY_COMMITTEE = "party_committee", "党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"
    JOINT_BRANCH = "joint_branch", "联合党支部"
    ONLINE_BRANCH = "online_branch", "网络（虚拟）党支部"
    PARTY_GROUP = "party_group", "党小组"


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

    INDUSTRY_COMMITTEE = "industry_committee", "行业党委"
    COUNTY_OFFICE = "county_office", "县级党建办"
    DEPARTMENT = "department", "行业主管部门"
    MASS_ORG = "mass_org", "群团组织"
    COMMUNITY = "community", "社区兜底"
    INSTRUCTOR = "instructor", "党建指导员"
    LIAISON = "liaison", "驻企联络员"
