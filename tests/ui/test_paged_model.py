"""The table model over a cache too big to read inline: orders, filters and finds come from the worker thread.

30,000 stock items (written straight through the store from the ``bench:30000`` seed) put the model above the
size it queries on the window's thread, so every sort, filter and find here goes through the worker and comes back
as one layout change or reset.
"""

from __future__ import annotations

from array import array
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt

from desktop_app.sandbox.seeds import generate
from desktop_app.store import Cache
from desktop_app.ui.models.lookups import Lookups
from desktop_app.ui.models.query_worker import INLINE_ROWS
from desktop_app.ui.models.record_proxy import RecordProxyModel
from desktop_app.ui.models.resource_table import ResourceTableModel
from desktop_app.ui.models.row_order import UNKNOWN

ITEMS = 30_000


@pytest.fixture(scope="module")
def big_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "cache.sqlite3"
    seed = generate(f"bench:{ITEMS}")
    with Cache.open(path) as cache:
        for type_ in ("stock_locations", "skus", "stock_items"):
            generation = cache.sync_state.begin_full_sync(type_)
            records = [SimpleNamespace(type=type_, **r) for r in seed[type_]]
            for start in range(0, len(records), 5000):
                cache.records.store_pages([records[start : start + 5000]], generation)
            cache.sync_state.finish_full_sync(type_, generation, server_count=len(records))
    return path


@pytest.fixture
def cache(big_cache: Path) -> Any:
    with Cache.open(big_cache) as opened:
        yield opened


def opened(qtbot: Any, path: Path) -> tuple[ResourceTableModel, RecordProxyModel]:
    model = ResourceTableModel("stock_items", Lookups())
    proxy = RecordProxyModel()
    proxy.setSourceModel(model)
    model.sort(model.column_of("sku.code"), Qt.SortOrder.AscendingOrder)
    assert model.open_cache(path, first=200)
    assert model.rowCount() == 200 and model.partial
    settle(qtbot, model)
    assert model.rowCount() == ITEMS > INLINE_ROWS
    return model, proxy


def settle(qtbot: Any, model: ResourceTableModel) -> None:
    qtbot.waitUntil(lambda: not model.busy and not model.partial, timeout=30_000)


def column(model: ResourceTableModel, key: str) -> list[Any]:
    index = model.column_of(key)
    return [model.index(r, index).data(ResourceTableModel.SortRole) for r in range(model.rowCount())]


def test_the_paged_model_passes_the_model_tester(qtbot: Any, qtmodeltester: Any, big_cache: Path) -> None:
    model, proxy = opened(qtbot, big_cache)
    qtmodeltester.check(model)
    code = model.index(500, model.column_of("sku.code")).data()
    proxy.set_quick_find(code[-4:].lower())
    settle(qtbot, model)
    assert 0 < proxy.rowCount() < ITEMS
    qtmodeltester.check(proxy)


def test_sorting_by_quantity_code_and_location(qtbot: Any, big_cache: Path, cache: Any) -> None:
    model, _ = opened(qtbot, big_cache)
    codes = column(model, "sku.code")
    assert codes == sorted(codes, key=str.casefold)
    for key, descending in (("quantity", True), ("quantity", False), ("stock_location.name", True), ("sku.code", True)):
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        model.sort(model.column_of(key), order)
        settle(qtbot, model)
        values = column(model, key)
        assert len(values) == ITEMS
        folded = [v.casefold() if isinstance(v, str) else v for v in values]
        assert folded == sorted(folded, reverse=descending), key
    ids = {model.id_at(r) for r in range(model.rowCount())}
    assert ids == {r.id for r in cache.records.find("stock_items")}


def test_filters_and_quick_find_are_sql(qtbot: Any, big_cache: Path, cache: Any) -> None:
    model, proxy = opened(qtbot, big_cache)
    items = cache.records.find("stock_items")
    proxy.set_filters({"quantity_gt": 150})
    settle(qtbot, model)
    assert proxy.rowCount() == sum(1 for r in items if r.attributes["quantity"] > 150) > 0
    assert all(q > 150 for q in column(model, "quantity"))
    location = items[0].relationships["stock_location"]
    server_only: list[list[str]] = []
    proxy.server_only_filters.connect(server_only.append)
    proxy.set_filters({"quantity_gt": 150, "stock_location_id_eq": location, "sku_code_matches": "x"})
    settle(qtbot, model)
    assert server_only[-1] == ["sku_code_matches"], "a related record's code only the server can check"
    wanted = [r for r in items if r.attributes["quantity"] > 150 and r.relationships["stock_location"] == location]
    assert {model.id_at(r) for r in range(model.rowCount())} == {r.id for r in wanted}
    proxy.set_filters({})
    code = cache.records.get("skus", items[123].relationships["sku"]).attributes["code"]
    proxy.set_quick_find(code[-6:].lower(), ["sku.code", "stock_location.name"])
    settle(qtbot, model)
    found = column(model, "sku.code")
    assert found and all(code[-6:].lower() in c.lower() for c in found)
    assert found == sorted(found, key=str.casefold), "the find keeps the sort"
    proxy.set_quick_find("")
    settle(qtbot, model)
    assert model.rowCount() == ITEMS


def test_selection_follows_its_records_across_a_sort(qtbot: Any, big_cache: Path) -> None:
    model, _ = opened(qtbot, big_cache)
    selection = QItemSelectionModel(model)
    rows = (3, 40, 25_000)
    chosen = {model.id_at(r) for r in rows}
    for row in rows:
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        selection.select(model.index(row, 0), flags)
    selection.setCurrentIndex(model.index(40, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
    current = model.id_at(40)
    model.sort(model.column_of("quantity"), Qt.SortOrder.DescendingOrder)
    settle(qtbot, model)
    assert {model.id_at(i.row()) for i in selection.selectedRows()} == chosen
    assert model.id_at(selection.currentIndex().row()) == current


def test_edits_repaint_their_row_and_go_to_the_edit_path(qtbot: Any, big_cache: Path, cache: Any) -> None:
    model, _ = opened(qtbot, big_cache)
    requests: list[tuple[str, dict[str, Any]]] = []
    model.inline_edit_requested.connect(lambda rid, changes: requests.append((rid, changes)))
    quantity = model.column_of("quantity")
    row = 20_000
    record_id = model.id_at(row)
    assert model.setData(model.index(row, quantity), "4321")
    assert requests == [(record_id, {"quantity": 4321})]
    changed: list[int] = []
    model.dataChanged.connect(lambda top, bottom, roles=None: changed.append(top.row()))
    record = cache.records.get("stock_items", record_id)
    edited = SimpleNamespace(
        id=record.id,
        attributes=dict(record.attributes, quantity=4321),
        relationships=record.relationships,
        pending=True,
    )
    model.upsert([edited])
    assert changed == [row]
    assert model.index(row, quantity).data() == "4,321".replace(",", "")
    assert model.index(row, 0).data(ResourceTableModel.PendingRole) is True
    assert not model.index(row, 0, QModelIndex()).parent().isValid()


def test_a_table_view_keeps_its_widths_selection_and_current_row_across_sorts(qtbot: Any, big_cache: Path) -> None:
    from desktop_app.ui.views.record_table_view import RecordTableView

    model, proxy = opened(qtbot, big_cache)
    view = RecordTableView(proxy)
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.show()
    quantity = model.column_of("quantity")
    view.setColumnWidth(quantity, 333)
    view.selectRow(7)
    current = model.id_at(7)
    searched: list[int] = []
    search = model._rows.position_of
    # The new places of the rows Qt holds come with the order from the worker: none is searched for afterwards.
    model._rows.position_of = lambda key: searched.append(key) or search(key)  # type: ignore[method-assign]
    for order in (Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder):
        view.sortByColumn(quantity, order)
        settle(qtbot, model)
        assert view.columnWidth(quantity) == 333
        assert view.selected_ids() == [current]
        assert view.current_id() == current
    assert searched == []
    values = column(model, "quantity")
    assert values == sorted(values, key=lambda v: (v is None, v))


def test_a_streamed_export_writes_what_the_view_shows(qtbot: Any, big_cache: Path, cache: Any, tmp_path: Path) -> None:
    """From its own thread, in chunks, with progress: the same file as writing the shown rows cell by cell."""
    from desktop_app.ui.export import CHUNK, StreamedExport, export_csv, stream_plan
    from desktop_app.ui.views.record_table_view import RecordTableView

    model, proxy = opened(qtbot, big_cache)
    for type_ in ("skus", "stock_locations"):  # the codes the cell-by-cell export reads from the names held
        model.lookups.set_records(type_, cache.records.find(type_))
    view = RecordTableView(proxy)
    qtbot.addWidget(view)
    view.setColumnHidden(model.column_of("sku.name"), True)
    view.horizontalHeader().moveSection(model.column_of("quantity"), 0)
    model.sort(model.column_of("quantity"), Qt.SortOrder.DescendingOrder)
    settle(qtbot, model)
    proxy.set_quick_find(model.index(0, model.column_of("stock_location.name")).data())
    settle(qtbot, model)
    assert CHUNK < proxy.rowCount() < ITEMS
    plan = stream_plan(view)
    assert plan is not None
    export = StreamedExport(plan, tmp_path / "streamed.csv")
    progress: list[tuple[int, int]] = []
    export.progress.connect(lambda done, total: progress.append((done, total)))
    with qtbot.waitSignal(export.finished, timeout=60_000) as finished:
        export.start()
    assert finished.args == [proxy.rowCount()]
    assert progress[-1] == (proxy.rowCount(), proxy.rowCount()) and len(progress) > 1
    export_csv(view, tmp_path / "direct.csv")
    streamed = (tmp_path / "streamed.csv").read_text(encoding="utf-8")
    assert streamed == (tmp_path / "direct.csv").read_text(encoding="utf-8")
    assert streamed.splitlines()[0].startswith("Quantity,SKU code,Stock location,")


def test_edits_find_their_rows_after_a_sort_and_many_at_once(qtbot: Any, big_cache: Path, cache: Any) -> None:
    """An edit or a sync of rows finds where they are shown: a row painted before a sort is looked for at its new
    place (what was known of the old order is dropped with it), and a page of records in one pass."""
    model, _ = opened(qtbot, big_cache)
    quantity = model.column_of("quantity")
    painted = 12_000
    record_id = model.id_at(painted)  # reads the block of rows around it, noting where each one is
    model.sort(quantity, Qt.SortOrder.DescendingOrder)
    settle(qtbot, model)
    moved = model.row_of(record_id)
    assert moved >= 0 and model.id_at(moved) == record_id
    rows = [moved, 3, 29_999, *range(15_000, 15_040)]
    ids = [model.id_at(row) for row in rows]
    model.sort(model.column_of("stock_location.name"), Qt.SortOrder.AscendingOrder)
    settle(qtbot, model)
    expected = sorted(model.row_of(i) for i in ids)
    changed: list[int] = []
    model.dataChanged.connect(lambda top, bottom, roles=None: changed.append(top.row()))
    model.upsert([cache.records.get("stock_items", i) for i in ids])
    assert sorted(changed) == expected and len(set(changed)) == len(ids)
    assert [model.id_at(row) for row in sorted(changed)] == [model.id_at(row) for row in expected]


class _Scanned(array):  # type: ignore[type-arg]
    """An order that counts its scans for one row id (each a pass over every row in C)."""

    scans = 0

    def index(self, *args: Any) -> int:
        type(self).scans += 1
        return super().index(*args)


def test_an_edit_of_a_painted_row_or_of_a_page_of_rows_scans_the_order_at_most_once(
    qtbot: Any, big_cache: Path, cache: Any
) -> None:
    """A million rows make each scan of the order 15-20 ms on the window's thread: an edit of a row on screen
    needs none, and a sync's page of records one pass for them all instead of one scan each."""
    model, _ = opened(qtbot, big_cache)
    model._rows.order = _Scanned("q", model._rows.order)
    on_screen = model.id_at(25_000)
    model.upsert([cache.records.get("stock_items", on_screen)])
    assert _Scanned.scans == 0
    page = [model.id_at(row) for row in range(0, 30_000, 1_000)]
    model._rows.changed()  # a sync: nothing painted is known any more, but the order is still the one shown
    model.upsert([cache.records.get("stock_items", i) for i in page])
    assert _Scanned.scans == 0


def test_the_row_count_comes_before_the_whole_order_and_nothing_jumps(qtbot: Any, big_cache: Path) -> None:
    """A table shown from its first screenful is counted (tens of milliseconds for a million rows) before its whole
    order is read (hundreds): the scroll bar has its length from then on, the rows not read yet are blank, and the
    whole order only paints them, with no reset that would send the view back to the top."""
    model = ResourceTableModel("stock_items", Lookups())
    model.sort(model.column_of("sku.code"), Qt.SortOrder.AscendingOrder)
    assert model.open_cache(big_cache, first=200, rest_later=True)
    screen = [model.id_at(row) for row in range(200)]
    events: list[tuple[str, int, int, bool]] = []
    model.rowsInserted.connect(lambda _p, first, last: events.append(("inserted", first, last, model.partial)))
    model.dataChanged.connect(lambda top, bottom, roles=None: events.append(("painted", top.row(), bottom.row(), 0)))
    model.modelReset.connect(lambda: events.append(("reset", 0, 0, model.partial)))
    jobs: list[tuple[Any, Any, bool]] = []
    model._worker.run = lambda job, done, inline=False, quick=False: jobs.append((job, done, quick))  # type: ignore[method-assign]
    assert model.rowCount() == 200 and model.partial
    model.read_rest()
    (count, counted, quick), (order, ordered, slow) = jobs
    assert quick and not slow, "the count runs in the quick lane, beside the whole order"
    counted(count())
    assert events == [("inserted", 200, ITEMS - 1, True)] and model.rowCount() == ITEMS and model.partial
    assert model.index(20_000, model.column_of("sku.code")).data() is None, "a row not read yet is blank"
    assert model.id_at(20_000) == ""
    ordered(order())
    assert events[1:] == [("painted", 200, ITEMS - 1, 0)], "painted in place: no rows moved, no reset"
    assert not model.partial and [model.id_at(row) for row in range(200)] == screen
    code = model.column_of("sku.code")
    codes = [model.index(row, code).data() for row in range(0, ITEMS, 97)]
    assert None not in codes and codes == sorted(codes, key=str.casefold)


def test_a_count_coming_after_the_whole_order_changes_nothing(qtbot: Any, big_cache: Path) -> None:
    model = ResourceTableModel("stock_items", Lookups())
    assert model.open_cache(big_cache, first=200, rest_later=True)
    jobs: list[tuple[Any, Any]] = []
    model._worker.run = lambda job, done, inline=False, quick=False: jobs.append((job, done))  # type: ignore[method-assign]
    model.read_rest()
    (count, counted), (order, ordered) = jobs
    ordered(order())
    assert model.rowCount() == ITEMS and not model.partial
    inserted: list[int] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append(first))
    counted(count())
    assert model.rowCount() == ITEMS and not inserted and model.id_at(ITEMS - 1) != ""


def test_a_sort_shows_its_first_rows_and_moves_the_selection_before_its_whole_order(
    qtbot: Any, big_cache: Path, cache: Any
) -> None:
    """A sort of a million rows shows its first screenful, read from one index, and the selected rows at their new
    places (counted in that index) before the whole order is read; the whole order then fills in the blank rows
    without moving anything."""
    model, proxy = opened(qtbot, big_cache)
    selection = QItemSelectionModel(proxy)
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection.select(proxy.index(17_000, 0), flags)
    selection.setCurrentIndex(proxy.index(17_000, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
    chosen = model.id_at(17_000)
    jobs: list[tuple[Any, Any]] = []
    model._worker.run = lambda job, done, inline=False, quick=False: jobs.append((job, done))  # type: ignore[method-assign]
    quantity = model.column_of("quantity")
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    model.sort(quantity, Qt.SortOrder.DescendingOrder)
    assert len(jobs) == 2, "the first screenful is asked for before the whole order"
    screen, whole = jobs
    screen[1](screen[0]())
    assert model.sorted_rows_shown and model.rowCount() == ITEMS
    first = [model.index(row, quantity).data(ResourceTableModel.SortRole) for row in range(200)]
    assert None not in first and first == sorted(first, reverse=True)
    top = max(r.attributes["quantity"] for r in cache.records.find("stock_items"))
    assert first[0] == top
    place = selection.currentIndex().row()
    assert model.id_at(place) == chosen and [i.row() for i in selection.selectedRows()] == [place]
    blank = next(row for row in range(200, ITEMS) if row != place)
    assert model.id_at(blank) == "" and model.index(blank, quantity).data() is None
    assert model.index(blank, quantity).isValid() and model.flags(model.index(blank, quantity)) == model.flags(
        model.index(0, quantity)
    )
    whole[1](whole[0]())
    assert selection.currentIndex().row() == place and model.id_at(place) == chosen, "nothing moved"
    values = [model.index(row, quantity).data(ResourceTableModel.SortRole) for row in range(0, ITEMS, 101)]
    assert None not in values and values == sorted(values, reverse=True) and not resets


def test_a_sort_with_many_rows_selected_waits_for_its_whole_order(qtbot: Any, big_cache: Path) -> None:
    """Places of more than a few selected rows are found in the whole order (counting each in the index would take
    longer than reading it), so no first screenful is shown before it."""
    model, _ = opened(qtbot, big_cache)
    selection = QItemSelectionModel(model)
    for row in range(0, 5_000, 500):
        selection.select(model.index(row, 0), QItemSelectionModel.SelectionFlag.Select)
    chosen = {model.id_at(i.row()) for i in selection.selectedIndexes()}
    blanks: list[bool] = []
    model.layoutChanged.connect(lambda *_: blanks.append(UNKNOWN in model._rows.order))
    model.sort(model.column_of("sku.code"), Qt.SortOrder.DescendingOrder)
    settle(qtbot, model)
    assert blanks == [False], "one layout change, with the whole order in"
    assert {model.id_at(i.row()) for i in selection.selectedIndexes()} == chosen


def test_a_jump_reads_a_screenful_and_scrolling_on_reads_blocks(qtbot: Any, big_cache: Path) -> None:
    """Painting a row whose neighbours are not held (the scroll bar dragged, a sort) reads a screenful around it,
    not a scroll's block of 140: at a million rows each row read is SQLite work the repaint waits for. Rows next to
    held ones (the wheel, the keys) read whole blocks ahead; every row reads its own record either way."""
    from desktop_app.ui.models import row_order

    model, _ = opened(qtbot, big_cache)
    rows = model._rows
    assert rows._read is not None
    read: list[int] = []
    real = rows._read.rows

    def counted(keys: Any) -> Any:
        keys = list(keys)
        read.append(len(keys))
        return real(keys)

    rows._read.rows = counted  # type: ignore[method-assign]
    rows.changed()
    column = model.column_of("sku.code")
    shown = model.index(20_000, column).data()
    assert read == [row_order.JUMP_BEFORE + row_order.JUMP_AFTER]
    assert shown == model.index(20_000, column).data(ResourceTableModel.SortRole)
    for row in range(20_000, 20_000 + row_order.JUMP_AFTER + 10):  # scrolled on past the screenful
        model.index(row, column).data()
    assert read[1:] == [row_order.AFTER]
    ids = [model.id_at(r) for r in range(19_990, 20_000 + row_order.JUMP_AFTER + 10)]
    assert len(set(ids)) == len(ids) and all(ids)
