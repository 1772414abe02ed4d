"""The rulebook: every number draftdesk judges by, loaded from TOML and validated at load."""

from rules.load import DEFAULT_RULEBOOK, RulebookError, load_rulebook
from rules.model import ContentType, Rulebook, Unit

__all__ = ["DEFAULT_RULEBOOK", "ContentType", "Rulebook", "RulebookError", "Unit", "load_rulebook"]
