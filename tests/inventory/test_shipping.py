"""Which location the next order ships from, under each strategy: the rules of the API notes, case by case."""

from __future__ import annotations

import pytest

from desktop_app.inventory import STRATEGIES, Source, plan_shipment

STOCKED = [Source("A", 0), Source("B", 5), Source("C", 20)]


def ships(strategy: str, sources: list[Source], quantity: int = 1) -> str | None:
    return plan_shipment(strategy, sources, quantity).ships_from


def test_the_primary_ships_under_every_strategy_when_it_can_fulfil_the_order() -> None:
    sources = [Source("A", 3), Source("B", 9)]
    for strategy in STRATEGIES:
        plan = plan_shipment(strategy, sources, 2)
        assert plan.ships_from == "A", strategy
        assert plan.shipments == (("A", 2),) and plan.transfers == () and plan.short == 0


def test_an_empty_primary_is_passed_over_except_under_ship_from_primary() -> None:
    assert ships("no_split", STOCKED) == "B"
    assert ships("split_shipments", STOCKED) == "B"
    assert ships("split_by_line_items", STOCKED) == "B"
    assert ships("ship_from_first_available_or_primary", STOCKED) == "B"
    primary = plan_shipment("ship_from_primary", STOCKED, 1)
    assert primary.ships_from == "A"
    assert primary.transfers == (("B", 1),), "a stock transfer brings the unit to the primary"


def test_no_split_needs_one_location_with_the_whole_order() -> None:
    assert ships("no_split", STOCKED, 12) == "C", "B has only 5"
    plan = plan_shipment("no_split", STOCKED, 25)
    assert plan.ships_from is None and "single location" in plan.reason


def test_split_shipments_takes_stock_location_by_location_in_shipping_order() -> None:
    plan = plan_shipment("split_shipments", STOCKED, 22)
    assert plan.ships_from == "B"
    assert plan.shipments == (("B", 5), ("C", 17)) and plan.short == 0
    short = plan_shipment("split_by_line_items", STOCKED, 30)
    assert short.shipments == (("B", 5), ("C", 20)) and short.short == 5


def test_first_available_or_primary_falls_back_to_the_primary_with_transfers() -> None:
    assert ships("ship_from_first_available_or_primary", STOCKED, 20) == "C"
    plan = plan_shipment("ship_from_first_available_or_primary", STOCKED, 22)
    assert plan.ships_from == "A"
    assert plan.transfers == (("B", 5), ("C", 17)) and plan.short == 0
    everything = plan_shipment("ship_from_primary", STOCKED, 40)
    assert everything.transfers == (("B", 5), ("C", 20)) and everything.short == 15


def test_reserved_stock_is_not_available_to_ship() -> None:
    """Sources carry what can be sold (quantity less reserved): a location whose stock is all reserved has none."""
    net = [Source("A", 10 - 10), Source("B", 4 - 1)]
    assert ships("no_split", net) == "B"
    assert ships("no_split", net, 4) is None


def test_a_shipment_from_an_on_hold_location_is_marked_on_hold() -> None:
    plan = plan_shipment("no_split", [Source("A", 0, on_hold=False), Source("B", 3, on_hold=True)])
    assert plan.ships_from == "B" and plan.on_hold
    assert not plan_shipment("no_split", [Source("A", 3)]).on_hold


def test_do_not_ship_and_do_not_track_skus() -> None:
    assert plan_shipment("split_shipments", STOCKED, do_not_ship=True).ships_from is None
    untracked = plan_shipment("no_split", STOCKED, 1000, do_not_track=True)
    assert untracked.ships_from == "A" and untracked.short == 0


def test_a_model_without_counted_locations_ships_nothing_and_unknown_strategies_read_as_the_default() -> None:
    for strategy in STRATEGIES:
        assert plan_shipment(strategy, []).ships_from is None
    assert ships("teleport", STOCKED, 25) == ships("no_split", STOCKED, 25) is None
    assert ships(None, STOCKED) == "B"
    with pytest.raises(ValueError, match="quantity"):
        plan_shipment("no_split", STOCKED, 0)
