"""One field set on many records at once (a table's selection, or every row its filters leave): the same preview
as an import, so the manager reads every old → new and every refusal before anything is queued.

Which fields can be set this way comes from the resource description: the writable numbers, yes/no fields and
choices of a type, and the metadata keys its table edits in place (a stock item's reorder point); a number can also
be raised or lowered by an amount. The records are read in a worker thread through :class:`CacheReader`, only the
columns compared, so all 100,000 filtered rows of a table cost a few statements, not 100,000 decoded records.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from desktop_app.imports.names import RecordNames
from desktop_app.imports.preview import Change, Preview, RowError
from desktop_app.imports.targets import spoken
from desktop_app.schema import Field, FieldError, app_type, coerce, get_resource, parse_text, read_text
from desktop_app.store.reader import CacheReader


@dataclass(frozen=True)
class BulkField:
    """A field a bulk edit may set: an attribute, or a key of the metadata (``attribute`` is then ``metadata``)."""

    resource: str
    key: str
    label: str
    type: str
    attribute: str
    metadata_key: str | None = None
    choices: tuple[str, ...] | None = None

    @property
    def numeric(self) -> bool:
        return self.type in ("integer", "float")

    @property
    def spec(self) -> Field | None:
        """The catalogue's field behind it (``None`` for a metadata key)."""
        return None if self.metadata_key else get_resource(self.resource).fields[self.attribute]

    @property
    def column(self) -> str:
        """What :meth:`CacheReader.rows_of` reads for the current value."""
        return f"metadata.{self.metadata_key}" if self.metadata_key else self.attribute


def bulk_fields(type_: str) -> tuple[BulkField, ...]:
    """The fields a bulk edit of ``type_`` offers, in the description's order (none for a type the window does
    not edit)."""
    resource = get_resource(type_)
    entry = app_type(resource.type)
    if not entry.window_edits:
        return ()
    fields = [
        BulkField(resource.type, f.name, f.label, f.type, f.name, choices=f.enum)
        for f in resource.fields.values()
        if f.updatable and not f.trigger and (f.type in ("integer", "float", "boolean") or f.enum)
    ]
    fields += [
        BulkField(resource.type, c.key, c.label, c.type, "metadata", metadata_key=c.metadata_key)
        for c in entry.derived
        if c.metadata_key and c.inline_edit
    ]
    return tuple(fields)


@dataclass(frozen=True)
class BulkChange:
    """Set ``field`` to ``value`` on every record, or with ``add`` raise it by ``value`` (lower when negative)."""

    field: BulkField
    value: Any
    add: bool = False

    def batch_name(self, count: int, plural: str) -> str:
        """How the batch is named in Pending edits: "Set on hold for 12 stock levels", "Add 5 to quantity of…"."""
        what = self.field.label.lower()
        records = f"{count:,} {spoken(plural) if count != 1 else spoken(plural).rstrip('s')}"
        if self.add:
            verb = "Add" if self.value >= 0 else "Subtract"
            joint = "to" if self.value >= 0 else "from"
            return f"{verb} {abs(self.value):,} {joint} {what} of {records}"
        if self.field.type == "boolean":
            return f"{'Set' if self.value else 'Clear'} {what} for {records}"
        return f"Set {what} to {_text(self.value)} for {records}"


def parse_change(field: BulkField, text: str, *, add: bool = False, subtract: bool = False) -> BulkChange:
    """What the person typed for ``field``, read by its rules; a :class:`FieldError` naming the field otherwise.
    An amount to add or subtract is a number; an empty value clears a metadata key."""
    if field.metadata_key is not None and not (add or subtract):
        from desktop_app.inventory import parse_threshold

        return BulkChange(field, parse_threshold(text, field.metadata_key))
    spec = field.spec
    if field.type == "integer":  # "1,200" is how people write twelve hundred
        text = text.strip().replace(",", "").replace("_", "")
    if add or subtract:
        if not text.strip():
            raise FieldError(field.key, "needs an amount", "blank")
        try:
            amount = parse_text(spec, text) if spec is not None else _whole_number(field, text)
        except FieldError as error:
            kind = "whole number" if field.type == "integer" else "number"
            raise FieldError(field.key, f"the amount must be a {kind}, not {text.strip()!r}", error.code) from None
        return BulkChange(field, -amount if subtract else amount, add=True)
    assert spec is not None
    value = read_text(field.resource, spec, text)
    if value is None and spec.required:
        raise FieldError(field.key, "can't be blank", "blank")
    app_type(field.resource).check({field.attribute: value})  # a quantity below zero: said now, not per record
    return BulkChange(field, value)


def _whole_number(field: BulkField, text: str) -> int:
    cleaned = text.strip().replace(",", "").replace("_", "")
    sign = -1 if cleaned.startswith("-") else 1
    digits = cleaned.lstrip("+-")
    if not digits.isascii() or not digits.isdigit():
        raise FieldError(field.key, f"not a whole number: {text.strip()!r}", "not_an_integer")
    return sign * int(digits)


def _text(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return f"{value:,}"
    return str(value)


def build_bulk_preview(
    reader: CacheReader, type_: str, change: BulkChange, *, ids: Sequence[str] = (), rowids: Sequence[int] = ()
) -> Preview:
    """What ``change`` would do to the records named by ``ids`` or table ``rowids``: one update per record whose
    value differs, an error naming the record where the result is refused (a quantity that would go negative)."""
    resource = get_resource(type_)
    entry = app_type(resource.type)
    field = change.field
    names = RecordNames.of(reader.records, resource.type)
    read = [field.column, "metadata"] if field.metadata_key else [field.column]
    rows = reader.rows_of(resource.type, [*read, *names.columns], ids=ids, rowids=rowids)
    first_name = 1 + len(read)
    preview = Preview(resource.type, rows=len(rows))
    spec = field.spec
    for position, row in enumerate(rows, start=1):
        record_id, old = str(row[0]), row[1]
        label = names.label(record_id, row[first_name:])
        if field.type == "boolean" and old is not None:
            old = bool(old)
        if field.metadata_key:
            from desktop_app.inventory import read_threshold

            old = read_threshold(old)
        try:
            new = _new_value(change, old)
            if spec is not None and field.metadata_key is None:
                new = coerce(spec, new)
                entry.check({field.attribute: new})
        except FieldError as error:
            reason = _reason(change, old, error)
            preview.errors.append(RowError(position, field.label, reason, record=label))
            preview.error_lines.add(position)
            continue
        if new == old:
            preview.unchanged += 1
            continue
        values: dict[str, tuple[Any, Any]] = {field.attribute: (old, new)}
        if field.metadata_key:
            values = {"metadata": (None, _with_key(row[2], field.metadata_key, new))}
        shown = ((field.label, old, new),)
        preview.changes.append(Change(position, label, record_id, values, {}, shown=shown))
    return preview


def _new_value(change: BulkChange, old: Any) -> Any:
    if not change.add:
        return change.value
    return (old or 0) + change.value


def _reason(change: BulkChange, old: Any, error: FieldError) -> str:
    if change.add and error.code == "greater_than_or_equal_to":
        sign = "+" if change.value >= 0 else "−"
        result = (old or 0) + change.value
        shown = f"−{abs(result):,}" if result < 0 else f"{result:,}"
        return f"negative result: {old or 0:,} {sign} {abs(change.value):,} = {shown}"
    return error.message


def _with_key(metadata_text: Any, key: str, value: Any) -> dict[str, Any]:
    """The record's metadata as the cache holds it, with only ``key`` changed (Commerce Layer replaces the whole
    object on an update, so every other key is sent as it was)."""
    from desktop_app.inventory import with_threshold

    metadata = json.loads(metadata_text) if isinstance(metadata_text, str) else metadata_text
    return with_threshold(metadata if isinstance(metadata, dict) else {}, key, value)
