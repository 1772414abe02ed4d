"""The command line (`draftdesk …`): thin typer commands, one module per command or group.

A command parses its options, calls one library function (`service/`; `flows/` for the
Prefect-backed `run`, `watch`, `serve` and `stop`; `web/` to serve the desk) and turns the
named exceptions it raises into a Chinese sentence and an exit code (`cli.common`). No
decision is made here: what a command prints is a value the library returned. Command names, options and `--json` fields are a
contract: extend, never rename.
"""
