"""English for the jobsapi work: jobs and rights requests over the API, large list exports as jobs."""

GLOSSARY = {
    "导出列表：%(title)s": "Export list: %(title)s",
    "共 %(total)s 条，已提交后台导出，完成后可在本页或“我的任务”中下载。": (
        "%(total)s rows: the export runs in the background; download it from this page or My jobs when it is done."
    ),
    "写入文件": "Writing the file",
    "未知的列表，未导出。": "Unknown list; nothing was exported.",
    "您已无权导出该列表，未导出。": "You may no longer export this list; nothing was exported.",
    "%(n)s 条": "%(n)s rows",
}
