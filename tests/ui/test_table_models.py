"""The generic table model, its proxy and the local filter, over a cache synced from the demo sandbox."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from desktop_app.schema import STOCK_LEVELS, all_totals, lookup_types, tab_types
from desktop_app.ui.models.columns import column_index, columns_for
from desktop_app.ui.models.lookups import Lookups
from desktop_app.ui.models.record_proxy import RecordProxyModel
from desktop_app.ui.models.resource_table import ResourceTableModel

TYPES = tab_types()


def build(cache: Any, type_: str) -> tuple[ResourceTableModel, RecordProxyModel, Lookups]:
    lookups = Lookups()
    for target in (*lookup_types(), *(t.type for t in all_totals())):
        lookups.set_records(target, cache.records.find(target))
    model = ResourceTableModel(type_, lookups, fetch_record=lambda rid: cache.records.get(type_, rid))
    model.open_cache(cache.path)
    proxy = RecordProxyModel()
    proxy.setSourceModel(model)
    return model, proxy, lookups


@pytest.mark.parametrize("type_", TYPES)
def test_every_model_passes_the_model_tester(qtmodeltester: Any, synced_cache: Any, type_: str) -> None:
    model, proxy, _ = build(synced_cache, type_)
    assert model.rowCount() == synced_cache.records.count(type_) > 0
    qtmodeltester.check(model)
    proxy.set_quick_find("a")
    qtmodeltester.check(proxy)


def test_relationship_columns_read_names_not_ids(synced_cache: Any) -> None:
    model, _, lookups = build(synced_cache, "stock_items")
    record = synced_cache.records.find("stock_items")[0]
    row = model.row_of(record.id)
    sku = synced_cache.records.get("skus", record.relationships["sku"])
    location = synced_cache.records.get("stock_locations", record.relationships["stock_location"])
    assert model.index(row, model.column_of("sku.code")).data() == sku.attributes["code"]
    assert model.index(row, model.column_of("sku.name")).data() == sku.attributes["name"]
    assert model.index(row, model.column_of("stock_location.name")).data() == location.attributes["name"]
    reserved = lookups.total("reserved", record.id)
    available = model.index(row, model.column_of("available")).data(ResourceTableModel.SortRole)
    assert available == record.attributes["quantity"] - reserved
    assert any(lookups.totals["reserved"].values()), "the demo has reservations, so the reserved column is exercised"


def test_names_read_from_the_file_are_the_names_the_records_hold(synced_cache: Any) -> None:
    """The lookups read from the cache file (each attribute's own document) give every record the same entry as
    one built from the records themselves, a missing attribute as ``None``."""
    read = Lookups()
    read.load(synced_cache.path)
    built = Lookups()
    for target in (*lookup_types(), *(t.type for t in all_totals())):
        built.set_records(target, synced_cache.records.find(target))
    assert read.by_type == built.by_type
    assert read.totals["reserved"] == built.totals["reserved"]
    assert any(None in entry.values() for entries in read.by_type.values() for entry in entries.values()), (
        "some record lacks one of its naming attributes, so the merge of the documents is exercised"
    )


def test_each_type_of_names_is_parsed_when_first_asked_for(synced_cache: Any) -> None:
    """A tab wanting the inventory models does not wait for the SKUs (100,000 of them in a million-item cache) to
    be parsed on the window's thread; asking for the SKUs then parses them, and only them."""
    from desktop_app.ui.models.lookups import NamesByType

    lookups = Lookups()
    lookups.load(synced_cache.path)
    names = lookups.by_type
    assert isinstance(names, NamesByType)
    models = names.get("inventory_models", {})
    assert models and all(entry["name"] for entry in models.values())
    assert "skus" in names and "skus" in names._raw, "listed, not parsed yet"
    sku = synced_cache.records.find("skus")[0]
    assert lookups.label("skus", sku.id).startswith(sku.attributes["code"])
    assert "skus" in names._raw, "one SKU's label is read without parsing them all"
    assert names["skus"][sku.id]["code"] == sku.attributes["code"]
    assert "skus" not in names._raw and "stock_locations" in names._raw
    assert names.get("no_such_type", "none") == "none" and "no_such_type" not in names


def test_one_entry_read_unparsed_is_the_entry_parsed(synced_cache: Any) -> None:
    """Every record's entry read out of its type's documents without parsing them is the entry the parse gives;
    an id the cache does not hold has none."""
    unparsed, parsed = Lookups(), Lookups()
    unparsed.load(synced_cache.path)
    parsed.load(synced_cache.path)
    for type_ in lookup_types():
        entries = parsed.by_type[type_]
        assert entries, type_
        for record_id, entry in entries.items():
            assert unparsed.entry(type_, record_id) == entry, (type_, record_id)
        assert unparsed.entry(type_, "not-a-record") is None
        assert type_ in unparsed.by_type._raw, "still not parsed"  # type: ignore[attr-defined]


def test_one_entry_is_found_by_its_key_not_inside_a_value() -> None:
    """A value's text that contains what looks like another record's key, quotes, commas and other scripts; an id
    that begins another id; a value that is null."""
    import json

    from desktop_app.ui.models.lookups import NamesByType

    names = {"a1": 'Shelf ,"b2": 7', "b2": 'Café "Nord"', "a": None, "a10": "ten"}
    codes = {"b2": "B-2", "a10": "A10"}
    raw = {
        "skus": (
            ("name", "code"),
            [json.dumps(names, ensure_ascii=False, separators=(",", ":")), json.dumps(codes, separators=(",", ":"))],
        )
    }
    unparsed = NamesByType(dict(raw))
    parsed = NamesByType(dict(raw))
    for record_id in (*names, "zz"):
        assert unparsed.entry("skus", record_id) == parsed["skus"].get(record_id), record_id
    assert unparsed.entry("skus", "b2") == {"name": 'Café "Nord"', "code": "B-2"}
    assert unparsed.entry("skus", "a") == {"name": None, "code": None}
    assert unparsed.entry("skus", 'x"y') is None and "skus" not in unparsed._raw, "an id written escaped: parsed"


def test_sorting_uses_typed_values_and_keeps_persistent_indexes(synced_cache: Any) -> None:
    model, proxy, _ = build(synced_cache, "stock_items")
    column = model.column_of("quantity")
    tracked_id = model.id_at(5)
    persistent = QPersistentModelIndex(model.index(5, column))
    proxy.sort(column, Qt.SortOrder.DescendingOrder)
    values = [proxy.index(r, column).data(ResourceTableModel.SortRole) for r in range(proxy.rowCount())]
    assert all(isinstance(v, int) for v in values)
    assert values == sorted(values, reverse=True)
    assert model.id_at(persistent.row()) == tracked_id
    proxy.sort(model.column_of("sku.code"), Qt.SortOrder.AscendingOrder)
    codes = [proxy.index(r, model.column_of("sku.code")).data() for r in range(proxy.rowCount())]
    assert codes == sorted(codes, key=str.casefold)


def test_filter_keys_apply_to_loaded_rows(synced_cache: Any) -> None:
    _, proxy, _ = build(synced_cache, STOCK_LEVELS)
    levels = synced_cache.records.find(STOCK_LEVELS)
    held = [r for r in levels if r.attributes.get("on_hold")]
    proxy.set_filters({"on_hold_true": True})
    assert proxy.rowCount() == len(held)
    model_id = next(r.relationships["inventory_model"] for r in levels if not r.attributes.get("on_hold"))
    proxy.set_filters({"inventory_model_id_eq": model_id, "on_hold_false": True})
    expected = [r for r in levels if r.relationships["inventory_model"] == model_id and not r.attributes.get("on_hold")]
    assert proxy.rowCount() == len(expected) > 0
    proxy.set_filters({"ids": [levels[0].id, levels[1].id]})
    assert proxy.rowCount() == 2
    proxy.set_filters({"created_at_from": "2999-01-01T00:00:00.000Z"})
    assert proxy.rowCount() == 0
    proxy.set_filters({})
    assert proxy.rowCount() == len(levels)


def test_quick_find_matches_any_visible_value(synced_cache: Any) -> None:
    model, proxy, _ = build(synced_cache, "stock_items")
    code = model.index(0, model.column_of("sku.code")).data()
    proxy.set_quick_find(code.lower())
    assert 0 < proxy.rowCount() < model.total == synced_cache.records.count("stock_items")
    rows = [proxy.index(r, model.column_of("sku.code")).data() for r in range(proxy.rowCount())]
    assert all(code.lower() in (c or "").lower() for c in rows)
    proxy.set_quick_find("")
    assert proxy.rowCount() == model.total


def test_updates_are_targeted_data_changes_not_resets(synced_cache: Any) -> None:
    model, _, _ = build(synced_cache, "stock_items")
    resets: list[int] = []
    changed: list[tuple[int, int]] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.dataChanged.connect(lambda a, b, roles=None: changed.append((a.row(), b.row())))
    record = synced_cache.records.find("stock_items")[3]
    attributes = dict(record.attributes, quantity=record.attributes["quantity"] + 7)
    fresh = type(record)(
        record.type, record.id, attributes, record.relationships, record.updated_at, record.seen_at, True
    )
    model.upsert([fresh])
    row = model.row_of(record.id)
    assert not resets
    assert changed == [(row, row)]
    assert model.index(row, model.column_of("quantity")).data() == str(attributes["quantity"])
    assert model.index(row, 0).data(ResourceTableModel.PendingRole) is True
    synced_cache.records.remove_ids("stock_items", {record.id})  # deleted on the server, then the table is told
    model.remove_ids([record.id])
    assert model.row_of(record.id) == -1
    assert model.rowCount() == synced_cache.records.count("stock_items")


def test_inline_edit_is_checked_then_requested(synced_cache: Any) -> None:
    model, _, _ = build(synced_cache, "stock_items")
    requests: list[tuple[str, dict[str, Any]]] = []
    rejected: list[str] = []
    model.inline_edit_requested.connect(lambda rid, ch: requests.append((rid, ch)))
    model.edit_rejected.connect(rejected.append)
    index = model.index(0, model.column_of("quantity"))
    assert model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(0, model.column_of("sku.code"))) & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(index, "lots")
    assert rejected and "integer" in rejected[0]
    assert model.setData(index, "42")
    assert requests == [(model.id_at(0), {"quantity": 42})]


def test_columns_come_from_the_resource_description() -> None:
    keys = [c.key for c in columns_for(STOCK_LEVELS)]
    assert keys[:4] == ["priority", "inventory_model.name", "stock_location.name", "on_hold"]
    assert {"reference", "reference_origin", "metadata", "created_at", "updated_at", "id"} <= set(keys)
    assert column_index("stock_items", "quantity") < column_index("stock_items", "reserved")
    assert not ResourceTableModel("skus", Lookups()).rowCount(QModelIndex())


@pytest.mark.parametrize("type_", TYPES)
def test_a_first_screenful_shows_what_the_whole_table_shows(synced_cache: Any, type_: str) -> None:
    """The screenful read before the first frame (a limited read in the table's order) holds the first rows of the
    whole order, with the same values."""
    model, _, _ = build(synced_cache, type_)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    whole = [
        [model.index(r, c).data(ResourceTableModel.SortRole) for c in range(model.columnCount())]
        for r in range(min(50, model.rowCount()))
    ]
    screen = ResourceTableModel(type_, Lookups())  # empty lookups: it must not need them
    screen.sort(0, Qt.SortOrder.AscendingOrder)
    assert screen.open_cache(synced_cache.path, first=50) == (synced_cache.records.count(type_) > 50)
    assert screen.rowCount() == min(50, synced_cache.records.count(type_)) > 0
    shown = [
        [screen.index(r, c).data(ResourceTableModel.SortRole) for c in range(screen.columnCount())]
        for r in range(screen.rowCount())
    ]
    assert shown == whole
    if type_ == "stock_items":
        reserved = model.column_of("reserved")
        assert any(model.index(r, reserved).data() != "0" for r in range(model.rowCount())), "the demo reserves"


def test_painted_roles_mark_pending_low_and_negative_rows(synced_cache: Any) -> None:
    from types import SimpleNamespace

    from desktop_app.inventory import LowMarks
    from desktop_app.ui.models.resource_table import LOW_STOCK_TINT, NEGATIVE_COLOUR, PENDING_COLOUR

    roles = Qt.ItemDataRole
    model, _, _ = build(synced_cache, "stock_items")
    record = synced_cache.records.find("stock_items")[0]
    row = model.row_of(record.id)
    quantity, code = model.index(row, model.column_of("quantity")), model.index(row, model.column_of("sku.code"))
    first = model.index(row, 0)
    assert quantity.data(roles.TextAlignmentRole) == int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert code.data(roles.TextAlignmentRole) is None
    assert quantity.data(roles.ForegroundRole) is None and quantity.data(roles.FontRole) is None
    assert first.data(roles.DecorationRole) is None and quantity.data(roles.BackgroundRole) is None
    assert quantity.data(roles.CheckStateRole) is None
    changed = {**record.attributes, "quantity": -3}
    edited = SimpleNamespace(id=record.id, attributes=changed, relationships=record.relationships, pending=True)
    model.upsert([edited])
    assert quantity.data(roles.ForegroundRole) == PENDING_COLOUR
    assert quantity.data(roles.FontRole).italic()
    assert first.data(roles.DecorationRole) is not None
    assert quantity.data(roles.ToolTipRole)
    model.upsert([SimpleNamespace(id=record.id, attributes=changed, relationships=record.relationships)])
    available = model.index(row, model.column_of("available"))
    assert available.data(roles.ForegroundRole) == NEGATIVE_COLOUR, "less than nothing available"
    assert quantity.data(roles.FontRole) is None
    repainted: list[Any] = []
    model.dataChanged.connect(lambda *args: repainted.append(args))
    model.set_low_marks(LowMarks({"skus": {"another table's"}}))
    assert not repainted, "no row of this table marked, before as now"
    model.set_low_marks(LowMarks({"stock_items": {record.id}}))
    assert quantity.data(roles.BackgroundRole) == LOW_STOCK_TINT
    assert quantity.data(ResourceTableModel.LowStockRole) is True
    assert len(repainted) == 1
    model.set_low_marks(LowMarks({"stock_items": {record.id}, "skus": {"another table's"}}))
    assert len(repainted) == 1, "the same low stock items: nothing to repaint"
    model.set_low_marks(LowMarks())
    assert len(repainted) == 2 and quantity.data(roles.BackgroundRole) is None
    flags = model.flags(quantity)
    assert flags & Qt.ItemFlag.ItemIsEditable and flags & Qt.ItemFlag.ItemIsSelectable
    assert not model.flags(code) & Qt.ItemFlag.ItemIsEditable
