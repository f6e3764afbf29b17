"""The two names of stock levels: the path a client calls decides the ``type`` it reads back.

Commerce Layer renamed ``stock_levels`` to ``inventory_stock_locations`` in 2020; the seed pages use the old name.
Both paths serve the same records, and the has-many relationship pointing at them is offered under both names
(``inventory_models/<id>/stock_levels`` as in the seed pages, ``…/inventory_stock_locations`` as today).
"""

from __future__ import annotations

from functools import cache

from desktop_app.schema import LEGACY_STOCK_LEVELS, STOCK_LEVELS, TYPE_ALIASES, Resource, get_resource, resources

#: Path segment → canonical type, for every type the sandbox serves.
PATH_TYPES: dict[str, str] = {t: t for t in resources()} | TYPE_ALIASES


def canonical_relationship(resource: Resource, name: str) -> str | None:
    """The catalogue's relationship name for ``name`` as a client wrote it, or ``None`` if there is none."""
    rel = resource.relationship_named(name)
    return rel.name if rel is not None else None


@cache
def relationship_names(type_: str, legacy: bool = False) -> tuple[tuple[str, str], ...]:
    """``(shown name, catalogue name)`` for every relationship a document of ``type_`` lists: the catalogue's
    names, and ``stock_levels`` beside ``inventory_stock_locations`` only for a client that asked for it by that
    name (``legacy``), since today's API lists no such relationship."""
    resource = get_resource(type_)
    out: list[tuple[str, str]] = []
    for name, rel in resource.relationships.items():
        out.append((name, name))
        if legacy and rel.target == STOCK_LEVELS and not rel.to_one:
            out.append((LEGACY_STOCK_LEVELS, name))
    return tuple(out)


def shown_type(canonical: str, via_name: str) -> str:
    """The ``type`` to print for a record reached through the path segment or relationship name ``via_name``."""
    if canonical == STOCK_LEVELS and via_name == LEGACY_STOCK_LEVELS:
        return LEGACY_STOCK_LEVELS
    return canonical


def resource_for_path(segment: str) -> Resource | None:
    canonical = PATH_TYPES.get(segment)
    return get_resource(canonical) if canonical else None
