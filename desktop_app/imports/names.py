"""Records as a person knows them, for many records at once: its own name or code, else what it joins
("TSHIRT-M at Warehouse Milan").

The window names one record from its lookups; a bulk preview names 100,000, so the names of each related type
are read once into a dictionary and every record's to-one ids are read as plain columns beside the values
compared, not decoded records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.schema import app_type, get_resource, lookup_types
from desktop_app.store import RecordStore


@dataclass(frozen=True)
class RecordNames:
    """How to name records of one type: by an own attribute, or by the related records it joins."""

    type: str
    own: tuple[str, ...]
    joined: tuple[tuple[str, dict[str, str]], ...]

    @classmethod
    def of(cls, records: RecordStore, type_: str) -> RecordNames:
        resource = get_resource(type_)
        own = tuple(a for a in ("name", "code") if a in resource.fields)
        joined: list[tuple[str, dict[str, str]]] = []
        if not own:
            # People say what first, then where: "SKU at place" (the API lists the location first).
            for rel in reversed(resource.to_one):
                if rel.target in lookup_types():
                    joined.append((rel.name, _names_of(records, rel.target, app_type(type_).leading, rel.name)))
        return cls(resource.type, own, tuple(joined))

    @property
    def columns(self) -> tuple[str, ...]:
        """What to read of each record to name it (:meth:`label` takes these values in this order)."""
        return self.own or tuple(rel for rel, _ in self.joined)

    def label(self, record_id: object, values: Sequence[object]) -> str:
        """A record's name from its :attr:`columns` (its id when nothing names it)."""
        if self.own:
            label = next((str(v) for v in values if v), "")
        else:
            parts = [names.get(str(v), "") for (_, names), v in zip(self.joined, values, strict=True)]
            label = " at ".join(p for p in parts if p)
        return label or str(record_id)


def _names_of(records: RecordStore, target: str, leading: Sequence[str], relationship: str) -> dict[str, str]:
    """Every record of ``target`` by id: by the attribute the table shows first for ``relationship`` (a stock item's
    SKU by code, its location by name), else by name, else by code."""
    fields = get_resource(target).fields
    shown = [key.split(".", 1)[1] for key in leading if key.startswith(relationship + ".")]
    order = [a for a in (*shown, "name", "code") if a in fields]
    attributes = list(dict.fromkeys(order))
    out: dict[str, str] = {}
    for record_id, *values in records.columns(target, attributes):
        out[str(record_id)] = next((str(v) for v in values if v), str(record_id))
    return out
