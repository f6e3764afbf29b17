"""Which resources Stockroom keeps offline, in which order, and which relationships a listing must include.

A JSON:API listing only fills ``relationships.<name>.data`` for included relationships, so the sync asks for the
to-one links it needs (a stock item's SKU and location) and the cache stores their ids.
"""

from __future__ import annotations

from desktop_app.schema import canonical_type, get_resource

#: Synced by default, referenced types first so a window opening mid-sync finds what rows point at.
SYNC_TYPES: tuple[str, ...] = (
    "stock_locations",
    "skus",
    "inventory_models",
    "inventory_stock_locations",
    "stock_items",
    "reserved_stocks",
)

#: Names the command line accepts for RESOURCE (``stock_levels`` is today's ``inventory_stock_locations``).
EDITABLE_NAMES: tuple[str, ...] = ("inventory_models", "stock_levels", "stock_items", "stock_locations", "skus")

#: One-to-one links recorded on the other side: a stock item's reserved stock is found from the reserved stock.
_NOT_INCLUDED: dict[str, frozenset[str]] = {"stock_items": frozenset({"reserved_stock"})}


def includes(type_: str) -> list[str]:
    """The to-one relationships a listing of ``type_`` includes, so their ids reach the cache."""
    resource = get_resource(type_)
    skipped = _NOT_INCLUDED.get(resource.type, frozenset())
    return [r.name for r in resource.to_one if r.includable and r.name not in skipped]


def resolve_types(names: str | list[str] | tuple[str, ...] | None) -> list[str]:
    """Canonical types for ``--resources a,b`` (``None`` or empty: everything synced by default), in sync order."""
    if not names:
        return list(SYNC_TYPES)
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    chosen: list[str] = []
    for name in names:
        try:
            type_ = canonical_type(name)
        except KeyError:
            from desktop_app.errors import UsageError

            known = ", ".join((*EDITABLE_NAMES, "reserved_stocks"))
            raise UsageError(f"resources - unknown resource {name!r} (one of {known})") from None
        if type_ not in chosen:
            chosen.append(type_)
    order = {t: i for i, t in enumerate(SYNC_TYPES)}
    return sorted(chosen, key=lambda t: order.get(t, len(order)))
