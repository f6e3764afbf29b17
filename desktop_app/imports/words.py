"""A preview as people read it, the same on the command line and in the window: counts with thousands separators
and plural nouns, values in words ("yes", "(empty)", "1,250"), one phrase for the whole outcome."""

from __future__ import annotations

from typing import Any

from desktop_app.imports.preview import Preview


def count(number: int, noun: str) -> str:
    """``1 row``, ``1,250 rows``."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def value_text(value: Any) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return f"{value:,}"
    return str(value)


def outcome_words(preview: Preview, noun: str = "row") -> str:
    """ "3,334 to update, 1 to create, 6,665 unchanged, 2 rows with errors" (a count of none is left out, but
    never all of them)."""
    creates = sum(1 for change in preview.changes if change.record_id is None)  # one pass over 100,000
    updates = len(preview.changes) - creates
    parts = [
        (updates, f"{updates:,} to update"),
        (creates, f"{creates:,} to create"),
        (preview.unchanged, f"{preview.unchanged:,} unchanged"),
        (len(preview.error_lines), f"{count(len(preview.error_lines), noun)} with errors"),
    ]
    said = [text for number, text in parts if number]
    return ", ".join(said) if said else "nothing to change"
