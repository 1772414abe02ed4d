"""Readers: file bytes → a `Draft` value. Pure: no clock, no ledger, no moving files."""

from extractors.model import Counts, DateMention, Draft, Finding, MediaFile, Part, Photo

__all__ = ["Counts", "DateMention", "Draft", "Finding", "MediaFile", "Part", "Photo"]
