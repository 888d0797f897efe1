from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Background jobs (issue 18 item 11): long work — the statistics workbook, the briefing, large imports —
    run by `xinye worker` on django-tasks' database queue, each recorded as a `Job` its starter watches."""

    name = "xinye.jobs"
    pillar = "system"
    verbose_name = _("我的任务")
    # `xinye tick` marks jobs whose worker died as failed (core.ticks).
    tick = "xinye.jobs.services.tick"
    # every staff user may have jobs: the page lists only their own
    nav_links = [(_("我的任务"), "pending_actions", "jobs:index", None)]
