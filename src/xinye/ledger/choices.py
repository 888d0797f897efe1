from django.db import models
from django.utils.translation import gettext_lazy as _


class EnterpriseType(models.TextChoices):
    PLATFORM = "platform", _("平台企业（区域总部/分公司）")
    SITE = "site", _("加盟站点/配送站")
    OUTLET = "outlet", _("网点/营业部")
    FLEET = "fleet", _("车队/运输公司")
    WAREHOUSE = "warehouse", _("仓储/分拨中心")
    STUDIO = "studio", _("直播/电商机构")
    OTHER = "other", _("其他")


class CoordSystem(models.TextChoices):
    WGS84 = "wgs84", _("WGS-84（GPS/手机定位）")
    GCJ02 = "gcj02", _("GCJ-02（高德/腾讯/微信）")
    BD09 = "bd09", _("BD-09（百度）")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Education(models.TextChoices):
    PRIMARY = "primary", _("小学及以下")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中/中专/技校")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("大学本科")
    POSTGRAD = "postgrad", _("研究生")


class Occupation(models.TextChoices):
    RIDER = "rider", _("外卖骑手")
    COURIER = "courier", _("快递员")
    TRUCK_DRIVER = "truck_driver", _("货车司机")
    RIDE_DRIVER = "ride_driver", _("网约车司机")
    STREAMER = "streamer", _("主播/网红")
    WAREHOUSE = "warehouse", _("仓储/分拣")
    DISPATCHER = "dispatcher", _("站长/调度")
    OFFICE = "office", _("管理/技术/客服")
    OTHER = "other", _("其他")


class PoliticalStatus(models.TextChoices):
    MASSES = "masses", _("群众")
    LEAGUE = "league", _("共青团员")
    APPLICANT = "applicant", _("入党申请人")
    ACTIVIST = "activist", _("入党积极分子")
    CANDIDATE = "candidate", _("发展对象")
    PROBATIONARY = "probationary", _("预备党员")
    FULL = "full", _("正式党员")


PARTY_STATUSES = (PoliticalStatus.PROBATIONARY, PoliticalStatus.FULL)


class MembershipHeld(models.TextChoices):
    HERE = "here", _("组织关系在本单位党组织")
    ELSEWHERE = "elsewhere", _("流动党员（组织关系在外地/原单位）")
    NONE = "none", _("暂未纳入党组织管理")


class FormationState(models.TextChoices):
    """规范组建流程: the steps a new enterprise party organisation goes through."""

    PROPOSAL = "proposal", _("提出组建建议")
    APPLICATION = "application", _("提交组建申请")
    SUPERIOR_APPROVED = "superior_approved", _("上级党组织批复同意")
    MEMBERS_MEETING_ELECTED = "members_meeting_elected", _("党员大会选举")
    ESTABLISHMENT_APPROVED = "establishment_approved", _("上级批复成立")
    REGISTERED = "registered", _("已录入台账")
    REJECTED = "rejected", _("未获批准")
    WITHDRAWN = "withdrawn", _("已撤回")


class CoverageStatus(models.TextChoices):
    """An enterprise's coverage (中办发〔2012〕11号): own organisation, joint one, work only, or none."""

    INDEPENDENT = "independent", _("单独组建")
    JOINT = "joint", _("联合组建")
    WORK = "work", _("工作覆盖")
    BLANK = "blank", _("空白")


# How a party organisation covers the enterprises it lists (rules.md §Coverage; orgs.choices.UnitKind values).
# The coverage engine applies them (xinye.coverage.engine.classify, the one definition of the rule); the
# ledger's formation checks use them to tell whether an enterprise already has its own organisation.
OWN_ORGANISATION_KINDS = frozenset({"party_committee", "general_branch", "branch", "online_branch"})
JOINT_ORGANISATION_KIND = "joint_branch"


# The 56 nationalities of GB/T 3304 (code order 01–56): the 民族 list filter offers these names instead of a
# DISTINCT over the scope's practitioners (issue 17: 0.6 s at 1,000,000 rows). The field stays free text.
ETHNICITIES = (
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 黎族 "
    "傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 "
    "仡佬族 锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 "
    "鄂伦春族 赫哲族 门巴族 珞巴族 基诺族"
).split()
