"""Funds listens to the ledger: when a formation case completes, the new organisation's 党建工作经费 is
proposed (the seed: "新建党支部给予党建工作经费"), waiting for a reviewer like any application."""

import logging

from django.db import transaction

from xinye.accounts.permissions import system_actor
from xinye.core.errors import Refused
from xinye.funds import services

log = logging.getLogger(__name__)


def formation_completed(sender, case, actor=None, **kwargs):
    """Propose the work fund as the system (the proposal is automatic; a person reviews it). A rule that
    refuses the proposal (e.g. an organisation kind that gets no work fund) leaves the formation as done."""
    try:
        with transaction.atomic():
            services.propose_work_fund(case, actor=system_actor("formation"))
    except Refused as exc:
        log.info("no work fund proposed for formation case %s: %s", case.pk, exc.messages)
