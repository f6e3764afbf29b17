"""A record's history (its versions, fetched on demand) and what the last syncs changed, in words (Qt-free)."""

from desktop_app.history.fetch import fetch_history, version_of
from desktop_app.history.words import (
    change_line,
    change_summary,
    change_words,
    field_label,
    pending_words,
    record_name,
    value_words,
    version_words,
    when_words,
    who_words,
)

__all__ = [
    "change_line",
    "change_summary",
    "change_words",
    "fetch_history",
    "field_label",
    "pending_words",
    "record_name",
    "value_words",
    "version_of",
    "version_words",
    "when_words",
    "who_words",
]
