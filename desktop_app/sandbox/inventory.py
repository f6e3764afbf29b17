"""Inventory behaviour that is more than storing fields: SKU availability, server-set values, and the door to the
rules of stock transfers (:mod:`desktop_app.sandbox.transfers`).

SKU ``inventory`` rule (a sandbox has no markets, so every inventory model counts as in scope): for each inventory
model, its stock levels are taken in priority order (smaller number first, ties by creation) and only the first
``stock_locations_cutoff`` count; a stock location reached through several models counts once, at its best
position. Each counted location with a stock item of the SKU gives one level whose quantity is the stock item's
quantity net of its reserved stock; ``quantity`` is their sum and ``available`` is ``quantity > 0`` or
``do_not_track``. A level carries only what Commerce Layer's does: its quantity and delivery lead times (none here,
the sandbox has no shipping methods), in priority order.
"""

from __future__ import annotations

from typing import Any

from desktop_app.sandbox import transfers
from desktop_app.sandbox.errors import ApiError, ErrorObject, field_problem
from desktop_app.sandbox.stamps import defaults, timestamp
from desktop_app.sandbox.storage import Effects, Record, Store

__all__ = ["apply_triggers", "defaults", "on_delete", "problems", "server_values", "single_extra", "timestamp"]


def server_values(store: Store, record: Record, creating: bool) -> None:
    """Values the server computes: stock location and transfer numbers, the address summary strings."""
    values = record.attributes
    if record.type == "stock_locations" and creating:
        numbers = [r.attributes.get("number") or 0 for r in store.table("stock_locations").values()]
        values["number"] = max(numbers, default=0) + 1
    if record.type == "stock_transfers" and creating:
        transfers.assign_number(store, record)
    if record.type == "addresses":
        person = " ".join(p for p in (values.get("first_name"), values.get("last_name")) if p)
        full_name = values.get("company") if values.get("business") else person
        place = " ".join(str(p) for p in (values.get("zip_code"), values.get("city"), values.get("state_code")) if p)
        street = ", ".join(p for p in (values.get("line_1"), values.get("line_2")) if p)
        full_address = f"{street}, {place} ({values.get('country_code')}) {values.get('phone') or ''}".strip()
        values["full_name"] = full_name or None
        values["full_address"] = full_address
        values["name"] = f"{full_name or ''}, {street}, {place} ({values.get('country_code')})".strip(", ")


def apply_triggers(store: Store, old: Record, new: Record, triggers: dict[str, bool]) -> Effects:
    """Run the switched-on triggers of a PATCH and the rules of the change; returns the other records it touched."""
    if new.type == "stock_transfers":
        return transfers.apply_change(store, old, new, triggers)
    if new.type == "stock_items" and triggers.get("_validate"):
        reserved = store.related(old, "reserved_stock")
        held = reserved[0].attributes.get("quantity") or 0 if reserved else 0
        if (new.attributes.get("quantity") or 0) < held:
            message = f"must be greater than or equal to the reserved quantity ({held})"
            raise ApiError([field_problem("quantity", message, "less_than_reserved", "/data/attributes/quantity")])
    return Effects()


def on_delete(store: Store, record: Record) -> Effects:
    """What deleting ``record`` changes elsewhere (a transfer on its way gives back its reservation)."""
    if record.type == "stock_transfers":
        return transfers.on_delete(store, record)
    return Effects()


def problems(record: Record) -> list[ErrorObject]:
    """Rules of a type beyond required fields and uniqueness, checked on create and update."""
    if record.type == "stock_transfers":
        return transfers.problems(record)
    return []


def sku_inventory(store: Store, sku: Record) -> dict[str, Any]:
    """The ``inventory`` attribute of a single SKU retrieve (rule in the module docstring)."""
    best: dict[str, tuple[int, int, int]] = {}
    for model_index, model in enumerate(store.table("inventory_models").values()):
        levels = store.related(model, "inventory_stock_locations")
        ordered = sorted(enumerate(levels), key=lambda pair: (pair[1].attributes.get("priority") or 0, pair[0]))
        cutoff = model.attributes.get("stock_locations_cutoff") or 2
        for position, (_, level) in enumerate(ordered[:cutoff]):
            location_id = level.relationships.get("stock_location")
            rank = (level.attributes.get("priority") or 0, model_index, position)
            if location_id and (location_id not in best or rank < best[location_id]):
                best[location_id] = rank
    items = {i.relationships.get("stock_location"): i for i in store.related(sku, "stock_items")}
    levels_out: list[dict[str, Any]] = []
    for location_id in sorted(best, key=best.__getitem__):
        item = items.get(location_id)
        location = store.get("stock_locations", location_id)
        if item is None or location is None:
            continue
        reserved = store.related(item, "reserved_stock")
        held = reserved[0].attributes.get("quantity") or 0 if reserved else 0
        levels_out.append({"quantity": (item.attributes.get("quantity") or 0) - held, "delivery_lead_times": []})
    total = sum(level["quantity"] for level in levels_out)
    available = total > 0 or bool(sku.attributes.get("do_not_track"))
    return {"available": available, "quantity": total, "levels": levels_out}


def single_extra(store: Store, record: Record) -> dict[str, Any]:
    """Attributes only a single retrieve carries."""
    if record.type == "skus":
        return {"inventory": sku_inventory(store, record)}
    return {}
