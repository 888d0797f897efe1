from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "xinye.ledger"
    pillar = "build"
    verbose_name = _("怎么建 · 摸排台账")
    # a large survey sheet is checked and written by `xinye worker` (ledger/jobs.py, XINYE_IMPORT_ASYNC_BYTES)
    job_kinds = {"ledger.import": "xinye.ledger.jobs.run_import"}
    nav_links = [
        (_("换届提醒"), "event_repeat", "ledger:due_for_election", "ledger.partyorganisation"),
        # The import/export pages (imports/, views_io.py): open to whoever may import or export a ledger.
        (
            _("台账导入导出"),
            "upload_file",
            "ledger_io:index",
            [
                f"{action}:ledger.{model}"
                for action in ("import", "export")
                for model in ("enterprise", "practitioner", "partymember", "partyorganisation")
            ],
        ),
    ]

    def ready(self):
        from xinye.accounts.permissions import provide_scope_lookups
        from xinye.ledger import signals
        from xinye.ledger.scope import LedgerScope

        signals.connect()
        provide_scope_lookups(LedgerScope())

    def dashboard_cards(self, request):
        """Console home: organisations due for election and formation cases under way, in the user's scope."""
        from django.urls import reverse

        from xinye.accounts.permissions import has_action, restrict
        from xinye.ledger import services
        from xinye.ledger.models import FormationCase, PartyOrganisation

        cards = []
        if has_action(request.user, "view", PartyOrganisation):
            due = services.due_for_election(
                restrict(PartyOrganisation.objects.all(), request.user, "view")
            ).count()
            cards.append(
                {
                    "title": _("换届提醒"),
                    "value": due,
                    "note": _("90 天内任期届满（含超期）的党组织"),
                    "link": reverse("ledger:due_for_election"),
                }
            )
        if has_action(request.user, "view", FormationCase):
            open_cases = (
                restrict(FormationCase.objects.all(), request.user, "view")
                .exclude(state__in=["registered", "rejected", "withdrawn"])
                .count()
            )
            cards.append(
                {
                    "title": _("组建中"),
                    "value": open_cases,
                    "note": _("规范组建流程办理中的党组织"),
                    "link": reverse("admin:ledger_formationcase_changelist"),
                }
            )
        return cards
