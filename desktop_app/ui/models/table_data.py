"""Column-wise storage of a table's rows: one plain list per column, no Python object per row.

A cache of 100,000 stock items must open in a blink and sort in well under a frame budget of the person's patience;
a list per column keeps ``data()`` to two list lookups, sorting to one ``sorted`` over indices, and memory to what
the values themselves weigh. Rows have a fixed *physical* slot; ``order`` maps what the view shows to those slots.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from desktop_app.schema import Column
from desktop_app.store.columns import ColumnData
from desktop_app.ui.models.lookups import Lookups, RecordLike


@dataclass
class SlotRecord:
    """One row taken out of a :class:`TableData` (enough for another table to show it)."""

    id: str
    attributes: dict[str, Any]
    relationships: dict[str, Any]
    pending: bool = False


class TableData:
    """The values of one resource's rows, column by column, plus their ids, relationships and pending marks."""

    def __init__(self, columns: Sequence[Column], relationship_names: Sequence[str]) -> None:
        self.columns = tuple(columns)
        self.relationship_names = tuple(relationship_names)
        self.ids: list[str] = []
        self.values: list[list[Any]] = [[] for _ in self.columns]
        self.relationships: dict[str, list[Any]] = {name: [] for name in self.relationship_names}
        self.pending: set[int] = set()
        self.order: list[int] = []
        self.slot_of: dict[str, int] = {}
        self._search: list[str] | None = None
        self.total_names = frozenset(name for c in self.columns for name in c.inputs) - {
            c.key for c in self.columns if c.source == "attribute"
        }

    def __len__(self) -> int:
        return len(self.order)

    # -- filling ---------------------------------------------------------------------------------------------
    def _column_values(self, column: Column, records: Sequence[RecordLike], lookups: Lookups) -> list[Any]:
        if column.source == "id":
            return [r.id for r in records]
        if column.source == "attribute":
            key = column.key
            return [r.attributes.get(key) for r in records]
        if column.source == "relationship":
            assert column.relationship and column.target and column.target_attribute
            table = lookups.by_type.get(column.target, {})
            rel, attr = column.relationship, column.target_attribute
            out = []
            for r in records:
                entry = table.get(r.relationships.get(rel))  # type: ignore[arg-type]
                out.append(None if entry is None else entry.get(attr))
            return out
        if column.source == "derived":
            inputs = [
                [lookups.total(name, r.id) for r in records]
                if name in self.total_names
                else [r.attributes.get(name) for r in records]
                for name in column.inputs
            ]
            return [column.value(*row) for row in zip(*inputs, strict=True)] if inputs else [None] * len(records)
        raise KeyError(column.key)

    def append(self, records: Sequence[RecordLike], lookups: Lookups) -> range:
        """Add rows at the end of the current order; returns the view rows they occupy."""
        start_slot = len(self.ids)
        start_row = len(self.order)
        self.ids.extend(r.id for r in records)
        for i, column in enumerate(self.columns):
            self.values[i].extend(self._column_values(column, records, lookups))
        for name in self.relationship_names:
            self.relationships[name].extend(r.relationships.get(name) for r in records)
        for offset, r in enumerate(records):
            self.slot_of[r.id] = start_slot + offset
            if getattr(r, "pending", False):
                self.pending.add(start_slot + offset)
        self.order.extend(range(start_slot, start_slot + len(records)))
        self._search = None
        return range(start_row, start_row + len(records))

    def fill(self, data: ColumnData, lookups: Lookups) -> None:
        """Take columns read straight from the cache (:mod:`desktop_app.store.columns`); derive the rest."""
        self.ids = data.ids
        self.relationships = {
            name: data.relationships.get(name, [None] * len(data.ids)) for name in self.relationship_names
        }
        derived = False  # a column read needs the lookups: related names or totals not in ``data``
        read = {**data.attributes, **data.totals}
        for i, column in enumerate(self.columns):
            related = f"{column.relationship}.{column.target_attribute}"
            if column.source == "id":
                self.values[i] = list(data.ids)
            elif column.source == "attribute":
                self.values[i] = data.attributes[column.key]
            elif column.source == "relationship" and related in data.related:
                self.values[i] = data.related[related]
            elif column.source == "derived" and all(name in read for name in column.inputs):
                inputs = [read[name] for name in column.inputs]
                self.values[i] = [column.value(*row) for row in zip(*inputs, strict=True)]
            else:
                self.values[i] = [None] * len(data.ids)
                derived = True
        if derived:
            self.recompute_relationship_columns(lookups)
        self.pending = set(data.pending)
        self.order = list(range(len(data.ids)))
        self.slot_of = {record_id: slot for slot, record_id in enumerate(data.ids)}
        self._search = None

    def record_at(self, slot: int) -> SlotRecord:
        """A row as a record (attributes from the attribute columns), to move it into another table."""
        attributes = {c.key: self.values[i][slot] for i, c in enumerate(self.columns) if c.source == "attribute"}
        relationships = {name: values[slot] for name, values in self.relationships.items()}
        return SlotRecord(self.ids[slot], attributes, relationships, slot in self.pending)

    def replace(self, slot: int, record: RecordLike, lookups: Lookups) -> None:
        for i, column in enumerate(self.columns):
            self.values[i][slot] = self._column_values(column, [record], lookups)[0]
        for name in self.relationship_names:
            self.relationships[name][slot] = record.relationships.get(name)
        if getattr(record, "pending", False):
            self.pending.add(slot)
        else:
            self.pending.discard(slot)
        self._search = None

    def remove_slot(self, slot: int) -> int:
        """Drop a physical slot; returns the view row it occupied. O(rows), fine for single deletions."""
        row = self.order.index(slot)
        del self.order[row]
        self.order = [s - 1 if s > slot else s for s in self.order]
        removed_id = self.ids.pop(slot)
        for column_values in self.values:
            del column_values[slot]
        for rel_values in self.relationships.values():
            del rel_values[slot]
        self.slot_of.pop(removed_id, None)
        self.slot_of = {rid: (s - 1 if s > slot else s) for rid, s in self.slot_of.items()}
        self.pending = {s - 1 if s > slot else s for s in self.pending if s != slot}
        self._search = None
        return row

    def recompute_relationship_columns(self, lookups: Lookups) -> list[int]:
        """Names of related records or totals changed (a sync of SKUs, of reserved stock): recompute the columns
        showing them, from the stored ids and the attribute columns."""
        changed: list[int] = []
        attributes = {c.key: i for i, c in enumerate(self.columns) if c.source == "attribute"}
        for i, column in enumerate(self.columns):
            if column.source == "relationship":
                assert column.relationship and column.target and column.target_attribute
                table = lookups.by_type.get(column.target, {})
                attr = column.target_attribute
                ids = self.relationships.get(column.relationship, [])
                get = table.get
                self.values[i] = [None if (entry := get(x)) is None else entry.get(attr) for x in ids]
                changed.append(i)
            elif column.source == "derived":
                inputs = [
                    self.values[attributes[name]]
                    if name in attributes
                    else [lookups.totals.get(name, {}).get(x, 0) for x in self.ids]
                    for name in column.inputs
                ]
                self.values[i] = [column.value(*row) for row in zip(*inputs, strict=True)]
                changed.append(i)
        self._search = None
        return changed

    # -- reading ---------------------------------------------------------------------------------------------
    def sorted_order(self, column: int, descending: bool) -> list[int]:
        """A new ``order`` sorted by one column's typed values; empty values last either way; stable."""
        values = self.values[column]
        present = [s for s in self.order if values[s] is not None]
        missing = [s for s in self.order if values[s] is None]
        if present and isinstance(values[present[0]], str):
            present.sort(key=lambda s: values[s].casefold(), reverse=descending)
        elif present and isinstance(values[present[0]], dict | list):
            present.sort(key=lambda s: str(values[s]), reverse=descending)
        else:
            present.sort(key=values.__getitem__, reverse=descending)
        return present + missing

    def search_text(self) -> list[str]:
        """One lower-case line per slot with every visible value, built on the first quick-find and kept."""
        if self._search is None:
            parts = [v for c, v in zip(self.columns, self.values, strict=True) if c.type not in ("object", "array")]
            self._search = [
                "\x1f".join("" if x is None else str(x) for x in row).casefold()
                for row in zip(self.ids, *parts, strict=True)
            ]
        return self._search
