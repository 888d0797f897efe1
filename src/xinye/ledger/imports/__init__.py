"""The survey-sheet import (摸排台账导入), one module per stage of its pipeline:

  specs      the columns of each kind of sheet (one definition for the template, the import and the export)
  read       the file: xlsx (python-calamine, openpyxl as fallback) or CSV (UTF-8, UTF-8 with BOM, GB18030),
             the header row found under title rows and merged cells
  normalise  cells to values: text, dates, choices, numbers (`RowParser`, by the column rules)
  check      the rows of people sheets: ID numbers, duplicates in the file, the enterprise named, scope,
             party details; hashed and encrypted, ready to write (no Django: it runs in a helper process too)
  helper     that helper process, for large people sheets (the second core checks while the first writes)
  plan       which rows create, update or leave a ledger row unchanged
  write      bulk inserts and updates with the change log
  pipeline   the run itself (`Importer`): all rows or none, in one transaction, batch by batch, with progress
  kinds      the importer of each kind, and `run_import`
  report     the result, its summary and the xlsx error report

`read`, `normalise`, `check` and `helper` import no Django models and read no settings, so the helper process
starts without Django; keep this package's `__init__` free of imports for the same reason.
"""
