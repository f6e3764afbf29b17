"""One field set on many records, previewed from a real cache file read the way the window's worker reads it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from desktop_app.imports.bulk import bulk_fields, parse_change
from desktop_app.schema import FieldError
from desktop_app.store import Cache
from desktop_app.store.reader import CacheReader, reading


def _store(cache: Cache, type_: str, records: list[tuple[str, dict[str, object], dict[str, object]]]) -> None:
    generation = cache.sync_state.begin_full_sync(type_)
    cache.records.store_page(
        [SimpleNamespace(type=type_, id=i, attributes=a, relationships=r) for i, a, r in records], generation
    )
    cache.sync_state.finish_full_sync(type_, generation, server_count=len(records))


@pytest.fixture
def reader(tmp_path: Path) -> Iterator[CacheReader]:
    path = tmp_path / "cache.sqlite3"
    with Cache.open(path) as cache:
        _store(cache, "skus", [("S1", {"code": "TSHIRT-M", "name": "T-shirt M"}, {})])
        _store(cache, "stock_locations", [("L1", {"code": "MIL", "name": "Milan"}, {}), ("L2", {"name": "Turin"}, {})])
        _store(
            cache,
            "stock_items",
            [
                ("I1", {"quantity": 10, "metadata": {"colour": "red"}}, {"sku": "S1", "stock_location": "L1"}),
                ("I2", {"quantity": 2, "metadata": {"reorder_point": 5}}, {"sku": "S1", "stock_location": "L2"}),
            ],
        )
    with reading(path) as opened:
        yield opened


def _field(key: str) -> object:
    return next(f for f in bulk_fields("stock_items") if f.key == key)


def test_the_fields_offered_come_from_the_description() -> None:
    assert [f.key for f in bulk_fields("stock_items")] == ["quantity", "reorder_point"]
    assert {f.key for f in bulk_fields("stock_levels")} == {"priority", "on_hold"}
    assert bulk_fields("skus") == ()  # not edited in the window


def test_subtracting_names_each_record_and_refuses_a_negative_result(reader: CacheReader) -> None:
    from desktop_app.imports.bulk import build_bulk_preview

    change = parse_change(_field("quantity"), "3", subtract=True)  # type: ignore[arg-type]
    preview = build_bulk_preview(reader, "stock_items", change, ids=["I1", "I2"])
    assert [(c.label, c.record_id, c.values) for c in preview.changes] == [
        ("TSHIRT-M at Milan", "I1", {"quantity": (10, 7)})
    ]
    assert [(e.record, e.column, e.reason) for e in preview.errors] == [
        ("TSHIRT-M at Turin", "Quantity", "negative result: 2 − 3 = −1")
    ]
    assert change.batch_name(1, "Stock items") == "Subtract 3 from quantity of 1 stock item"


def test_a_metadata_key_keeps_the_other_keys_and_rows_are_chosen_by_row_id(reader: CacheReader) -> None:
    from desktop_app.imports.bulk import build_bulk_preview

    rowids = [row[0] for row in reader.records.keys("stock_items", ["sku"])]
    change = parse_change(_field("reorder_point"), "5")  # type: ignore[arg-type]
    preview = build_bulk_preview(reader, "stock_items", change, rowids=rowids)
    assert preview.unchanged == 1  # I2 already has 5
    (only,) = preview.changes
    assert only.record_id == "I1" and only.attributes == {"metadata": {"colour": "red", "reorder_point": 5}}
    assert only.shown == (("Reorder point", None, 5),)


def test_what_the_person_typed_is_read_by_the_fields_rules() -> None:
    quantity = _field("quantity")
    assert parse_change(quantity, "1,200").value == 1200  # type: ignore[arg-type]
    with pytest.raises(FieldError) as refused:
        parse_change(quantity, "lots", add=True)  # type: ignore[arg-type]
    assert (refused.value.field, refused.value.message) == ("quantity", "the amount must be a whole number, not 'lots'")
    with pytest.raises(FieldError):
        parse_change(quantity, "-4")  # type: ignore[arg-type]  # a quantity below zero is refused here already
