from django.db import models


class EnterpriseType(models.TextChoices):
    PLATFORM = "platform", "平台企业（区域总部/分公司）"
    SITE = "site", "加盟站点/配送站"
    OUTLET = "outlet", "网点/营业部"
    FLEET = "fleet", "车队/运输公司"
    WAREHOUSE = "warehouse", "仓储/分拨中心"
    STUDIO = "studio", "直播/电商机构"
    OTHER = "other", "其他"


class CoordSystem(models.TextChoices):
    WGS84 = "wgs84", "WGS-84（GPS/手机定位）"
    GCJ02 = "gcj02", "GCJ-02（高德/腾讯/微信）"
    BD09 = "bd09", "BD-09（百度）"


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Education(models.TextChoices):
    PRIMARY = "primary", "小学及以下"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中/中专/技校"
    COLLEGE = "college", "大专"
    BACHELOR = "bachelor", "大学本科"
    POSTGRAD = "postgrad", "研究生"


class Occupation(models.TextChoices):
    RIDER = "rider", "外卖骑手"
    COURIER = "courier", "快递员"
    TRUCK_DRIVER = "truck_driver", "货车司机"
    RIDE_DRIVER = "ride_driver", "网约车司机"
    STREAMER = "streamer", "主播/网红"
    WAREHOUSE = "warehouse", "仓储/分拣"
    DISPATCHER = "dispatcher", "站长/调度"
    OFFICE = "office", "管理/技术/客服"
    OTHER = "other", "其他"


class PoliticalStatus(models.TextChoices):
    MASSES = "masses", "群众"
    LEAGUE = "league", "共青团员"
    APPLICANT = "applicant", "入党申请人"
    ACTIVIST = "activist", "入党积极分子"
    CANDIDATE = "candidate", "发展对象"
    PROBATIONARY = "probationary", "预备党员"
    FULL = "full", "正式党员"


PARTY_STATUSES = (PoliticalStatus.PROBATIONARY, PoliticalStatus.FULL)


class MembershipHeld(models.TextChoices):
    HERE = "here", "组织关系在本单位党组织"
    ELSEWHERE = "elsewhere", "流动党员（组织关系在外地/原单位）"
    NONE = "none", "暂未纳入党组织管理"


class FormationState(models.TextChoices):
    """规范组建流程: the steps a new enterprise party organisation goes through."""

    PROPOSAL = "proposal", "提出组建建议"
    APPLICATION = "application", "提交组建申请"
    SUPERIOR_APPROVED = "superior_approved", "上级党组织批复同意"
    MEMBERS_MEETING_ELECTED = "members_meeting_elected", "党员大会选举"
    ESTABLISHMENT_APPROVED = "establishment_approved", "上级批复成立"
    REGISTERED = "registered", "已录入台账"
    REJECTED = "rejected", "未获批准"
    WITHDRAWN = "withdrawn", "已撤回"


class CoverageStatus(models.TextChoices):
    """An enterprise's coverage (中办发〔2012〕11号): own organisation, joint one, work only, or none."""

    INDEPENDENT = "independent", "单独组建"
    JOINT = "joint", "联合组建"
    WORK = "work", "工作覆盖"
    BLANK = "blank", "空白"
