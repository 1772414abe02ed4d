"""Prefect work: the workspace's local Prefect server (`prefect_env`), the intake and score
flows, `run`'s choice of flow or direct sweep (`sweep`), `watch`'s (`watch`), and `serve`'s
deployments and the supervision of their runner (`serve`). Consoles, signals and exit codes
belong to `cli/`; the watcher and the filing steps to `intake/`."""
