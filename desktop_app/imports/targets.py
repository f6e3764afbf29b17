"""The records a spreadsheet cell may name: a stock location by id, code or name, a SKU by code (or id).

People write what they see (the location's name, the SKU's code), in whatever case; the cache knows ids. Each
target type is read once into dictionaries; a name two records share is refused rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.schema import get_resource
from desktop_app.store import RecordStore

#: Attributes a cell may name a record by, after its id, in the order they are tried.
NAMING_ATTRIBUTES = ("code", "name")


@dataclass(frozen=True)
class Targets:
    """The records of one type by id, and by each naming attribute (case-folded); ``None`` marks a shared name."""

    type: str
    label: str
    ids: frozenset[str]
    by_name: dict[str, dict[str, str | None]]

    @classmethod
    def of(cls, records: RecordStore, type_: str) -> Targets:
        resource = get_resource(type_)
        attributes = [a for a in NAMING_ATTRIBUTES if a in resource.fields]
        by_name: dict[str, dict[str, str | None]] = {a: {} for a in attributes}
        ids: set[str] = set()
        for record_id, *values in records.columns(type_, attributes):
            ids.add(record_id)
            for attribute, value in zip(attributes, values, strict=True):
                if isinstance(value, str) and value.strip():
                    folded = value.strip().casefold()
                    table = by_name[attribute]
                    table[folded] = None if folded in table and table[folded] != record_id else record_id
        return cls(resource.type, spoken(resource.label), frozenset(ids), by_name)

    def find(self, text: str) -> str | None:
        """The id of the one record ``text`` names, or ``None`` (unknown, or a name several records share)."""
        written = text.strip()
        if written in self.ids:
            return written
        folded = written.casefold()
        for table in self.by_name.values():
            if folded in table:
                return table[folded]
        return None

    def reason(self, text: str) -> str:
        """Why ``text`` names no single record, as the preview shows it."""
        written = text.strip()
        if not written:
            return f"missing {self.label}"
        folded = written.casefold()
        for attribute, table in self.by_name.items():
            if folded in table and table[folded] is None:
                return f"ambiguous {self.label}: several share the {attribute} {written!r}"
        return f"unknown {self.label} {written!r}"


def spoken(label: str) -> str:
    """A type's label inside a sentence: "stock location", but "SKU"."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]
