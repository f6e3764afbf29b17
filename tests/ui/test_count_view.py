"""The Count view in the window, offline over a cache synced from the demo sandbox: a code and its quantity typed
(or scanned) into the one entry line, an unknown code named, the focus never leaving the entry, the count found again
after the window closes, and Review & apply queueing one named batch."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest

from desktop_app.counts import Review
from desktop_app.store import Cache, cache_path
from desktop_app.ui.counts.lines_model import COUNTED, DIFFERENCE, EXPECTED, CountLinesModel, ValueRole
from desktop_app.ui.counts.review_dialog import ReviewDialog
from desktop_app.ui.counts.view import CountView
from desktop_app.ui.theme import apply_theme
from tests.ui.conftest import CACHE_KEY, open_window, wait_until
from tests.ui.shots import shoot


@pytest.fixture
def offline_dir(synced_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "offline"
    shutil.copytree(synced_dir, folder)
    return folder


def _stock(folder: Path) -> tuple[str, str, list[tuple[str, int]], str]:
    """A location (id, name), two SKU codes it holds with their quantities, and a code it holds no stock item of."""
    with Cache.open(cache_path(folder, CACHE_KEY)) as cache:
        codes = {r.id: str(r.attributes["code"]) for r in cache.records.find("skus")}
        names = cache.counts.locations()
        for location_id, name in names.items():
            items = cache.records.find("stock_items", where={"stock_location": location_id})
            held = [(codes[str(i.relationships["sku"])], int(i.attributes["quantity"])) for i in items]
            missing = sorted(set(codes.values()) - {code for code, _ in held})
            if len(held) >= 2 and missing:
                return location_id, name, sorted(held)[:2], missing[0]
    raise AssertionError("no location to count in the demo seed")


def _type(view: CountView, text: str) -> None:
    QTest.keyClicks(view.entry, text)
    QTest.keyClick(view.entry, Qt.Key.Key_Return)


async def _count_view(window: Any) -> CountView:
    window.activateWindow()
    window.stock.counts.action.trigger()
    view = window.stock.counts.view
    assert isinstance(view, CountView) and window.tabs.currentWidget() is view
    assert window.tabs.tabText(window.tabs.indexOf(view)) == "Count"
    await wait_until(view.entry.hasFocus, what="focus on the count's entry")
    return view


@pytest.mark.asyncio
async def test_typing_codes_and_quantities_counts_and_the_entry_keeps_the_focus(
    sandbox: Any, offline_dir: Path
) -> None:
    location_id, name, ((code, quantity), (other, _)), new_code = _stock(offline_dir)
    async with open_window(sandbox, offline_dir, offline=True, sync=False) as (window, _, errors):
        view = await _count_view(window)
        _type(view, "ANYTHING")
        assert "Pick the stock location" in view.feedback.text()
        view.open_location(location_id)
        assert name in view.heading.text()
        _type(view, code)
        assert view.entry.placeholderText().startswith(f"Quantity of {code}")
        _type(view, f"{quantity + 1_200:,}")
        model = view.model
        assert model.rowCount() == 1
        assert model.index(0, EXPECTED).data() == f"{quantity:,}"
        assert model.index(0, COUNTED).data() == f"{quantity + 1_200:,}"
        assert model.index(0, DIFFERENCE).data() == "+1,200"
        assert model.index(0, DIFFERENCE).data(Qt.ItemDataRole.ForegroundRole) is not None
        _type(view, "NO-SUCH-CODE-42")
        assert view.feedback.text() == "No SKU with code 'NO-SUCH-CODE-42' in the cache"
        assert view.entry.hasFocus() and view.entry.text() == ""
        await shoot(window, "count-view-unknown-code")
        apply_theme(Qt.ColorScheme.Dark)
        try:  # the message's red, and the plain text after it, follow the palette into dark
            red = view.feedback.palette().color(QPalette.ColorRole.WindowText)
            assert red.lightness() > 128 and red.red() > red.green()
            view._say("plain")
            assert view.feedback.palette().color(QPalette.ColorRole.WindowText).lightness() > 128
        finally:
            apply_theme(Qt.ColorScheme.Light)
        QTest.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(20, 10))
        view.scan_mode.click()
        assert view.entry.hasFocus(), "a click on the table or a check box leaves the scanner's focus alone"
        for _ in range(3):
            _type(view, new_code)
        assert model.rowCount() == 2 and model.index(1, COUNTED).data(ValueRole) == 3
        assert model.index(1, EXPECTED).data() == "none (new)"
        _type(view, other)  # scan mode: one more of the other SKU, no quantity asked
        assert model.rowCount() == 3 and model.index(2, COUNTED).data(ValueRole) == 1
        await shoot(window, "count-view")
        assert not errors
    # Each line was committed as it was entered: the file holds them with the window gone.
    with Cache.open(cache_path(offline_dir, CACHE_KEY)) as cache:
        (count,) = cache.counts.unfinished()
        assert count.location_id == location_id
        assert [(ln.code, ln.quantity) for ln in cache.counts.lines(count.id)] == [
            (code, quantity + 1_200),
            (new_code, 3),
            (other, 1),
        ]


@pytest.mark.asyncio
async def test_an_unfinished_count_reopens_where_it_was(sandbox: Any, offline_dir: Path) -> None:
    location_id, name, ((code, _), _), _ = _stock(offline_dir)
    async with open_window(sandbox, offline_dir, offline=True, sync=False) as (window, _, errors):
        view = await _count_view(window)
        view.open_location(location_id)
        view.uncounted_zero.click()
        _type(view, code)
        _type(view, "7")
        assert not errors
    async with open_window(sandbox, offline_dir, offline=True, sync=False) as (window, _, errors):
        view = await _count_view(window)
        assert view.location.currentText() == name and view.uncounted_zero.isChecked()
        assert [(r.line.code, r.line.quantity) for r in view.model.rows] == [(code, 7)]
        _type(view, code)
        assert "counted 7 so far" in view.entry.placeholderText()
        assert not errors


@pytest.mark.asyncio
async def test_review_and_apply_queues_one_batch_named_after_the_count(
    sandbox: Any, offline_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    location_id, name, ((code, quantity), _), new_code = _stock(offline_dir)
    seen: list[Review] = []

    def ask(parent: Any, review: Review) -> dict[str, Any]:
        seen.append(review)
        dialog = ReviewDialog(review, parent)
        assert dialog.apply_button.text() == "Apply 2 changes"
        assert f"Applied as one batch: <b>{review.batch_name}</b>" in dialog.summary.text()
        dialog.deleteLater()
        return dialog.choices

    monkeypatch.setattr(ReviewDialog, "ask", staticmethod(ask))
    async with open_window(sandbox, offline_dir, offline=True, sync=False) as (window, opened, errors):
        view = await _count_view(window)
        view.open_location(location_id)
        _type(view, code)
        _type(view, str(quantity + 3))
        _type(view, new_code)
        _type(view, "5")
        view.review_button.click()
        (review,) = seen
        assert review.batch_name.startswith(f"Count of {name}, ")
        entries = opened.workspace.cached.outbox.entries()
        assert sorted(e.op for e in entries) == ["create", "update"] and {e.label for e in entries} == {
            review.batch_name
        }
        assert f"{review.batch_name}: 2 changes queued" in window.status.currentMessage()
        assert window.undo_stack.undoText() == review.batch_name, "one undo step for the whole count"
        assert view.counting is None and opened.workspace.counts.unfinished() == []
        assert view.entry.hasFocus()
        assert not errors


@pytest.mark.asyncio
async def test_a_large_count_is_applied_in_the_worker_thread(
    sandbox: Any, offline_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QTimer

    location_id, name, ((code, quantity), _), new_code = _stock(offline_dir)
    monkeypatch.setattr("desktop_app.ui.counts.view.INLINE_APPLY", 1)  # two changes: more than the window does
    monkeypatch.setattr(ReviewDialog, "ask", staticmethod(lambda parent, review: {}))
    async with open_window(sandbox, offline_dir, offline=True, sync=False) as (window, opened, errors):
        view = await _count_view(window)
        view.open_location(location_id)
        for text in (code, str(quantity + 3), new_code, "5"):
            _type(view, text)
        turned: list[bool] = []
        QTimer.singleShot(0, lambda: turned.append(True))
        view.review_button.click()
        assert opened.workspace.cached.outbox.entries() == [], "queued on the window's thread"
        await opened.workspace.tasks.wait_idle()
        assert turned == [True]
        entries = opened.workspace.cached.outbox.entries()
        assert sorted(e.op for e in entries) == ["create", "update"]
        assert window.undo_stack.undoText().startswith(f"Count of {name}, "), "one undo step for the whole count"
        assert "2 changes queued" in window.status.currentMessage()
        assert view.counting is None and opened.workspace.counts.unfinished() == []
        assert not errors


@pytest.mark.asyncio
async def test_the_review_dialog_offers_counted_or_adjusted_for_a_moved_quantity(qtbot: Any, tmp_path: Path) -> None:
    from desktop_app.counts import Counting, review
    from tests.counts.conftest import fill
    from tests.store.test_cache import Rec

    with Cache.open(cache_path(tmp_path, "review")) as cache:
        fill(cache)
        counting = Counting.start(cache.counts, "L2", "Berlin")
        counting.add("CODE-1", 9)
        counting.add("CODE-2", 4)
        item = Rec("stock_items", "I2", {"quantity": 1, "metadata": {}}, {"sku": "S1", "stock_location": "L2"})
        cache.records.store_page([item])
        dialog = ReviewDialog(review(cache.counts, counting.count))
        qtbot.addWidget(dialog)
        assert dialog.table.item(0, 5).text() == "\u22123"
        assert dialog.choices == {"S1": "adjusted"} and dialog.review.edits(dialog.choices)[0].attributes == {
            "quantity": 6
        }
        dialog.choose("S1", "counted")
        assert dialog.choices == {"S1": "counted"}
        assert "1 line moved on the server" in dialog.summary.text()
        assert dialog.apply_button.text() == "Apply 2 changes"
        await shoot(dialog, "count-review", size=(1000, 360))


def test_the_lines_model_passes_the_model_tester(qtmodeltester: Any, tmp_path: Path) -> None:
    from desktop_app.counts import Counting
    from tests.counts.conftest import fill

    with Cache.open(cache_path(tmp_path, "model")) as cache:
        fill(cache)
        counting = Counting.start(cache.counts, "L1", "Milan")
        counting.add("CODE-1", 3)
        model = CountLinesModel()
        model.set_rows(counting.lines())
        model.put(counting.shown(counting.add("CODE-2", 2)))
        qtmodeltester.check(model)


def test_the_review_names_what_placed_orders_would_lack(qtbot: Any, tmp_path: Path) -> None:
    from desktop_app.counts import Counting, review
    from tests.counts.conftest import fill

    with Cache.open(cache_path(tmp_path, "short")) as cache:
        fill(cache)
        counting = Counting.start(cache.counts, "L2", "Berlin")  # CODE-1 here: 4 on hand, 4 reserved
        counting.add("CODE-1", 1)
        dialog = ReviewDialog(review(cache.counts, counting.count))
        qtbot.addWidget(dialog)
        assert dialog.table.item(0, 7).text() == "4 reserved: orders would lack 3"


@pytest.mark.asyncio
async def test_abandoning_asks_first_and_the_shortcut_is_listed(
    sandbox: Any, offline_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.ui.dialogs.messages import Messages
    from desktop_app.ui.dialogs.shortcuts import shortcut_rows

    location_id, name, ((code, _), _), _ = _stock(offline_dir)
    answers: list[bool] = [False, True]
    asked: list[tuple[str, int]] = []

    def confirm(parent: Any, location: str, lines: int) -> bool:
        asked.append((location, lines))
        return answers.pop(0)

    monkeypatch.setattr(Messages, "confirm_abandon_count", staticmethod(confirm))
    async with open_window(sandbox, offline_dir, offline=True, sync=False) as (window, opened, errors):
        rows = shortcut_rows(window)
        assert ("Ctrl+Shift+C", "Count a location", "Stock") in rows
        view = await _count_view(window)
        view.open_location(location_id)
        _type(view, code)
        _type(view, "2")
        view.abandon_button.click()
        assert asked == [(name, 1)] and view.counting is not None, "Cancel keeps the count"
        view.abandon_button.click()
        assert view.counting is None and opened.workspace.counts.unfinished() == []
        assert "abandoned: nothing was changed" in window.status.currentMessage()
        assert opened.workspace.cached.outbox.entries() == [] and view.entry.hasFocus()
        assert not errors


@pytest.mark.asyncio
async def test_an_empty_cache_says_so_and_a_sync_fills_the_location_picker(sandbox: Any, data_dir: Path) -> None:
    import asyncio

    async with open_window(sandbox, data_dir, sync=False) as (window, opened, errors):
        view = await _count_view(window)
        assert view.location.count() == 0 and "holds no stock locations yet" in view.heading.text()
        task = opened.workspace.start_sync(full=True)
        assert task is not None
        await asyncio.wait({task})
        assert view.location.count() == len(opened.workspace.counts.locations()) > 0
        assert not errors
