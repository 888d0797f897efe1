from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "xinye.guidance"
    pillar = "build"
    verbose_name = "怎么建 · 指导员与联络员"
    nav_links = [
        ("我的联系企业（走访）", "phone_iphone", "guidance:my", "guidance.visit"),
        ("分级分片分配", "alt_route", "guidance:assignment", "ledger.enterprise"),
        ("季度走访提醒", "event_busy", "guidance:overdue", "guidance.visit"),
        ("年度考核与依据", "grading", "guidance:assessments", "guidance.instructorassessment"),
    ]
