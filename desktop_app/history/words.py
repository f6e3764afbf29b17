"""Changes in words, as a manager reads them: "Quantity 40 → 3", labels from the resource description, numbers
with thousands separators, yes/no for flags, who by name rather than by id."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from desktop_app.schema import app_type, duration_words, enum_label, get_resource, parse_datetime
from desktop_app.store.history import Change, Version
from desktop_app.store.records import CachedRecord, OutboxEntry


#: Stamps every write moves; they say nothing a person needs in a timeline.
class Records(Protocol):
    """What naming a record reads of the cache."""

    def get(self, type_: str, record_id: str) -> CachedRecord | None: ...


_QUIET = frozenset({"updated_at", "created_at", "id"})
_EVENTS = {"create": "created", "update": "updated", "destroy": "deleted", "delete": "deleted"}


def field_label(type_: str, name: str) -> str:
    """The label of a field, or of a relationship named as ``<name>_id`` the way versions name them."""
    resource = get_resource(type_)
    if name in resource.fields:
        return resource.fields[name].label
    if name.endswith("_id") and name[:-3] in resource.relationships:
        return resource.relationships[name[:-3]].label
    return name.replace("_", " ").capitalize()


def value_words(value: Any) -> str:
    """One value as a person reads it."""
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {value_words(v)}" for k, v in value.items()) or "none"
    if isinstance(value, list):
        return ", ".join(value_words(v) for v in value) or "none"
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def change_words(type_: str, changes: Mapping[str, Any], records: Records | None = None) -> list[str]:
    """Each changed field as "Label old → new" (a created field shows its value only); with ``records``, a related
    record by its name ("Origin stock location Berlin Hub") rather than its id."""
    lines = []
    for name, pair in changes.items():
        if name in _QUIET or not isinstance(pair, list | tuple) or len(pair) != 2:
            continue
        if pair[0] is None and pair[1] in (None, "", {}, []):  # a field created empty says nothing
            continue
        old, new = (field_words(type_, name, value, records) for value in pair)
        label = field_label(type_, name)
        lines.append(f"{label} {new}" if pair[0] is None else f"{label} {old} → {new}")
    return lines


def field_words(type_: str, name: str, value: Any, records: Records | None = None) -> str:
    """One field's value as its table cell reads it: an enumeration in words ("In transit"), a duration in words,
    a related record (``<relationship>_id``, as versions name them) by name when ``records`` can say it."""
    resource = get_resource(type_)
    field = resource.fields.get(name)
    if field is not None and field.enum and isinstance(value, str):
        return enum_label(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and name in app_type(type_).durations:
        return duration_words(value, exact=True)
    link = resource.relationships.get(name[:-3]) if name.endswith("_id") else None
    if records is not None and link is not None and isinstance(value, str) and value:
        return record_name(records, link.target, value)
    return value_words(value)


def who_words(who: Mapping[str, Any], names: Mapping[str, str] | None = None) -> str:
    """Who made a change: the user when a token had an owner, else the application, by name where known."""
    names = names or {}
    owner = who.get("owner")
    if isinstance(owner, Mapping) and owner.get("id"):
        return names.get(str(owner["id"])) or f"{str(owner.get('type') or 'user').rstrip('s')} {owner['id']}"
    application = who.get("application")
    if isinstance(application, Mapping) and application.get("id"):
        known = application.get("name") or names.get(str(application["id"]))
        if known:
            return str(known)
        return f"{application.get('kind') or 'an'} application {application['id']}"
    return "unknown"


def when_words(stamp: str) -> str:
    """A server timestamp as "6 Dec 2026, 06:45 UTC"."""
    try:
        moment = parse_datetime(stamp)
    except ValueError:
        return stamp
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def version_words(
    version: Version, names: Mapping[str, str] | None = None, records: Records | None = None
) -> tuple[str, list[str]]:
    """A version's heading ("6 Dec 2026, 06:45 UTC · updated by Stockroom") and its changes in words (related
    records by name when ``records`` is given)."""
    event = _EVENTS.get(version.event, version.event)
    heading = f"{when_words(version.created_at)} · {event} by {who_words(version.who, names)}"
    return heading, change_words(version.type, version.changes, records) if version.event != "destroy" else []


def pending_words(entry: OutboxEntry, records: Records | None = None) -> tuple[str, list[str]]:
    """An edit queued locally, shown on top of a record's history as not sent yet."""
    event = _EVENTS.get(entry.op, entry.op)
    heading = f"not sent yet · {event} here on {when_words(entry.created_at)}"
    stored = entry.base.get("attributes")
    base: dict[str, Any] = stored if isinstance(stored, dict) else {}
    changes = {
        name: [base.get(name) if entry.op == "update" else None, value]
        for name, value in entry.attributes.items()
        if not name.startswith("_")
    }
    changes.update(
        {f"{name}_id": [None, value] for name, value in entry.relationships.items() if not isinstance(value, list)}
    )
    return heading, change_words(entry.type, changes, records)


def change_summary(changed: Mapping[str, int]) -> str:
    """What a sync changed, for the status bar: "38 stock items changed" ("and 2 SKUs" when there are more)."""
    parts = []
    for type_, count in sorted(changed.items(), key=lambda pair: -pair[1]):
        resource = get_resource(type_)
        label = resource.label if count == 1 else resource.plural_label
        parts.append(f"{count:,} {label if label[:2].isupper() else label.lower()}")
    if not parts:
        return "Nothing changed"
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{listed} changed"


def change_line(change: Change) -> list[str]:
    """One change of a sync in words (the updated fields, or the quantity a record came or went with)."""
    if change.event == "update":
        return change_words(change.type, change.changes) or ["updated"]
    quantity = change.attributes.get("quantity")
    return [f"{_EVENTS[change.event]}" + (f", quantity {value_words(quantity)}" if quantity is not None else "")]


def record_name(
    records: Records,
    type_: str,
    record_id: str,
    attributes: Mapping[str, Any] | None = None,
    relationships: Mapping[str, Any] | None = None,
) -> str:
    """A record by name: its own name or code, else the names of the records it belongs to ("TSHIRT-M at Milan"
    for a stock item), else its id. ``attributes``/``relationships`` stand in for a record no longer cached."""
    if attributes is None or relationships is None:
        cached = records.get(type_, record_id)
        attributes = attributes if attributes is not None else (cached.attributes if cached else {})
        relationships = relationships if relationships is not None else (cached.relationships if cached else {})
    own = attributes.get("name") or attributes.get("code") or attributes.get("sku_code")
    if own:
        return str(own)
    resource = get_resource(type_)
    parts: list[tuple[bool, str]] = []
    for link in resource.to_one:
        target_id = relationships.get(link.name)
        if not isinstance(target_id, str):
            continue
        target = records.get(link.target, target_id) if link.target != resource.type else None
        if target is not None:
            called = target.attributes.get("code") or target.attributes.get("name")
            if called:
                parts.append(("location" in link.target, str(called)))
    # A stock item reads "TSHIRT-M at Milan": what is stored first, where it is stored last.
    parts.sort(key=lambda part: part[0])
    return " at ".join(name for _, name in parts[:2]) if parts else record_id
