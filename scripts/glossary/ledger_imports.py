"""English for the survey-sheet import's warnings and the city's word table (issue 13)."""

GLOSSARY = {
    "对应选项": "Choice",
    "警告明细（按原样写入，请核实）": "Warnings (written as given, please check)",
    "职业（原文）": "Occupation (as written)",
    "警告": "Warnings",
    "警告明细": "Warning details",
    "列": "Column",
    "企业类型": "Enterprise type",
    "表格中的写法": "Word in the sheet",
    "导入词语对照": "Import word table",
    "警告（共 %(warning)s 处，不影响写入：按表中原样保存，请核实）": (
        "Warnings (%(warning)s in all; they do not stop the import: values are kept as written, please check)"
    ),
    "下载核对报告（原表加“错误说明”列，警告已标注）": (
        "Download the check report (the sheet with a problems column; warnings are marked)"
    ),
    "……另有 %(more_warnings)s 处警告，见核对报告。": "…and %(more_warnings)s more warnings, see the check report.",
}
