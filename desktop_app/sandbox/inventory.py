"""Inventory behaviour that is more than storing fields: SKU availability, stock transfer states, server-set values.

SKU ``inventory`` rule (a sandbox has no markets, so every inventory model counts as in scope): for each inventory
model, its stock levels are taken in priority order (smaller number first, ties by creation) and only the first
``stock_locations_cutoff`` count; a stock location reached through several models counts once, at its best
position. Each counted location with a stock item of the SKU gives one level whose quantity is the stock item's
quantity net of its reserved stock; ``quantity`` is their sum and ``available`` is ``quantity > 0`` or
``do_not_track``. Levels also carry ``stock_location`` (id, code, name) so a client can label them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from desktop_app.sandbox.errors import ApiError, field_problem
from desktop_app.sandbox.storage import Record, Store
from desktop_app.schema import format_datetime, get_resource, parse_datetime

#: Stock transfer triggers: the states each may leave, the state it enters, the timestamp it sets (following the
#: order Commerce Layer's dashboard offers: draft → upcoming → picking → in_transit → completed, hold and cancel).
TRANSITIONS: dict[str, tuple[frozenset[str], str, str | None]] = {
    "_upcoming": (frozenset({"draft"}), "upcoming", None),
    "_on_hold": (frozenset({"draft", "upcoming", "picking"}), "on_hold", "on_hold_at"),
    "_picking": (frozenset({"upcoming", "on_hold"}), "picking", "picking_at"),
    "_in_transit": (frozenset({"picking"}), "in_transit", "in_transit_at"),
    "_complete": (frozenset({"in_transit"}), "completed", "completed_at"),
    "_cancel": (frozenset({"draft", "upcoming", "on_hold", "picking", "in_transit"}), "cancelled", "cancelled_at"),
}
FINAL_STATES = frozenset({"completed", "cancelled"})


def timestamp(previous: str | None = None) -> str:
    """Now, in Commerce Layer's form, and strictly after ``previous`` (millisecond resolution)."""
    moment = datetime.now(UTC)
    now = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    if previous:
        floor = parse_datetime(previous) + timedelta(milliseconds=1)
        now = max(now, floor)
    return format_datetime(now)


def defaults(type_: str) -> dict[str, Any]:
    """Every returned attribute with its catalogue default: ``metadata`` is ``{}`` and a boolean without a stated
    default is ``false``, as Commerce Layer returns them (the seed pages print ``"on_hold": false``)."""
    resource = get_resource(type_)
    out: dict[str, Any] = {}
    for name in resource.attribute_names:
        spec = resource.fields[name]
        if name == "metadata":
            out[name] = {}
        elif spec.default is None and spec.type == "boolean":
            out[name] = False
        else:
            out[name] = spec.default
    if type_ == "stock_transfers":
        out["status"] = "draft"
    return out


def server_values(store: Store, record: Record, creating: bool) -> None:
    """Values the server computes: stock location numbers and the address summary strings."""
    values = record.attributes
    if record.type == "stock_locations" and creating:
        numbers = [r.attributes.get("number") or 0 for r in store.table("stock_locations").values()]
        values["number"] = max(numbers, default=0) + 1
    if record.type == "addresses":
        person = " ".join(p for p in (values.get("first_name"), values.get("last_name")) if p)
        full_name = values.get("company") if values.get("business") else person
        place = " ".join(str(p) for p in (values.get("zip_code"), values.get("city"), values.get("state_code")) if p)
        street = ", ".join(p for p in (values.get("line_1"), values.get("line_2")) if p)
        full_address = f"{street}, {place} ({values.get('country_code')}) {values.get('phone') or ''}".strip()
        values["full_name"] = full_name or None
        values["full_address"] = full_address
        values["name"] = f"{full_name or ''}, {street}, {place} ({values.get('country_code')})".strip(", ")


def apply_triggers(store: Store, old: Record, new: Record, triggers: dict[str, bool]) -> list[Record]:
    """Run the switched-on triggers of a PATCH; returns other records the change touched (to be saved too)."""
    touched: list[Record] = []
    if new.type == "stock_items":
        if triggers.get("_validate"):
            reserved = store.related(old, "reserved_stock")
            held = reserved[0].attributes.get("quantity") or 0 if reserved else 0
            if (new.attributes.get("quantity") or 0) < held:
                message = f"must be greater than or equal to the reserved quantity ({held})"
                raise ApiError([field_problem("quantity", message, "less_than_reserved", "/data/attributes/quantity")])
        return touched
    if new.type != "stock_transfers":
        return touched
    status = old.attributes.get("status") or "draft"
    if status in FINAL_STATES and new.attributes.get("quantity") != old.attributes.get("quantity"):
        raise ApiError(
            [field_problem("quantity", f"cannot change once {status}", "frozen", "/data/attributes/quantity")]
        )
    for name, switched in triggers.items():
        if not switched or name not in TRANSITIONS:
            continue
        sources, target, stamp_field = TRANSITIONS[name]
        if status not in sources:
            message = f"cannot go from {status} to {target}"
            raise ApiError([field_problem("status", message, "invalid_transition", f"/data/attributes/{name}")])
        if target == "completed":
            touched.extend(_move_stock(store, new))
        status = target
        new.attributes["status"] = target
        if stamp_field:
            new.attributes[stamp_field] = timestamp()
    return touched


def _stock_item(store: Store, sku_id: str | None, location_id: str | None) -> Record | None:
    sku = store.get("skus", sku_id) if sku_id else None
    if sku is None:
        return None
    return next(
        (i for i in store.related(sku, "stock_items") if i.relationships.get("stock_location") == location_id), None
    )


def _move_stock(store: Store, transfer: Record) -> list[Record]:
    """Completing a transfer takes its quantity from the origin's stock item and adds it at the destination
    (creating the destination stock item when the SKU had none there)."""
    quantity = transfer.attributes.get("quantity") or 0
    sku_id = transfer.relationships.get("sku")
    origin = _stock_item(store, sku_id, transfer.relationships.get("origin_stock_location"))
    available = origin.attributes.get("quantity") or 0 if origin else 0
    if origin is None or available < quantity:
        message = f"exceeds the origin stock ({available})"
        raise ApiError([field_problem("quantity", message, "not_enough_stock", "/data/attributes/_complete")])
    destination_id = transfer.relationships.get("destination_stock_location")
    destination = _stock_item(store, sku_id, destination_id)
    moved_from = Record(origin.type, origin.id, dict(origin.attributes), dict(origin.relationships))
    moved_from.attributes["quantity"] = available - quantity
    moved_from.attributes["updated_at"] = timestamp(origin.attributes.get("updated_at"))
    if destination is None:
        now = timestamp()
        attributes = defaults("stock_items") | {"quantity": quantity, "created_at": now, "updated_at": now}
        relationships = {"sku": sku_id, "stock_location": destination_id}
        moved_to = Record("stock_items", store.new_id("stock_items"), attributes, relationships)
    else:
        moved_to = Record(
            destination.type, destination.id, dict(destination.attributes), dict(destination.relationships)
        )
        moved_to.attributes["quantity"] = (destination.attributes.get("quantity") or 0) + quantity
        moved_to.attributes["updated_at"] = timestamp(destination.attributes.get("updated_at"))
    return [moved_from, moved_to]


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
        levels_out.append(
            {
                "quantity": (item.attributes.get("quantity") or 0) - held,
                "delivery_lead_times": [],
                "stock_location": {
                    "id": location.id,
                    "code": location.attributes.get("code"),
                    "name": location.attributes.get("name"),
                },
            }
        )
    total = sum(level["quantity"] for level in levels_out)
    available = total > 0 or bool(sku.attributes.get("do_not_track"))
    return {"available": available, "quantity": total, "levels": levels_out}


def single_extra(store: Store, record: Record) -> dict[str, Any]:
    """Attributes only a single retrieve carries."""
    if record.type == "skus":
        return {"inventory": sku_inventory(store, record)}
    return {}
