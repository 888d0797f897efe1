from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "xinye.members"
    pillar = "people"
    verbose_name = _("队伍建设 · 党员队伍")
    nav_links = [
        (_("发展党员梯队"), "stacked_bar_chart", "members:pipeline", "members.developmentcase"),
        (_("党费欠缴名单"), "money_off", "members:arrears", "members.duespayment"),
        (_("学时统计"), "timer", "members:study_hours", "members.studyrecord"),
        (_("导入学习记录"), "upload_file", "members:study_import", "import:members.studyrecord"),
    ]

    def dashboard_cards(self, request):
        """Console home: the development pipeline and the transfers whose 回执 is overdue, in the user's scope."""
        from django.db.models import Q
        from django.urls import reverse

        from xinye.accounts.permissions import has_action, restrict
        from xinye.ledger.models import PartyMember
        from xinye.members import services
        from xinye.members.models import DevelopmentCase, TransferLetter

        cards = []
        if has_action(request.user, "view", DevelopmentCase):
            cases = restrict(DevelopmentCase.objects.all(), request.user, "view")
            totals = services.pipeline(cases, restrict(PartyMember.objects.all(), request.user, "view"))[
                "totals"
            ]
            cards.append(
                {
                    "title": _("发展党员梯队"),
                    "value": totals["activists"] + totals["candidates"],
                    "note": _(
                        "申请人 %(applicants)s · 积极分子 %(activists)s · 发展对象 %(candidates)s · 预备党员 %(probationary)s"
                    )
                    % totals,
                    "link": reverse("members:pipeline"),
                }
            )
        if has_action(request.user, "view", TransferLetter):
            letters = restrict(TransferLetter.objects.all(), request.user, "view")
            overdue = letters.filter(
                Q(status="expired") | Q(status="issued", valid_until__lt=services.today())
            ).count()
            cards.append(
                {
                    "title": _("介绍信过期未回执"),
                    "value": overdue,
                    "link": reverse("admin:members_transferletter_changelist") + "?status__exact=expired",
                }
            )
        return cards
