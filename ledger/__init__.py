"""The ledger: the only code that speaks SQL (sqlite-utils over one SQLite file, WAL)."""

from ledger.schema import SCHEMA_VERSION, ensure_schema, open_ledger

__all__ = ["SCHEMA_VERSION", "ensure_schema", "open_ledger"]
