"""Checks: `Draft` + rulebook + received time + history → findings and a verdict. Pure."""
