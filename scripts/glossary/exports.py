"""English for the exports work: the 导出 Excel button and workbook of every statistics page (issue 17)."""

GLOSSARY = {
    "全市": "Whole city",
    "（本页没有数据）": "(no data on this page)",
    "导出人：%(user)s；导出时间：%(now)s；共 %(n)s 行": "Exported by %(user)s at %(now)s; %(n)s rows",
    "范围：%(scope)s；条件：%(conditions)s": "Scope: %(scope)s; filters: %(conditions)s",
    "按当前筛选条件导出本页表格（敏感信息脱敏，记入操作日志）": "Export this page's tables under the current filters (sensitive data masked, recorded in the log)",
    "导出 Excel": "Export to Excel",
}
