"""Scoring: ledger rows + rulebook → completion, points, fees, rankings. Pure."""
