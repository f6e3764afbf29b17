"""What one row of Pending edits says: the record by name, and per changed field the value before, yours and theirs.

A manager deciding "Keep mine" or "Keep theirs" needs the three numbers side by side (what the count started from,
what they counted, what the server holds now), and for an edit still waiting, what it changes from and to. The
outbox keeps the server's values an edit started from (its ``base``); the cache keeps the server's copy as last seen
(after a refused push it is the server's current record). Related records read by name, numbers as people read them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLocale

from desktop_app.schema import app_type, display, duration_words, get_resource
from desktop_app.schema.model import words
from desktop_app.ui.models.columns import columns_for

if TYPE_CHECKING:
    from desktop_app.store import OutboxEntry
    from desktop_app.ui.outcome import RecordsView

#: Shown where a value is empty, or there is none (nothing before a new record).
NONE = "—"


@dataclass(frozen=True)
class FieldChange:
    """One changed field of an edit as the panel shows it: its label and the three values, each readable text."""

    label: str
    before: str
    yours: str
    theirs: str = ""


class CacheNames:
    """Names of records read from the cache, remembered for one refresh of the panel (one read per record)."""

    def __init__(self, records: RecordsView) -> None:
        self._records = records
        self._seen: dict[tuple[str, str], Mapping[str, Any] | None] = {}

    def attributes(self, type_: str, record_id: Any) -> Mapping[str, Any] | None:
        if not isinstance(record_id, str):
            return None
        key = (type_, record_id)
        if key not in self._seen:
            record = self._records.get(type_, record_id)
            if record is None:
                server = self._records.server_version(type_, record_id)
                self._seen[key] = server.get("attributes") if server else None
            else:
                self._seen[key] = record.attributes
        return self._seen[key]

    def value(self, type_: str, record_id: Any, attribute: str) -> str | None:
        attributes = self.attributes(type_, record_id)
        found = attributes.get(attribute) if attributes else None
        return None if found in (None, "") else str(found)

    def label(self, type_: str, record_id: str) -> str:
        """``code — name``, whichever exists; the id only when the cache does not know the record."""
        parts = [self.value(type_, record_id, name) for name in ("code", "name")]
        shown = [p for p in parts if p]
        return " — ".join(shown) if shown else str(record_id)

    def short(self, type_: str, record_id: Any) -> str:
        """What a related record is called in a sentence: its code when the type requires one (a SKU), else its
        name (a stock location), else :meth:`label`."""
        resource = get_resource(type_)
        for name in ("code", "name"):
            field = resource.fields.get(name)
            if field is not None and (field.required or name == "name"):
                found = self.value(type_, record_id, name)
                if found:
                    return found
        return self.label(type_, str(record_id))


def record_name(entry: OutboxEntry, names: CacheNames, records: RecordsView) -> str:
    """The record an edit is about, as a person calls it: "Stock item BACKPACK-M at Lyon Distribution Centre",
    "Stock level Priority 2 · MAN-01 — Manchester Depot", "SKU TSHIRT-M — T-shirt M"."""
    resource = get_resource(entry.type)
    record = records.get(entry.type, entry.record_id)
    server = records.server_version(entry.type, entry.record_id) or {}
    attributes = dict(record.attributes if record is not None else server.get("attributes") or {})
    relationships = dict(record.relationships if record is not None else server.get("relationships") or {})
    if entry.op == "create":
        attributes.update(entry.attributes)
        relationships.update(entry.relationships)
    heading = app_type(entry.type).heading
    if heading is not None:
        return f"{resource.label} {heading(attributes, relationships, names)}"
    own = [str(attributes[n]) for n in ("code", "name") if attributes.get(n) not in (None, "")]
    if own:
        return f"{resource.label} {' — '.join(own)}"
    related = [  # in the table's order: what (the SKU), then where (the location)
        names.short(column.target, relationships[column.relationship])
        for column in columns_for(entry.type)
        if column.source == "relationship" and column.target and column.relationship
        if isinstance(relationships.get(column.relationship), str)
    ]
    if related:
        return f"{resource.label} {' at '.join(dict.fromkeys(related))}"
    return f"{resource.label} {entry.record_id}"


def readable(type_: str, name: str, value: Any, names: CacheNames) -> str:
    """One value of ``type_``'s attribute or relationship ``name`` as the tables show it."""
    if value is None or value == "":
        return NONE
    resource = get_resource(type_)
    relationship = resource.relationship_named(name)
    if relationship is not None:
        return names.short(relationship.target, value) if isinstance(value, str) else NONE
    field = resource.fields.get(name)
    if field is None:
        return str(value)
    if name in app_type(type_).durations:
        return duration_words(value)
    if field.type == "integer" and isinstance(value, int) and not isinstance(value, bool):
        return QLocale().toString(value)
    if field.type == "float" and isinstance(value, int | float) and not isinstance(value, bool):
        return QLocale().toString(float(value), "g", 12)
    if field.type == "boolean":
        return "Yes" if value else "No"
    return display(field, value) or NONE


def _metadata_changes(before: Any, yours: Any, theirs: Any, *, show_theirs: bool) -> list[FieldChange]:
    """A metadata edit (a reorder point) changes a few keys of one object: one line per key that differs."""
    old = before if isinstance(before, dict) else {}
    new = yours if isinstance(yours, dict) else {}
    now = theirs if isinstance(theirs, dict) else {}
    keys = [k for k in sorted({*old, *new}) if old.get(k) != new.get(k) and k != "stockroom_op"]
    return [
        FieldChange(
            words(key),
            _plain(old.get(key)),
            _plain(new.get(key)),
            _plain(now.get(key)) if show_theirs else "",
        )
        for key in keys
    ]


def _plain(value: Any) -> str:
    if value is None or value == "":
        return NONE
    if isinstance(value, int) and not isinstance(value, bool):
        return QLocale().toString(value)
    return str(value)


def field_changes(entry: OutboxEntry, names: CacheNames, records: RecordsView) -> list[FieldChange]:
    """Each field the edit changes: before (the server's value the edit started from), yours, and for a conflict
    theirs (the server's value now). A new record has nothing before; a delete changes the whole record."""
    if entry.op == "delete":
        return [FieldChange("Whole record", "Exists", "Deleted")]
    conflict = entry.state == "conflict"
    server = records.server_version(entry.type, entry.record_id) or {}
    theirs_now: dict[str, Any] = {
        **(server.get("attributes") or {}),
        **(server.get("relationships") or {}),
    }
    recorded = entry.theirs or {}
    for part in ("attributes", "relationships"):  # what the push saw, when the cache has no server copy
        for name, value in (recorded.get(part) or {}).items():
            theirs_now.setdefault(name, value)
    base: dict[str, Any] = {**(entry.base.get("attributes") or {}), **(entry.base.get("relationships") or {})}
    changes: list[FieldChange] = []
    for name, mine in {**entry.attributes, **entry.relationships}.items():
        if name.startswith("_"):  # a trigger (``_validate``) is how it is sent, not a value
            continue
        before = base.get(name) if entry.op == "update" else None
        if name == "metadata":
            changes += _metadata_changes(before, mine, theirs_now.get(name), show_theirs=conflict)
            continue
        changes.append(
            FieldChange(
                _label(entry.type, name),
                NONE if entry.op == "create" else readable(entry.type, name, before, names),
                readable(entry.type, name, mine, names),
                readable(entry.type, name, theirs_now.get(name), names) if conflict else "",
            )
        )
    return changes


def _label(type_: str, name: str) -> str:
    resource = get_resource(type_)
    relationship = resource.relationship_named(name)
    if relationship is not None:
        return get_resource(relationship.target).label
    field = resource.fields.get(name)
    return field.label if field is not None else words(name)


def reason(entry: OutboxEntry) -> str:
    """Why an edit waits, in words: the server's message per field (by the field's label), or its one message."""
    if entry.state == "conflict":
        return "Changed on the server since your edit: keep yours or theirs"
    errors = entry.field_errors or {}
    if errors:
        return "; ".join(
            f"{_label(entry.type, name) if name else ''}: {text}".lstrip(": ") for name, text in errors.items()
        )
    if entry.state == "failed":
        return entry.error or "The server refused the change"
    return ""
