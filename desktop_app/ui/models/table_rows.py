"""One row as a table model holds it, and where each column's value comes from in the cache.

A row is a plain tuple ``(id, pending, *to-one ids, *column values)``: what :meth:`TableQuery.rows` reads for the
rows being painted, and what :func:`record_row` builds from a record in hand (a page from the server, an edit just
made). The model keeps a few thousand of them around the viewport, never a whole table of a million.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from desktop_app.schema import Column, app_type
from desktop_app.store.table_query import Source
from desktop_app.ui.models.lookups import Lookups, RecordLike

Row = tuple[Any, ...]


def source_of(type_: str, column: Column) -> Source:
    """Where ``column``'s value comes from in the cache. Text columns are the ones the quick find searches."""
    if column.source == "id":
        return Source(column.key, "id", text=True)
    if column.source == "attribute":
        return Source(
            column.key,
            "attribute",
            name=column.key,
            text=column.type == "string",
            boolean=column.type == "boolean",
        )
    if column.source == "relationship":
        assert column.relationship and column.target and column.target_attribute
        return Source(
            column.key,
            "related",
            name=column.relationship,
            target=column.target,
            target_attribute=column.target_attribute,
            text=True,
        )
    if column.source == "derived" and column.sql is not None:
        return Source(column.key, "derived", sql=column.sql, inputs=column.inputs, totals=app_type(type_).totals)
    raise ValueError(f"{type_}.{column.key} has no SQL form")


def record_row(columns: Sequence[Column], relationships: Sequence[str], record: RecordLike, lookups: Lookups) -> Row:
    """The row of a record in hand, names and totals (reserved quantities) from the lookups."""
    values: list[Any] = []
    for column in columns:
        if column.source == "id":
            values.append(record.id)
        elif column.source == "attribute":
            values.append(record.attributes.get(column.key))
        elif column.source == "relationship":
            assert column.relationship and column.target and column.target_attribute
            target = record.relationships.get(column.relationship)
            values.append(lookups.value(column.target, target, column.target_attribute))
        elif column.source == "derived":
            names = lookups.totals
            inputs = [
                lookups.total(name, record.id) if name in names else record.attributes.get(name)
                for name in column.inputs
            ]
            values.append(column.value(*inputs))
        else:
            raise KeyError(column.key)
    links = [record.relationships.get(name) for name in relationships]
    return (record.id, bool(getattr(record, "pending", False)), *links, *values)


def sort_key(value: Any) -> Any:
    """How a value of a row in hand sorts (text without regard to case, objects by their text)."""
    if isinstance(value, str):
        return value.casefold()
    if isinstance(value, dict | list):
        return str(value)
    return value


def sorted_keys(rows: dict[int, Row], keys: Sequence[int], offset: int, descending: bool) -> list[int]:
    """``keys`` sorted by the value at ``offset`` of their rows; empty values last either way; stable."""
    present = [k for k in keys if rows[k][offset] is not None]
    missing = [k for k in keys if rows[k][offset] is None]
    present.sort(key=lambda k: sort_key(rows[k][offset]), reverse=descending)
    return present + missing
