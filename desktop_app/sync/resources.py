"""Which resources a sync keeps offline, in which order, and which relationships a listing must include.

Both come from the application's view of each type (:mod:`desktop_app.schema.app`). A JSON:API listing only fills
``relationships.<name>.data`` for included relationships, so the sync asks for the to-one links it needs (a stock
item's SKU and location) and the cache stores their ids.
"""

from __future__ import annotations

from desktop_app.schema import app_type, canonical_type, get_resource, synced_types


def includes(type_: str) -> list[str]:
    """The to-one relationships a listing of ``type_`` includes, so their ids reach the cache."""
    resource = get_resource(type_)
    skipped = app_type(resource.type).not_included
    return [r.name for r in resource.to_one if r.includable and r.name not in skipped]


def lean_fields(type_: str) -> dict[str, list[str]] | None:
    """Included records are wanted only for their ids: ask for no attributes of them (smaller pages)."""
    resource = get_resource(type_)
    targets = {resource.relationship(name).target for name in includes(type_)}
    return {target: ["id"] for target in sorted(targets) if target != resource.type} or None


def resolve_types(names: str | list[str] | tuple[str, ...] | None) -> list[str]:
    """Canonical types for ``--resources a,b`` (``None`` or empty: everything synced by default), in sync order."""
    if not names:
        return list(synced_types())
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    chosen: list[str] = []
    for name in names:
        try:
            type_ = canonical_type(name)
        except KeyError:
            from desktop_app.errors import UsageError

            known = ", ".join(app_type(t).name for t in synced_types())
            raise UsageError(f"resources - unknown resource {name!r} (one of {known})") from None
        if type_ not in chosen:
            chosen.append(type_)
    order = {t: i for i, t in enumerate(synced_types())}
    return sorted(chosen, key=lambda t: order.get(t, len(order)))
