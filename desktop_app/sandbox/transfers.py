"""Stock transfers: the life cycle their triggers drive, the stock they hold on the way, the stock they move.

Commerce Layer documents the states, triggers and timestamps; where it is silent about the accounting the sandbox
chooses the following, applied the same way by every write (POST, PATCH, DELETE):

- A trigger follows the life cycle in the resource description (``desktop_app/schema``). A trigger the current
  state does not allow is a 422 pointing at it; several triggers in one PATCH apply in the order sent.
- While ``picking`` or ``in_transit`` the quantity is reserved at the origin: the reserved stock of the origin's
  stock item of the SKU grows by it (created when the item had none), so that item's available quantity and the
  SKU's ``inventory`` drop. Leaving those states, deleting the transfer, or changing its quantity, SKU or origin
  gives the reservation back; a reserved stock that falls to zero is removed. A reservation needs that much
  available (quantity - reserved) at the origin, else a 422 pointing at what asked for it.
- Completing takes the quantity from the origin's stock item (a 422 beyond what the item holds) and adds it to the
  destination's stock item, created when the SKU had none there.
- Once in a state no trigger leaves (completed, cancelled) the quantity, SKU and locations no longer change; origin
  and destination must differ; ``number`` defaults to the next free number.
"""

from __future__ import annotations

from typing import Any

from desktop_app.sandbox.errors import ApiError, ErrorObject, field_problem
from desktop_app.sandbox.stamps import defaults, timestamp
from desktop_app.sandbox.storage import Effects, Record, Store, stored_relationships
from desktop_app.schema import StateMachine, get_resource

#: States in which the transfer's quantity is reserved at its origin.
HOLDING = frozenset({"picking", "in_transit"})
#: The state whose arrival moves the stock.
COMPLETED = "completed"
#: Relationships that say what moves where, frozen with the quantity once the transfer is over.
ROUTE = ("sku", "origin_stock_location", "destination_stock_location")

Hold = tuple[str | None, str | None]


def machine_of(record: Record) -> StateMachine:
    machine = get_resource(record.type).states
    if machine is None:
        raise TypeError(f"{record.type} has no life cycle")
    return machine


def apply_change(store: Store, old: Record, new: Record, triggers: dict[str, bool]) -> Effects:
    """Run a PATCH's triggers on ``new`` (the old record with the body applied) and work out what else changes."""
    machine = machine_of(new)
    before = old.attributes.get(machine.field) or machine.initial
    _check_frozen(machine, before, old, new)
    status = before
    entered_by: str | None = None
    for name, switched in triggers.items():
        transition = machine.transitions.get(name)
        if not switched or transition is None:
            continue
        if status not in transition.sources:
            message = f"cannot go from {status} to {transition.target}"
            raise ApiError([field_problem("status", message, "invalid_transition", f"/data/attributes/{name}")])
        if transition.target in HOLDING and status not in HOLDING:
            entered_by = name
        status = transition.target
        new.attributes[machine.field] = status
        if transition.stamp:
            new.attributes[transition.stamp] = timestamp()
    effects = Effects()
    _rebalance(store, effects, _holds(old, -1), _holds(new, +1), _cause(old, new, entered_by))
    if status == COMPLETED and before != COMPLETED:
        _move_stock(store, effects, new)
    return effects


def on_delete(store: Store, record: Record) -> Effects:
    """Deleting a transfer gives back what it held at the origin."""
    effects = Effects()
    _rebalance(store, effects, _holds(record, -1), {}, "/data")
    return effects


def problems(record: Record) -> list[ErrorObject]:
    """Rules a transfer obeys whatever the write: it goes somewhere else than where it starts."""
    origin = record.relationships.get("origin_stock_location")
    if origin and origin == record.relationships.get("destination_stock_location"):
        pointer = "/data/relationships/destination_stock_location"
        message = "must differ from the origin stock location"
        return [field_problem("destination_stock_location", message, "same_as_origin", pointer, origin)]
    return []


def assign_number(store: Store, record: Record) -> None:
    """A transfer created without a ``number`` gets the next one (Commerce Layer defaults it to a numeric id)."""
    if record.attributes.get("number"):
        return
    numbers = (str(r.attributes.get("number") or "") for r in store.table(record.type).values())
    record.attributes["number"] = str(max((int(n) for n in numbers if n.isdigit()), default=0) + 1)


def _check_frozen(machine: StateMachine, status: str, old: Record, new: Record) -> None:
    if machine.allowed(status):
        return
    changed = [name for name in ROUTE if new.relationships.get(name) != old.relationships.get(name)]
    pointers = [f"/data/relationships/{name}" for name in changed]
    if new.attributes.get("quantity") != old.attributes.get("quantity"):
        changed.insert(0, "quantity")
        pointers.insert(0, "/data/attributes/quantity")
    if changed:
        message = f"cannot change once {status}"
        raise ApiError([field_problem(name, message, "frozen", p) for name, p in zip(changed, pointers, strict=True)])


def _holds(record: Record, sign: int) -> dict[Hold, int]:
    """What ``record`` reserves, keyed by (SKU, origin), with ``sign`` for giving back or taking."""
    machine = machine_of(record)
    if (record.attributes.get(machine.field) or machine.initial) not in HOLDING:
        return {}
    key = (record.relationships.get("sku"), record.relationships.get("origin_stock_location"))
    return {key: sign * (record.attributes.get("quantity") or 0)}


def _cause(old: Record, new: Record, entered_by: str | None) -> str:
    """The pointer of what asked for a bigger reservation: the trigger, else the quantity, SKU or origin."""
    if entered_by is not None:
        return f"/data/attributes/{entered_by}"
    if new.attributes.get("quantity") != old.attributes.get("quantity"):
        return "/data/attributes/quantity"
    if new.relationships.get("sku") != old.relationships.get("sku"):
        return "/data/relationships/sku"
    return "/data/relationships/origin_stock_location"


def _rebalance(store: Store, effects: Effects, given: dict[Hold, int], taken: dict[Hold, int], cause: str) -> None:
    deltas = dict(given)
    for key, quantity in taken.items():
        deltas[key] = deltas.get(key, 0) + quantity
    for key, delta in deltas.items():
        if delta:
            _reserve(store, effects, key, delta, cause)


def _reserve(store: Store, effects: Effects, key: Hold, delta: int, cause: str) -> None:
    """Add ``delta`` (negative to give back) to the reserved stock of the SKU's stock item at the origin."""
    sku_id, location_id = key
    item = stock_item(store, sku_id, location_id)
    reserved = store.related(item, "reserved_stock") if item is not None else []
    held = (reserved[0].attributes.get("quantity") or 0) if reserved else 0
    if delta > 0:
        available = (item.attributes.get("quantity") or 0) - held if item is not None else 0
        if available < delta:
            message = f"exceeds the stock available at the origin ({max(available, 0)})"
            raise ApiError([field_problem("quantity", message, "not_enough_stock", cause)])
    if item is None:
        return
    if not reserved:
        if delta > 0:
            links = {"stock_item": item.id, "sku": sku_id}
            effects.saved.append(_created(store, "reserved_stocks", {"quantity": delta}, links))
        return
    if held + delta <= 0:
        effects.deleted.append(reserved[0])
    else:
        effects.saved.append(_edited(reserved[0], held + delta))


def stock_item(store: Store, sku_id: str | None, location_id: str | None) -> Record | None:
    """The stock item of a SKU at a stock location, if there is one."""
    sku = store.get("skus", sku_id) if sku_id else None
    if sku is None or not location_id:
        return None
    return next(
        (i for i in store.related(sku, "stock_items") if i.relationships.get("stock_location") == location_id), None
    )


def _move_stock(store: Store, effects: Effects, transfer: Record) -> None:
    quantity = transfer.attributes.get("quantity") or 0
    sku_id = transfer.relationships.get("sku")
    origin = stock_item(store, sku_id, transfer.relationships.get("origin_stock_location"))
    held = (origin.attributes.get("quantity") or 0) if origin is not None else 0
    if origin is None or held < quantity:
        message = f"exceeds the origin stock ({held})"
        raise ApiError([field_problem("quantity", message, "not_enough_stock", "/data/attributes/_complete")])
    effects.saved.append(_edited(origin, held - quantity))
    destination_id = transfer.relationships.get("destination_stock_location")
    destination = stock_item(store, sku_id, destination_id)
    if destination is None:
        relationships = {"sku": sku_id, "stock_location": destination_id}
        effects.saved.append(_created(store, "stock_items", {"quantity": quantity}, relationships))
    else:
        effects.saved.append(_edited(destination, (destination.attributes.get("quantity") or 0) + quantity))


def _edited(record: Record, quantity: int) -> Record:
    """A copy of ``record`` with a new quantity (saved records are replaced, never changed in place)."""
    attributes = dict(record.attributes) | {"quantity": quantity}
    attributes["updated_at"] = timestamp(record.attributes.get("updated_at"))
    return Record(record.type, record.id, attributes, dict(record.relationships))


def _created(store: Store, type_: str, attributes: dict[str, Any], relationships: dict[str, str | None]) -> Record:
    now = timestamp()
    values = defaults(type_) | attributes | {"created_at": now, "updated_at": now}
    links = {r.name: None for r in stored_relationships(type_)} | relationships
    return Record(type_, store.new_id(type_), values, links)
