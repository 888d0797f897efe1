"""Building survey sheets for the import/export tests (openpyxl, csv) in a temporary directory."""

import csv

import openpyxl

PRACTITIONER_HEADERS = ["姓名", "公民身份号码", "手机号", "所在企业", "民族", "学历", "职业", "政治面貌"]


def xlsx(path, headers, rows, *, title_rows=(), merge_title=True, text_ids=True):
    wb = openpyxl.Workbook()
    ws = wb.active
    for title in title_rows:
        ws.append([title])
        if merge_title:
            r = ws.max_row
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(headers))
    ws.append(headers)
    for row in rows:
        ws.append(list(row))
    if text_ids:
        for row in ws.iter_rows(min_row=ws.max_row - len(rows) + 1):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.number_format = "@"
    wb.save(path)
    return path


def csv_file(path, headers, rows, *, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def person(name, id_number, enterprise, *, phone="13912345678", status="群众", occupation="外卖骑手"):
    return [name, id_number, phone, enterprise, "汉族", "高中", occupation, status]
