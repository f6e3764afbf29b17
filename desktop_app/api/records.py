"""JSON:API responses read into plain records with typed attributes and relationship ids.

Records always carry the canonical type (``inventory_stock_locations`` even when the server spoke ``stock_levels``),
so the rest of the application never learns which dialect a server uses.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from desktop_app.schema import Field, FieldError, coerce, get_resource

log = logging.getLogger("desktop_app.api")

RelationshipValue = str | list[str] | None


@dataclass
class Record:
    """One resource object: attributes coerced to the catalogue's types, relationships as ids.

    ``relationships`` holds only the relationships whose ``data`` the server filled (those it was asked to include,
    or that it always fills); an absent key means "not known", ``None`` means "empty".
    """

    type: str
    id: str
    attributes: dict[str, Any] = field(default_factory=dict)
    relationships: dict[str, RelationshipValue] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def updated_at(self) -> str | None:
        value = self.attributes.get("updated_at")
        return value if isinstance(value, str) else None

    @property
    def key(self) -> tuple[str, str]:
        return (self.type, self.id)


@dataclass
class Page:
    """One page of a list; ``included`` maps ``(type, id)`` to the records the server sent alongside."""

    records: list[Record]
    included: dict[tuple[str, str], Record]
    record_count: int
    page_count: int
    number: int

    def related(self, record: Record, relationship: str) -> Record | list[Record] | None:
        """The included record(s) a relationship of ``record`` points at (``None`` when not included)."""
        value = record.relationships.get(relationship)
        try:
            target = get_resource(record.type).relationship(relationship).target
        except KeyError:
            return None
        target = canonical(target)
        if isinstance(value, list):
            return [self.included[(target, i)] for i in value if (target, i) in self.included]
        if value is None:
            return None
        return self.included.get((target, value))


@cache
def canonical(type_: str) -> str:
    """The canonical name of a wire type; types the catalogue does not know pass through unchanged."""
    try:
        return get_resource(type_).type
    except KeyError:
        return type_


Check = Callable[[Any], bool]


def _exact(kind: type) -> Check:
    return lambda value: type(value) is kind


def _never(value: Any) -> bool:
    return False


def _check_for(spec: Field) -> Check:
    """A cheap test that a value is already in its canonical form, so :func:`coerce` can be skipped (a list of
    10,000 records is almost entirely such values)."""
    kind = spec.type
    if kind == "integer" and spec.minimum is None and spec.maximum is None:
        return _exact(int)
    if kind == "boolean":
        return _exact(bool)
    if kind == "float":
        return _exact(float)
    if kind == "string" and spec.enum is None:
        return _exact(str)
    if kind == "object":
        return _exact(dict)
    if kind == "array":
        return _exact(list)
    if kind == "datetime":
        return _canonical_time
    return _never


def _canonical_time(value: Any) -> bool:
    """``2018-01-01T12:00:00.000Z``'s shape: separators in place (a digit that is not one fails :func:`coerce` too,
    and such a value is kept as sent either way)."""
    return type(value) is str and len(value) == 24 and value[19] == "." and value[23] == "Z" and value[10] == "T"


@cache
def _checks(type_: str) -> dict[str, tuple[Field, Check]]:
    try:
        fields = get_resource(type_).fields
    except KeyError:
        return {}
    return {name: (spec, _check_for(spec)) for name, spec in fields.items()}


def parse_record(obj: Any) -> Record:
    """Read one JSON:API resource object; raises ``ValueError`` when it is not one."""
    if not isinstance(obj, dict) or not isinstance(obj.get("type"), str) or obj.get("id") is None:
        raise ValueError("a resource object needs a type and an id")
    type_ = canonical(obj["type"])
    raw_attributes = obj.get("attributes") or {}
    attributes: dict[str, Any] = {}
    checks = _checks(type_)
    for name, value in raw_attributes.items():
        entry = checks.get(name)
        if entry is None or value is None or entry[1](value):
            attributes[name] = value
            continue
        try:
            attributes[name] = coerce(entry[0], value)
        except FieldError as error:
            log.debug("%s %s: keeping %s as sent (%s)", type_, obj["id"], name, error.message)
            attributes[name] = value
    relationships: dict[str, RelationshipValue] = {}
    for name, rel in (obj.get("relationships") or {}).items():
        if type(rel) is not dict or "data" not in rel:
            continue
        data = rel["data"]
        if data is None:
            relationships[name] = None
        elif isinstance(data, list):
            relationships[name] = [str(item["id"]) for item in data if isinstance(item, dict) and "id" in item]
        elif isinstance(data, dict) and "id" in data:
            relationships[name] = str(data["id"])
    meta = obj.get("meta")
    return Record(type_, str(obj["id"]), attributes, relationships, meta if type(meta) is dict else {})


def parse_included(body: dict[str, Any]) -> dict[tuple[str, str], Record]:
    included: dict[tuple[str, str], Record] = {}
    for obj in body.get("included") or []:
        record = parse_record(obj)
        included[record.key] = record
    return included


def parse_single(body: Any) -> Record:
    if not isinstance(body, dict):
        raise ValueError("the answer is not a JSON:API document")
    return parse_record(body.get("data"))


def parse_page(body: Any, number: int) -> Page:
    """Read a list answer (``data`` array, ``included``, ``meta.record_count``/``page_count``)."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise ValueError("the answer is not a JSON:API list document")
    records = [parse_record(obj) for obj in body["data"]]
    meta = body.get("meta") or {}
    record_count = int(meta.get("record_count", len(records)))
    page_count = int(meta.get("page_count", 1 if records else 0))
    return Page(records, parse_included(body), record_count, page_count, number)
