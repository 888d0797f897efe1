"""The monthly 通报 (Word, python-docx): the month's task figures, the ranking of the offices with each
score's parts, the offices with overdue tasks, and the 督办 still unanswered — from the same figures the
ranking and the dashboards use."""

from __future__ import annotations

import datetime

from docx import Document
from docx.shared import Pt

from xinye.plans.choices import OPEN_TASK_STATES, TaskStatus
from xinye.plans.models import PlanNotice, PlanTask
from xinye.plans.ranking import month_bounds

READS = ("build",)


def build(
    month: datetime.date,
    items: list[dict],
    today: datetime.date,
    *,
    tasks=None,
    notices=None,
    issuer: str = "通辽市两新工委",
):
    """A python-docx Document for `month` from a ranking (`ranking.compute` or the stored rows); `tasks` and
    `notices` are the reader's restricted querysets (all of them for the system)."""
    start, end = month_bounds(month)
    tasks = (tasks if tasks is not None else PlanTask.objects.all()).filter(due_date__range=(start, end))
    notices = notices if notices is not None else PlanNotice.objects.all()
    total = tasks.count()
    done = tasks.filter(status=TaskStatus.DONE)
    on_time = sum(1 for t in done.only("finished_on", "due_date") if not t.finished_late)
    late = done.count() - on_time
    overdue = tasks.filter(status__in=OPEN_TASK_STATES, due_date__lt=today).select_related("office")

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(12)
    doc.add_heading(f"关于{month.year}年{month.month}月新业态新就业群体党建工作情况的通报", level=1)
    doc.add_paragraph(f"{issuer}　{today:%Y-%m-%d}")
    doc.add_heading("一、月度任务完成情况", level=2)
    doc.add_paragraph(
        f"本月到期任务 {total} 件，按期完成 {on_time} 件，逾期完成 {late} 件，"
        f"逾期未完成 {overdue.count()} 件。"
    )
    doc.add_heading("二、行业党建办排名", level=2)
    if items:
        doc.add_paragraph(
            "得分由任务按期完成、目标进度、覆盖提升、组织运转四项按计分规则加权计算，逐项说明如下表。"
        )
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("名次", "行业党建办", "得分", "得分说明"), strict=True):
            cell.text = text
        for item in items:
            row = table.add_row().cells
            row[0].text = str(item["rank"])
            row[1].text = str(item["office"])
            row[2].text = str(item["score"])
            row[3].text = "\n".join(p["explanation"] for p in item["parts"])
        top = "、".join(str(i["office"]) for i in items[:3])
        bottom = "、".join(str(i["office"]) for i in items[-3:])
        doc.add_paragraph(f"排名前三：{top}。排名后三：{bottom}，请对照失分项抓好整改。")
    doc.add_heading("三、逾期任务", level=2)
    if overdue:
        for task in overdue.order_by("office__path", "due_date"):
            doc.add_paragraph(
                f"{task.office.name}：“{task.title}”，时限 {task.due_date}", style="List Bullet"
            )
    else:
        doc.add_paragraph("无。")
    doc.add_heading("四、督办事项", level=2)
    pending = notices.filter(
        reply_required=True, replied_at__isnull=True, created_at__date__lte=end
    ).select_related("unit")
    if pending:
        for notice in pending.order_by("unit__path"):
            doc.add_paragraph(f"{notice.unit.name}：{notice.message}（未回复）", style="List Bullet")
    else:
        doc.add_paragraph("督办事项均已回复。")
    return doc
