from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "xinye.members"
    pillar = "people"
    verbose_name = "力量弱 · 党员队伍"
    nav_links = [
        ("发展党员梯队", "stacked_bar_chart", "members:pipeline", "members.developmentcase"),
        ("党费欠缴名单", "money_off", "members:arrears", "members.duespayment"),
        ("学时统计", "timer", "members:study_hours", "members.studyrecord"),
        ("导入学习记录", "upload_file", "members:study_import", "members.studyrecord"),
    ]
