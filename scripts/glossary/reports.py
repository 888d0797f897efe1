"""English for the console strings of the reports (the statistics workbook, the briefing, the snapshots)."""

GLOSSARY = {
    "制度落实 · 统计报表与简报": "Institutions · statistics and briefings",
    "统计报表与工作简报": "Statistics and briefings",
    "每日统计快照": "Daily snapshot",
    "走访（当日）": "Visits (that day)",
    "服务站签到（当日）": "Station check-ins (that day)",
    "诉求（当日受理）": "Appeals (received that day)",
    "每日定时": "Daily tick",
    "历史回填": "Back-filled",
    "写入时间": "Written at",
    "统计期": "Period",
    "统计范围": "Scope",
    "本人管辖范围": "My own scope",
    "下载统计报表（xlsx）": "Download the statistics workbook (xlsx)",
    "下载工作简报（docx）": "Download the briefing (docx)",
    "统计报表包含的表": "Sheets in the workbook",
    "选择统计期和统计范围，下载统计报表（Excel，每张表含标题、范围、统计期、单位、合计，A4 横向打印）或工作简报（Word）。数据与统计接口一致，导出记入操作日志。": (
        "Choose a period and a scope, then download the statistics workbook (Excel: each sheet with its title, "
        "scope, period, units and totals, printed A4 landscape) or the briefing (Word). The figures are those "
        "of the statistics API; every export is logged."
    ),
}
