"""Prefect, and nothing else: the intake and the assessment as flows, the local server, schedules.

`intake_flow` runs the intake's own steps (`intake.pipeline`) as tasks, so each run shows in
the Prefect UI; `score_flow` scores a period through `reports.assessment`; `serve` deploys both
on schedules; `sweep` and `watch` run the intake with Prefect when a server answers and plain
Python when not; `prefect_env` sets Prefect up and runs the workspace's local server. The
command line, the workbook and watchdog stay out (import-linter checks it).
"""
