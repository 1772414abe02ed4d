"""Prefect, and nothing else: the intake and the assessment as flows, the local server, schedules.

`intake_flow` runs the intake's own steps (`intake.pipeline`) as tasks, so each run shows in
the Prefect UI; `score_flow` scores a period through `reports.assessment`; `serve` deploys both
on schedules and supervises their runner and the server; `sweep` (`run`) and `watch` run the
intake with Prefect when a server answers and directly when not (the watch loop itself is
`intake.watch_loop`); `prefect_env` sets Prefect up and runs the workspace's local server
(`server_record`: its home and pid file, read without psutil or urllib),
`server_users` knows who relies on it. The console, signals and exit codes are `cli/`'s; the
workbook and watchdog stay out (import-linter checks it).
"""
