"""Side effects live here only: the CLI, Prefect flows, the watcher, moving files."""
