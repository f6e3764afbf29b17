"""What importing a spreadsheet would change, judged against the cache before anything is sent.

Every row is matched to a cached record by the type's import key (a stock item by SKU and stock location), its
cells are read with the rules of the field they go to, and the outcome is one of: a create, an update of the
fields that differ, unchanged, or errors naming the line and column. The cache is read once into dictionaries, so
a 10,000-row file against 100,000 cached records costs two passes over plain data, not a query per row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from desktop_app.imports.files import Sheet
from desktop_app.imports.targets import Targets, spoken
from desktop_app.schema import AppType, Field, FieldError, Resource, app_type, get_resource, read_text
from desktop_app.store import CachedRecord, RecordStore

#: Header spellings of a key relationship besides its own name: ``sku_code``, ``stock_location_name``…
_KEY_SUFFIXES = ("id", "code", "name")


@dataclass(frozen=True)
class RowError:
    """Why one cell (or the header, line 1) cannot be imported; in a bulk edit, ``line`` is the record's place in
    the selection and ``record`` names it."""

    line: int
    column: str
    reason: str
    record: str = ""


@dataclass(frozen=True)
class Change:
    """One record the import writes: a create (``record_id`` is ``None``) or an update of ``values``' fields.

    ``values`` maps each field to ``(old, new)``; ``old`` is ``None`` for a create. ``relationships`` are the
    key's targets (set on a create only). ``shown`` is what a person reads instead of ``values`` when they differ
    (a reorder point changed inside the metadata that is sent): ``(label, old, new)`` triples."""

    line: int
    label: str
    record_id: str | None
    values: dict[str, tuple[Any, Any]]
    relationships: dict[str, str]
    shown: tuple[tuple[str, Any, Any], ...] = ()

    @property
    def is_create(self) -> bool:
        return self.record_id is None

    @property
    def attributes(self) -> dict[str, Any]:
        return {name: new for name, (_, new) in self.values.items()}


@dataclass
class Preview:
    """The outcome of every row of one file for one type."""

    type: str
    rows: int = 0
    unchanged: int = 0
    changes: list[Change] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    #: Lines holding at least one error (a row is counted once, however many of its cells are wrong).
    error_lines: set[int] = field(default_factory=set)

    @property
    def creates(self) -> list[Change]:
        return [c for c in self.changes if c.is_create]

    @property
    def updates(self) -> list[Change]:
        return [c for c in self.changes if not c.is_create]


@dataclass(frozen=True)
class _Columns:
    """Which header cell feeds which key relationship or field; ``problems`` are the header's own errors."""

    keys: dict[str, int]
    fields: dict[str, tuple[int, Field]]
    problems: list[RowError]


def normalise(name: str) -> str:
    """A header cell as a field name: case, surrounding spaces and inner spaces or dashes do not matter."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _columns(resource: Resource, entry: AppType, header: tuple[str, ...]) -> _Columns:
    keys: dict[str, int] = {}
    fields: dict[str, tuple[int, Field]] = {}
    problems: list[RowError] = []
    aliases = {f"{rel}_{suffix}": rel for rel in entry.import_key for suffix in _KEY_SUFFIXES}
    aliases.update({rel: rel for rel in entry.import_key})
    seen: set[str] = set()
    for index, written in enumerate(header):
        name = normalise(written)
        if not name:
            continue
        target = aliases.get(name, name)
        if target in seen:
            problems.append(RowError(1, written, "the column appears twice"))
            continue
        seen.add(target)
        if target in entry.import_key:
            keys[target] = index
            continue
        spec = resource.fields.get(name)
        if spec is None or name == "id":
            problems.append(RowError(1, written, f"not a field of {spoken(resource.plural_label)}"))
        elif not spec.writable or spec.trigger:
            problems.append(RowError(1, written, "field not writable (the server sets it)"))
        else:
            fields[name] = (index, spec)
    for rel in entry.import_key:
        if rel not in keys:
            label = resource.relationships[rel].label.lower()
            problems.append(RowError(1, rel, f"missing column: every row must name its {label}"))
    if not fields and not problems:
        problems.append(RowError(1, "", "no column to import: name at least one field to set"))
    return _Columns(keys, fields, problems)


def _parsed(spec: Field, entry: AppType, text: str) -> Any:
    """The cell read as the field's value; the reasons read the way a person would say them."""
    try:
        value = read_text(entry.name, spec, text)
        entry.check({spec.name: value})
    except FieldError as error:
        if spec.type in ("integer", "float") and error.code not in ("greater_than_or_equal_to", "not_a_duration"):
            raise FieldError(spec.name, f"not a number: {text.strip()!r}", "not_a_number") from None
        if error.code == "greater_than_or_equal_to":
            raise FieldError(spec.name, f"negative: {text.strip()} ({error.message})", error.code) from None
        raise
    return value


@dataclass(frozen=True)
class _Row:
    """A row whose cells all read: its line, how it is named, its key (target ids) and its values."""

    line: int
    label: str
    key: tuple[str, ...]
    values: dict[str, Any]


def build_preview(records: RecordStore, type_: str, sheet: Sheet) -> Preview:
    """What importing ``sheet`` as records of ``type_`` would do to the cache's ``records``.

    The rows are read first (targets resolved, cells parsed, duplicates found); then the records they match are
    read in a few queries, and only those are decoded."""
    resource = get_resource(type_)
    entry = app_type(resource.type)
    preview = Preview(resource.type, rows=len(sheet.rows))
    columns = _columns(resource, entry, sheet.header)
    if columns.problems:
        preview.errors.extend(columns.problems)
        preview.error_lines.add(1)
        return preview
    rows = _read_rows(records, resource, entry, sheet, columns=columns, preview=preview)
    # Relationship ids are text in the cache, as they are in the keys read from the file. The keys come with each
    # record's row id (from a narrow key table where the type has one); only the matched records are read whole.
    wanted = list({row.key for row in rows})
    handles = {
        tuple(str(v) for v in row[1:]): row[0] for row in records.keys_among(resource.type, entry.import_key, wanted)
    }
    matched = [handles[row.key] for row in rows if row.key in handles]
    found = {record.id: record for record in _records(records, resource.type, matched)}
    by_key = {tuple(str(r.relationships.get(k)) for k in entry.import_key): r for r in found.values()}
    for row in rows:
        errors: list[RowError] = []
        record = by_key.get(row.key) if row.key in handles else None
        outcome = _outcome(
            resource,
            row.line,
            row.label,
            record=None if record is None else (record.id, record.attributes),
            relationships=dict(zip(entry.import_key, row.key, strict=True)),
            values=row.values,
            errors=errors,
        )
        if errors:
            preview.errors.extend(errors)
            preview.error_lines.add(row.line)
        elif outcome is None:
            preview.unchanged += 1
        else:
            preview.changes.append(outcome)
    preview.errors.sort(key=lambda e: e.line)
    return preview


def _read_rows(
    records: RecordStore, resource: Resource, entry: AppType, sheet: Sheet, *, columns: _Columns, preview: Preview
) -> list[_Row]:
    """The rows whose every cell reads; the others' errors go to ``preview``."""
    targets = {rel: Targets.of(records, resource.relationships[rel].target) for rel in entry.import_key}
    key_names = " and ".join(sheet.header[i] for i in columns.keys.values())
    first_line: dict[tuple[str, ...], int] = {}
    rows: list[_Row] = []
    for line, cells in sheet.rows:
        errors: list[RowError] = []
        key: list[str] = []
        label = " at ".join(cells[i].strip() for i in columns.keys.values() if cells[i].strip())
        for rel, index in columns.keys.items():
            found = targets[rel].find(cells[index])
            if found is not None:
                key.append(found)
            else:
                errors.append(RowError(line, sheet.header[index], targets[rel].reason(cells[index]), label))
        values: dict[str, Any] = {}
        for name, (index, spec) in columns.fields.items():
            if not cells[index].strip():
                continue  # an empty cell leaves the field as it is
            try:
                values[name] = _parsed(spec, entry, cells[index])
            except FieldError as error:
                errors.append(RowError(line, sheet.header[index], error.message, label))
        record_key = tuple(key)
        if not errors and record_key in first_line:
            reason = f"duplicate key in the file: the same {key_names} as line {first_line[record_key]:,}"
            errors.append(RowError(line, key_names, reason, label))
        if errors:
            preview.errors.extend(errors)
            preview.error_lines.add(line)
            continue
        first_line[record_key] = line
        rows.append(_Row(line, label, record_key, values))
    return rows


#: Records read per query: each batch is decoded in one `json.loads` call holding the interpreter lock, so small
#: batches keep a window computing the preview in a thread responsive.
_CHUNK = 1000


def _records(records: RecordStore, type_: str, rowids: list[int]) -> list[CachedRecord]:
    found: list[CachedRecord] = []
    for start in range(0, len(rowids), _CHUNK):
        found.extend(records.by_rowid(type_, rowids[start : start + _CHUNK]))
    return found


def _outcome(
    resource: Resource,
    line: int,
    label: str,
    *,
    record: tuple[str, Mapping[str, Any]] | None,
    relationships: dict[str, str],
    values: dict[str, Any],
    errors: list[RowError],
) -> Change | None:
    """The change one valid row makes (``None``: nothing differs); a field the server would refuse is an error."""
    if record is None:
        for name, spec in resource.fields.items():
            if spec.required and spec.creatable and name not in values:
                errors.append(
                    RowError(
                        line, name, f"required for a new {spoken(resource.label)} ({label} is not in the cache)", label
                    )
                )
        for name in values:
            if not resource.fields[name].creatable:
                errors.append(RowError(line, name, "field not writable on a new record", label))
        if errors:
            return None
        return Change(line, label, None, {n: (None, v) for n, v in values.items()}, relationships)
    record_id, attributes = record
    differs = {n: (attributes.get(n), v) for n, v in values.items() if attributes.get(n) != v}
    for name in differs:
        if not resource.fields[name].updatable:
            errors.append(RowError(line, name, "field not writable: it cannot be changed once set", label))
    if errors or not differs:
        return None
    return Change(line, label, record_id, differs, {})
