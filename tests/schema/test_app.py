"""The application's view of each type: consistent with the API's description, and enough to drive the window."""

from __future__ import annotations

import pytest

from desktop_app.schema import (
    app_type,
    app_types,
    canonical_type,
    command_types,
    dependents,
    get_resource,
    lookup_types,
    low_mark_types,
    synced_types,
    tab_types,
)


def test_a_sync_fetches_what_rows_point_at_before_the_rows() -> None:
    """...except a type kept only for what points at it, which comes after the records naming what to keep."""
    order = synced_types()
    for position, type_ in enumerate(order):
        for rel in get_resource(type_).to_one:
            if rel.target in order and rel.name not in app_type(type_).not_included:
                if app_type(rel.target).synced_for == (type_, rel.name):
                    assert order.index(rel.target) > position, f"{rel.target} syncs before {type_} names them"
                else:
                    assert order.index(rel.target) < position, f"{type_}.{rel.name} points at a later type"


def test_a_type_kept_for_another_is_named_by_a_synced_to_one_relationship_of_it() -> None:
    scoped = [e for e in app_types() if e.synced_for is not None]
    assert [e.type for e in scoped] == ["addresses"]
    for entry in scoped:
        assert entry.synced_for is not None
        pointing, relationship = entry.synced_for
        assert entry.synced and app_type(pointing).synced
        rel = get_resource(pointing).relationship(relationship)
        assert rel.to_one and rel.includable and rel.target == entry.type
        assert relationship not in app_type(pointing).not_included


def test_every_tab_is_kept_offline_and_every_tab_position_is_used_once() -> None:
    tabs = tab_types()
    assert set(tabs) <= set(synced_types())
    assert sorted(e.tab for e in app_types() if e.tab is not None) == list(range(len(tabs)))


def test_what_is_looked_up_by_name_has_a_name_or_a_code() -> None:
    for type_ in lookup_types():
        assert {"name", "code"} & set(get_resource(type_).fields), type_


def test_the_command_line_name_of_each_type_means_that_type() -> None:
    for type_ in command_types():
        assert canonical_type(app_type(type_).name) == type_
    assert app_type("stock_levels").name == "stock_levels"
    assert app_type("stock_levels").type == "inventory_stock_locations"


def test_inline_edits_are_updatable_attributes() -> None:
    for entry in app_types():
        for name in entry.inline_edits:
            assert get_resource(entry.type).field(name).updatable, (entry.type, name)


def test_derived_columns_read_only_attributes_and_totals_of_their_own_type() -> None:
    for entry in app_types():
        totals = {t.name for t in entry.totals}
        for column in entry.derived:
            assert column.source == "derived" and column.compute is not None
            for name in column.inputs:
                assert name in totals or name in get_resource(entry.type).fields, (entry.type, column.key, name)
        for total in entry.totals:
            assert get_resource(total.type).relationship(total.via).target == entry.type


@pytest.mark.parametrize(("quantity", "reserved", "available"), [(10, 3, 7), (None, 0, 0), (2, 5, -3)])
def test_available_is_quantity_less_reserved(quantity: int | None, reserved: int, available: int) -> None:
    columns = {c.key: c for c in app_type("stock_items").derived}
    assert columns["reserved"].value(reserved) == reserved
    assert columns["available"].value(quantity, reserved) == available
    assert columns["available"].warn_negative


def test_a_change_to_names_or_totals_reaches_the_tables_that_show_them() -> None:
    assert "stock_items" in dependents("skus") and "stock_items" in dependents("reserved_stocks")
    assert dependents("stock_items") == ()


def test_an_address_reads_as_its_city_and_country_and_syncs_right_after_the_stock_locations() -> None:
    entry = app_type("addresses")
    assert entry.synced and entry.looked_up and entry.tab is None and not entry.command_edits
    assert entry.named_by == ("city", "country_code") and entry.name_joiner == ", "
    assert entry.synced_for == ("stock_locations", "address")
    order = synced_types()
    assert order.index("addresses") == order.index("stock_locations") + 1
    assert order.index("shipping_categories") < order.index("skus")
    assert app_type("shipping_categories").named_by == ("code", "name")


def test_a_type_without_an_entry_is_known_but_unused() -> None:
    entry = app_type("versions")
    assert entry.tab is None and not entry.synced and not entry.window_edits and not entry.command_edits


def test_transfer_actions_send_triggers_from_real_states() -> None:
    entry = app_type("stock_transfers")
    resource = get_resource("stock_transfers")
    assert entry.state_field is not None
    states = set(resource.field(entry.state_field).enum or ())
    for action in entry.actions:
        assert resource.field(action.trigger).trigger and resource.field(action.trigger).updatable
        assert action.states <= states, action


@pytest.mark.parametrize(
    ("state", "labels"),
    [
        ("draft", ["Mark upcoming"]),
        ("upcoming", ["Start picking", "Cancel"]),
        ("on_hold", ["Start picking", "Cancel"]),
        ("picking", ["Put on hold", "Mark in transit"]),
        ("in_transit", ["Complete", "Cancel"]),
        ("completed", []),
        ("cancelled", []),
        (None, []),
    ],
)
def test_a_transfer_offers_what_commerce_layers_dashboard_offers(state: str | None, labels: list[str]) -> None:
    assert [a.label for a in app_type("stock_transfers").actions_for({"status": state})] == labels
    assert app_type("skus").actions_for({"status": state}) == ()


def test_thresholds_are_kept_on_stock_items_and_skus() -> None:
    assert {e.type for e in app_types() if e.thresholds} == {"stock_items", "skus"}


def test_every_offered_transfer_step_is_one_the_life_cycle_allows() -> None:
    """The window offers a subset of what the server accepts (the dashboard's choice), never more."""
    machine = get_resource("stock_transfers").states
    assert machine is not None and app_type("stock_transfers").state_field == machine.field
    for action in app_type("stock_transfers").actions:
        assert action.states <= machine.transitions[action.trigger].sources, action


def test_what_moves_the_stock_views() -> None:
    """The Overview and Low stock follow stock, reservations and the names they show; Find SKU follows what a
    SKU's availability per inventory model reads (its stock, reservations and the models' shipping order)."""
    from desktop_app.schema import availability_types, figure_types

    assert set(figure_types()) == {"stock_items", "reserved_stocks", "skus", "stock_locations", "inventory_models"}
    assert set(availability_types()) == {
        "stock_items",
        "reserved_stocks",
        "inventory_stock_locations",
        "inventory_models",
    }


def test_low_stock_marks_name_a_stock_item_relationship_to_the_marked_type() -> None:
    """A row is marked low through a stock item: the item itself, or what one of its relationships points at."""
    item = get_resource("stock_items")
    described = dict(low_mark_types())
    assert described["stock_items"] == "id"
    for type_, how in described.items():
        if how != "id":
            relationship = item.relationships[how]
            assert relationship.to_one and relationship.target == type_, f"{type_}: stock_items.{how}"
    assert {"skus", "stock_locations"} <= described.keys()
