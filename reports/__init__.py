"""What the office reads of a period: its assessment and the workbook it prints.

`assessment.assess_period` is the one place that decides which year's rulebook scores a period
and what people see of it (`period.PeriodAssessment`: columns, cells, rules, warnings, the
推荐名单, whether the period is unfinished); `workbook` writes it as Excel, `behind` lists the
drafts and adoptions behind one unit's figures, `rule_texts` words the rules in Chinese, and
`adoption_sheet` reads the office's filled 录用登记表 back as rows for `service.adoptions` to
check. Reads the ledger through `ledger/` (`ledger_rows`: a period's rows, read once), scores
through `scoring/`; no front end lives here.
"""
