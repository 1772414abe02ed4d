"""The intake: inbox → outbox, for every draft a unit drops, exactly once.

The pipeline (`pipeline`) claims an item (`claims`), reads it (`extractors`), judges it
(`checks`) against the ledger's history, records it (`ledger`) and files it with its note
(`filing`); officer forms register officers instead (`officers`). The watcher (`watcher`) and
the sweep share one view of what in the inbox is ready to take (`inventory`) and one rule for
when it was received (`received`). Plain Python, no Prefect: `flows/` wraps these same steps for the Prefect UI,
and runs them plainly (`flows.sweep`) when no server is up.
"""
