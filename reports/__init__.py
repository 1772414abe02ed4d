"""Reports: one period's assessment from the ledger, and the office's Excel sheets.

`assessment` reads a period's rows from the ledger, has `scoring` (pure) score them and writes
the workbook (`workbook`); the command line, the browser desk and the scheduled flow all go
through it, so their figures agree. `adoption_sheet` reads the office's filled 录用登记表 back
as plain rows for `service.adoptions` to check. Only here is openpyxl used.
"""
