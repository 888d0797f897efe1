"""The reports as background jobs (jobs app, issue 17 "Performance" and issue 18 item 11): the console starts
a job; `xinye worker` builds the sheets one by one (the progress the user watches: sheets done of all),
writes the file and logs the export through the same services as the CLI (`export_statistics`,
`export_briefing`). The scope and the period are resolved again when the job runs, as its starter: a unit
that left their scope meanwhile is refused, not reported.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from xinye.jobs import services as jobs
from xinye.jobs.services import Outcome, partial_dir
from xinye.reports import services
from xinye.reports.context import parse_period, resolve_scope
from xinye.reports.sheets import registered

STATISTICS, BRIEFING = "reports.statistics", "reports.briefing"


def job_title(kind: str, scope_name: str, period_label: str) -> str:
    what = "统计报表" if kind == STATISTICS else "工作简报"
    return f"{scope_name}{what}{period_label}"


def start_report(kind: str, *, actor, period: str, scope: str, channel: str = "console"):
    """Queue the statistics workbook or the briefing for `actor`: the period and the scope are checked now
    (`Refused` with the reason), as the console's form and the API both need, then the job is recorded.
    The caller has checked that `actor` holds `export` on the daily snapshots."""
    resolved_period = parse_period(period)
    resolved_scope = resolve_scope(actor, scope)
    return jobs.start(
        kind,
        actor=actor,
        title=job_title(kind, resolved_scope.name, resolved_period.label),
        scope_name=resolved_scope.name,
        params={"period": resolved_period.label, "scope": scope, "channel": channel},
        unit_label=_("张表"),
    )


def _tables(scope, period, progress):
    sheets = registered()
    steps = len(sheets) + 1  # the sheets, then writing the file
    tables = []
    for i, sheet in enumerate(sheets):
        progress(i, steps, sheet.title)
        tables.append((sheet, sheet.build(scope, period)))
    progress(len(sheets), steps, "写入文件")
    return tables


def _build(kind: str, job, actor, progress) -> Outcome:
    period = parse_period(job.params.get("period"))
    scope = resolve_scope(actor, job.params.get("scope"))
    tables = _tables(scope, period, progress)
    suffix = ".xlsx" if kind == STATISTICS else ".docx"
    name = job_title(kind, scope.name, period.label) + suffix
    path = partial_dir(job) / f"result{suffix}"  # offered only once `finish` has moved it into place
    if kind == STATISTICS:
        count = services.export_statistics(path, scope, period, actor=actor, tables=tables)
        summary = f"{count} 张表"
    else:
        services.export_briefing(path, scope, period, actor=actor, tables=tables)
        summary = f"工作简报 {period.title}"
    return Outcome(file_path=path, file_name=name, summary=summary)


def build_statistics(job, *, actor, progress) -> Outcome:
    return _build(STATISTICS, job, actor, progress)


def build_briefing(job, *, actor, progress) -> Outcome:
    return _build(BRIEFING, job, actor, progress)
