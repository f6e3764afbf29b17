"""Which rows each table marks as low on stock, as the resource description says (``AppType.marked_low_by``)."""

from __future__ import annotations

import importlib

import pytest

from desktop_app.inventory import LowMarks, LowStockItem, marks_of
from desktop_app.schema import low_mark_types

#: The module (the package's ``low_stock`` is its function of that name).
LOW_STOCK = importlib.import_module("desktop_app.inventory.low_stock")


def low_item(item: str, sku: str | None, location: str | None) -> LowStockItem:
    return LowStockItem(item, sku, "CODE", "Name", location, "Where", 1, 0, 2, None, "stock item")


def test_a_low_item_marks_itself_its_sku_and_its_location() -> None:
    marks = marks_of([low_item("I1", "S1", "L1"), low_item("I2", None, "L2")])
    assert marks.of("stock_items") == {"I1", "I2"}
    assert marks.of("skus") == {"S1"}, "an item without a SKU marks none"
    assert marks.of("stock_locations") == {"L1", "L2"}
    assert marks.marks("skus", "S1") and marks.marks("stock_locations", "L2")
    assert not marks.marks("skus", "I1"), "an id marks only in the table of its own type"


def test_a_type_without_marks_gets_an_empty_set() -> None:
    marks = marks_of([low_item("I1", "S1", "L1")])
    assert marks.of("inventory_models") == frozenset()
    assert not marks.marks("inventory_models", "I1")
    assert "inventory_models" not in marks
    assert LowMarks().of("stock_items") == frozenset() and not LowMarks()


def test_the_marked_types_are_the_descriptions() -> None:
    """A mapping of exactly the types whose description marks rows, empty sets included (nothing is low)."""
    assert dict(marks_of([])) == {type_: frozenset() for type_, _ in low_mark_types()}
    assert set(marks_of([low_item("I1", "S1", "L1")])) == {"stock_items", "skus", "stock_locations"}


def test_a_type_opts_in_by_its_description_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """What marks rows is read from the description: a type described as marked by the low item's SKU gets the SKU
    ids, and a type dropped from the description gets none, with no change to the marks' code."""
    described = (("stock_items", "id"), ("price_lists", "sku"))
    monkeypatch.setattr(LOW_STOCK, "low_mark_types", lambda: described)
    marks = marks_of([low_item("I1", "S1", "L1")])
    assert dict(marks) == {"stock_items": {"I1"}, "price_lists": {"S1"}}
    assert marks.of("stock_locations") == frozenset()


def test_a_relationship_a_low_item_does_not_carry_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LOW_STOCK, "low_mark_types", lambda: (("stock_items", "id"), ("skus", "market")))
    with pytest.raises(ValueError, match=r"^marked_low_by - a low stock item has no relationship 'market'"):
        marks_of([low_item("I1", "S1", "L1")])


def test_marks_compare_and_read_like_a_mapping() -> None:
    marks = LowMarks({"skus": ["S1", "S1"], "stock_items": {"I1"}})
    assert marks == LowMarks({"skus": {"S1"}, "stock_items": frozenset({"I1"})})
    assert marks["skus"] == frozenset({"S1"}) and len(marks) == 2
    assert marks != LowMarks({"skus": {"S1"}})
