from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "xinye.reports"
    pillar = "institutions"
    verbose_name = _("制度落实 · 统计报表与简报")
    # `xinye tick` writes the day's snapshot once a day (core.ticks).
    tick = "xinye.reports.services.tick"
    nav_links = [
        (_("统计报表与工作简报"), "summarize", "reports:index", "export:reports.dailysnapshot"),
        (_("工作大屏"), "tv", "screen:staff", "reports.dailysnapshot"),
    ]
    # the console builds both reports as background jobs (reports/jobs.py, run by `xinye worker`)
    job_kinds = {
        "reports.statistics": "xinye.reports.jobs.build_statistics",
        "reports.briefing": "xinye.reports.jobs.build_briefing",
    }
