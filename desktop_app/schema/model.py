"""The one description of each Commerce Layer resource Stockroom knows.

Everything that needs to know a resource's shape (the sandbox's validation, the client's JSON:API encoding, the
cache schema, the table columns, the edit dialogs, the command line's ``--set``) reads it from here, so each
resource is described once. The facts come from ``catalogue.json``, extracted from Commerce Layer's catalogue.
"""

import json
from functools import cache
from pathlib import Path
from typing import Any, Literal, NamedTuple

from desktop_app.schema.errors import FieldError

FieldType = Literal["string", "integer", "float", "boolean", "datetime", "object", "array"]
RelationshipKind = Literal["has_one", "has_many"]

#: Today's name of the resource the seed pages call ``stock_levels``.
STOCK_LEVELS = "inventory_stock_locations"
#: The seed pages' (pre-2020) name of the same resource.
LEGACY_STOCK_LEVELS = "stock_levels"
#: The two names a server may serve stock levels under, today's first (a client probes which one answers).
STOCK_LEVEL_DIALECTS = (STOCK_LEVELS, LEGACY_STOCK_LEVELS)
#: Older names of a type, and the type they mean today.
TYPE_ALIASES = {LEGACY_STOCK_LEVELS: STOCK_LEVELS}

CATALOGUE = Path(__file__).with_name("catalogue.json")

#: Attributes every resource has and nobody may write.
SERVER_FIELDS = ("id", "created_at", "updated_at")


#: Abbreviations a label spells in capitals ("Suppress ETD", "JWT custom claim", "Image URL").
ACRONYMS = frozenset({"id", "sku", "etd", "jwt", "url", "hs", "pdf", "csv", "api"})


def words(name: str) -> str:
    """An attribute or relationship name as a label: ``suppress_etd`` reads "Suppress ETD", ``sku_code`` "SKU code"."""
    parts = [p.upper() if p in ACRONYMS else p for p in name.split("_") if p]
    if not parts:
        return name
    first = parts[0]
    return " ".join([first if first.isupper() else first.capitalize(), *parts[1:]])


class Field(NamedTuple):
    """One attribute of a resource, as the catalogue states it."""

    name: str
    type: FieldType
    description: str
    creatable: bool
    updatable: bool
    filterable: bool
    sortable: bool
    trigger: bool
    required: bool
    required_when: tuple[str, Any] | None = None
    enum: tuple[str, ...] | None = None
    minimum: int | None = None
    maximum: int | None = None
    default: Any = None
    format: str | None = None
    single_retrieve_only: bool = False
    #: Written, never stored nor returned (an import's ``inputs``).
    transient: bool = False

    @property
    def writable(self) -> bool:
        return self.creatable or self.updatable

    @property
    def label(self) -> str:
        return words(self.name)


class Relationship(NamedTuple):
    """One relationship of a resource; ``target`` is the JSON:API type it points at."""

    name: str
    kind: RelationshipKind
    target: str
    description: str
    creatable: bool
    updatable: bool
    filterable: bool
    sortable: bool
    includable: bool
    required: bool
    required_unless: str | None = None

    @property
    def to_one(self) -> bool:
        return self.kind == "has_one"

    @property
    def label(self) -> str:
        return words(self.name)


class Transition(NamedTuple):
    """What one trigger attribute does to a record's state: the states it may leave, the one it enters, and the
    timestamp attribute it sets (``None`` when the catalogue has none for that state)."""

    trigger: str
    sources: frozenset[str]
    target: str
    stamp: str | None


class StateMachine(NamedTuple):
    """A resource's life cycle, so the server that enforces it and the screens that offer it read one table."""

    field: str
    initial: str
    transitions: dict[str, Transition]

    def allowed(self, state: str) -> tuple[Transition, ...]:
        """The transitions a record in ``state`` may take, in the order the life cycle usually runs."""
        return tuple(t for t in self.transitions.values() if state in t.sources)


class Resource(NamedTuple):
    """A resource type: its fields, relationships, actions and legal filter keys."""

    type: str
    singular: str
    label: str
    plural_label: str
    actions: frozenset[str]
    cacheable: bool
    fields: dict[str, Field]
    relationships: dict[str, Relationship]
    filters: tuple[str, ...]
    #: The life cycle driven by trigger attributes (stock transfers), if the resource has one.
    states: StateMachine | None
    #: Relationships to types Stockroom does not keep (a SKU's ``tags``, a stock item's ``stock_reservations``):
    #: Commerce Layer serves them, so a client may name them, but no record here ever holds one.
    other_relationships: dict[str, Relationship]

    def can(self, action: str) -> bool:
        return action in self.actions

    def field(self, name: str) -> Field:
        try:
            return self.fields[name]
        except KeyError:
            raise KeyError(f"{self.type} has no attribute {name!r}") from None

    def relationship(self, name: str) -> Relationship:
        try:
            return self.relationships[name]
        except KeyError:
            raise KeyError(f"{self.type} has no relationship {name!r}") from None

    def relationship_named(self, name: str) -> Relationship | None:
        """The relationship a client means by ``name``, accepting the seed pages' ``stock_levels`` for today's
        ``inventory_stock_locations``."""
        if name == LEGACY_STOCK_LEVELS:
            name = STOCK_LEVELS
        return self.relationships.get(name)

    def writable_field(self, name: str, action: str) -> Field:
        """The attribute ``name`` if a client may send it on ``action`` ("create"/"update"), else a FieldError."""
        spec = self.fields.get(name)
        if spec is None or name == "id":
            raise FieldError(name, f"is not a field of {self.plural_label}", "unknown_field")
        if not (spec.creatable if action == "create" else spec.updatable):
            raise FieldError(name, _not_writable(action), "read_only")
        return spec

    def writable_relationship(self, name: str, action: str) -> Relationship:
        """The relationship ``name`` if a client may set it on ``action``, else a FieldError naming it."""
        rel = self.relationships.get(name)
        if rel is None:
            raise FieldError(name, f"is not a relationship of {self.plural_label}", "unknown_field")
        if not (rel.creatable if action == "create" else rel.updatable):
            raise FieldError(name, _not_writable(action), "read_only")
        return rel

    @property
    def attribute_names(self) -> tuple[str, ...]:
        """Attributes a server returns (``id`` travels outside ``attributes``; triggers are write-only)."""
        return tuple(n for n, f in self.fields.items() if n != "id" and not f.trigger and not f.transient)

    @property
    def sortable_fields(self) -> tuple[str, ...]:
        return tuple(n for n, f in self.fields.items() if f.sortable)

    @property
    def to_one(self) -> tuple[Relationship, ...]:
        return tuple(r for r in self.relationships.values() if r.to_one)


def _not_writable(action: str) -> str:
    return "cannot be set on create" if action == "create" else "cannot be changed"


def _field(name: str, spec: dict[str, Any]) -> Field:
    when = spec.get("required_when")
    return Field(
        name=name,
        type=spec["type"],
        description=spec.get("description", ""),
        creatable=spec["creatable"],
        updatable=spec["updatable"],
        filterable=spec["filterable"],
        sortable=spec["sortable"],
        trigger=spec["trigger"],
        required=spec["required"],
        required_when=(when[0], when[1]) if when else None,
        enum=tuple(spec["enum"]) if "enum" in spec else None,
        minimum=spec.get("minimum"),
        maximum=spec.get("maximum"),
        default=spec.get("default"),
        format=spec.get("format"),
        single_retrieve_only=spec.get("single_retrieve_only", False),
        transient=spec.get("transient", False),
    )


def _relationship(name: str, spec: dict[str, Any]) -> Relationship:
    return Relationship(
        name=name,
        kind=spec["kind"],
        target=spec["target"],
        description=spec.get("description", ""),
        creatable=spec["creatable"],
        updatable=spec["updatable"],
        filterable=spec["filterable"],
        sortable=spec["sortable"],
        includable=spec["includable"],
        required=spec["required"],
        required_unless=spec.get("required_unless"),
    )


def _state_machine(spec: dict[str, Any] | None) -> StateMachine | None:
    if spec is None:
        return None
    transitions = {
        trigger: Transition(trigger, frozenset(t["from"]), t["to"], t["stamp"])
        for trigger, t in spec["transitions"].items()
    }
    return StateMachine(spec["field"], spec["initial"], transitions)


@cache
def _catalogue() -> dict[str, Any]:
    """The extracted catalogue beside this module (also where the frozen bundle puts it). A plain path rather than
    importlib.resources, whose import pulls tempfile and zipfile onto the window's start."""
    loaded: dict[str, Any] = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    return loaded


@cache
def resources() -> dict[str, Resource]:
    """All resources by their canonical JSON:API type (``inventory_stock_locations``, not ``stock_levels``)."""
    raw = _catalogue()
    out: dict[str, Resource] = {}
    for type_, spec in raw["resources"].items():
        out[type_] = Resource(
            type=type_,
            singular=spec["singular"],
            label=spec["label"],
            plural_label=spec["plural_label"],
            actions=frozenset(spec["actions"]),
            cacheable=spec["cacheable"],
            fields={name: _field(name, f) for name, f in spec["fields"].items()},
            relationships={name: _relationship(name, r) for name, r in spec["relationships"].items()},
            other_relationships={name: _other(name, r) for name, r in spec["other_relationships"].items()},
            filters=tuple(spec["filters"]),
            states=_state_machine(spec.get("states")),
        )
    return out


def canonical_type(type_or_alias: str) -> str:
    """Map the seed pages' ``stock_levels`` (and the singular forms) to the canonical type."""
    if type_or_alias in TYPE_ALIASES:
        return TYPE_ALIASES[type_or_alias]
    known = resources()
    if type_or_alias in known:
        return type_or_alias
    for resource in known.values():
        if resource.singular == type_or_alias:
            return resource.type
    raise KeyError(f"unknown resource type {type_or_alias!r}")


def get_resource(type_or_alias: str) -> Resource:
    """The description of a resource, accepting ``stock_levels`` as today's ``inventory_stock_locations``."""
    return resources()[canonical_type(type_or_alias)]


class Singleton(NamedTuple):
    """A resource with one record per token, read at ``/api/<name>`` (the organisation, the application): Commerce
    Layer's own tools read both to learn whom a token belongs to."""

    name: str
    type: str
    actions: frozenset[str]
    fields: dict[str, FieldType]


@cache
def singletons() -> dict[str, Singleton]:
    """The catalogue's singletons by path name (``organization``, ``application``)."""
    return {
        name: Singleton(name, spec["type"], frozenset(spec["actions"]), dict(spec["fields"]))
        for name, spec in _catalogue()["singletons"].items()
    }


def _other(name: str, spec: dict[str, Any]) -> Relationship:
    return Relationship(
        name=name,
        kind=spec["kind"],
        target=spec["target"],
        description="",
        creatable=spec["creatable"],
        updatable=spec["updatable"],
        filterable=False,
        sortable=False,
        includable=False,
        required=False,
    )


def schema_version() -> str:
    return str(_catalogue()["schema_version"])
