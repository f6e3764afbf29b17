"""Which stock location the next order of a SKU ships from, under each inventory model strategy.

Commerce Layer decides this when an order is placed; a manager wants to know it before: "if someone orders one now,
where does it leave from?". The rules (API notes, "Inventory models"), applied to an order of ``quantity`` units of
one SKU over the model's counted locations in shipping order (priority, smallest first):

* ``no_split``: one shipment from one location: the first that can fulfil the whole order, else none can ship it.
* ``split_shipments``: the first location if it can fulfil the order; otherwise several shipments, taking stock
  location by location in shipping order. ``split_by_line_items`` gives each line item its own shipment, from the
  primary if possible: for a single SKU's order that is the same answer.
* ``ship_from_primary``: always the primary (first) location; what it lacks is brought by stock transfers from the
  others, in shipping order.
* ``ship_from_first_available_or_primary``: the first location that can fulfil the whole order; if none can, as
  ``ship_from_primary``.

A ``do_not_ship`` SKU generates no shipment; a ``do_not_track`` SKU is never short of stock. A shipment from an
on-hold location is created on hold.
"""

from collections.abc import Sequence
from typing import NamedTuple

STRATEGIES: tuple[str, ...] = (
    "no_split",
    "split_shipments",
    "split_by_line_items",
    "ship_from_primary",
    "ship_from_first_available_or_primary",
)
#: How a person reads each strategy.
STRATEGY_NAMES = {
    "no_split": "no split",
    "split_shipments": "split shipments",
    "split_by_line_items": "split by line items",
    "ship_from_primary": "ship from primary",
    "ship_from_first_available_or_primary": "ship from first available or primary",
}
#: Commerce Layer's default since July 2022, for a model that names none.
DEFAULT_STRATEGY = "no_split"


class Source(NamedTuple):
    """What the rules need of a counted location: its id, the units it can sell, whether it holds shipments."""

    location_id: str
    available: int
    on_hold: bool = False


class ShippingPlan(NamedTuple):
    """The answer for one model: ``ships_from`` is the location of the (first) shipment, ``None`` when the order
    cannot ship; ``shipments`` are (location, units) in order; ``transfers`` (location, units) bring stock to the
    primary first; ``short`` units nobody has; ``reason`` says it in a sentence."""

    ships_from: str | None
    shipments: tuple[tuple[str, int], ...] = ()
    transfers: tuple[tuple[str, int], ...] = ()
    short: int = 0
    on_hold: bool = False
    reason: str = ""


def _take(sources: Sequence[Source], quantity: int) -> tuple[list[tuple[str, int]], int]:
    """Stock taken location by location in shipping order until ``quantity`` is met; returns the takes and what
    is still missing."""
    takes: list[tuple[str, int]] = []
    left = quantity
    for source in sources:
        if left <= 0:
            break
        units = min(left, source.available)
        if units > 0:
            takes.append((source.location_id, units))
            left -= units
    return takes, max(left, 0)


def _single(source: Source, quantity: int, reason: str) -> ShippingPlan:
    return ShippingPlan(source.location_id, ((source.location_id, quantity),), on_hold=source.on_hold, reason=reason)


def _from_primary(sources: Sequence[Source], quantity: int, reason: str) -> ShippingPlan:
    primary = sources[0]
    missing = quantity - max(primary.available, 0)
    transfers, short = _take(sources[1:], missing) if missing > 0 else ([], 0)
    if transfers:
        reason += "; stock transfers from other locations bring what it lacks"
    if short:
        reason += f"; {short:,} units are short everywhere"
    return ShippingPlan(
        primary.location_id,
        ((primary.location_id, quantity),),
        tuple(transfers),
        short,
        primary.on_hold,
        reason,
    )


def plan_shipment(
    strategy: str | None,
    sources: Sequence[Source],
    quantity: int = 1,
    *,
    do_not_track: bool = False,
    do_not_ship: bool = False,
) -> ShippingPlan:
    """Where an order of ``quantity`` units ships from under ``strategy``; ``sources`` are the model's counted
    locations in shipping order. An unknown strategy is read as Commerce Layer's default."""
    if quantity < 1:
        raise ValueError("quantity - an order has at least one unit")
    strategy = strategy if strategy in STRATEGIES else DEFAULT_STRATEGY
    if do_not_ship:
        return ShippingPlan(None, reason="the SKU is not shipped (do not ship)")
    if not sources:
        return ShippingPlan(None, reason="the model has no stock locations")
    if do_not_track:
        # Stock is not tracked: every location can fulfil any order, so the first one ships it.
        return _single(sources[0], quantity, "first location (stock not tracked)")
    first_able = next((s for s in sources if s.available >= quantity), None)
    if strategy == "ship_from_primary":
        return _from_primary(sources, quantity, "always the primary location")
    if first_able is not None:
        primary = first_able is sources[0]
        return _single(first_able, quantity, "primary location" if primary else "first location that has it all")
    if strategy == "ship_from_first_available_or_primary":
        return _from_primary(sources, quantity, "no location has it all, so the primary")
    if strategy == "no_split":
        return ShippingPlan(None, reason="no single location can fulfil the order")
    shipments, short = _take(sources, quantity)
    if not shipments:
        return ShippingPlan(None, short=short, reason="no stock in any counted location")
    first = next(s for s in sources if s.location_id == shipments[0][0])
    reason = f"split over {len(shipments)} locations" if len(shipments) > 1 else "the only location with stock"
    if short:
        reason += f"; {short:,} units are short"
    return ShippingPlan(first.location_id, tuple(shipments), (), short, first.on_hold, reason)
