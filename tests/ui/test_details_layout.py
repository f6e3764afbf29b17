"""The details pane shows every field whole: a wrapped value gets the height its lines need, no row covers another
or the sections above it, and a value takes the width the pane has before it wraps. Checked on the real window
over the demo sandbox, at 1280×800 and with the splitter narrowing the pane."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from tests.ui.conftest import open_window, settle


async def _laid_out(pane: Any, timeout: float = 5.0) -> None:  # noqa: ASYNC109
    """Check the pane once Qt has laid it out. Its related lists arrive from a worker thread and each one lays
    the pane out again, later on a loaded machine: the check is retried until it holds, and its own failure is
    what a pane that never settles reports."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        await asyncio.sleep(0.05)
        try:
            _check_pane(pane)
            return
        except AssertionError:
            if asyncio.get_running_loop().time() > deadline:
                raise


async def _select(window: Any, type_: str) -> Any:
    tab = window.tab_by_type[type_]
    window.tabs.setCurrentWidget(tab)
    await settle(window)
    tab.table.selectRow(0)
    await settle(window)
    return tab


def _whole(widget: QWidget, what: str) -> None:
    """``widget`` is as tall as its text needs at the width it was given."""
    if widget.hasHeightForWidth():
        needed = widget.heightForWidth(widget.width())
        assert widget.height() >= needed, f"{what}: {widget.height()} px tall, its text needs {needed}"
    assert widget.height() >= widget.minimumSizeHint().height(), what


def _check_pane(pane: Any) -> None:
    form: QFormLayout = pane.form
    host = pane.form_host
    room = form.contentsRect()
    previous_bottom = -1
    for row in range(form.rowCount()):
        caption = form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
        field = form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget()
        assert isinstance(caption, QLabel) and isinstance(field, QLabel)
        what = caption.text()
        _whole(caption, what)
        _whole(field, what)
        top = min(caption.geometry().top(), field.geometry().top())
        assert top > previous_bottom, f"{what} overlaps the row above it"
        previous_bottom = max(caption.geometry().bottom(), field.geometry().bottom())
        assert field.geometry().right() >= room.right() - 2, f"{what}: the value does not take the pane's width"
    assert previous_bottom <= host.height(), "the last rows fall outside the form"
    # The pane's sections (title, related lists, history, fields, metadata) stack without covering each other.
    column = pane._column
    shown = [
        column.itemAt(i).widget()
        for i in range(column.count())
        if column.itemAt(i).widget() is not None and column.itemAt(i).widget().isVisible()
    ]
    for above, below in itertools.pairwise(shown):
        assert above.geometry().bottom() < below.geometry().top(), f"{below} overlaps {above}"
        _whole(above, str(above))


@pytest.mark.asyncio
async def test_every_field_of_the_details_pane_reads_whole(fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, _opened, errors):
        window.resize(1280, 800)
        for type_ in ("stock_locations", "skus", "stock_items"):
            tab = await _select(window, type_)
            await _laid_out(tab.details)
            sizes = tab.splitter.sizes()
            tab.splitter.setSizes([sum(sizes) - 240, 240])  # a person drags the pane narrower
            await _laid_out(tab.details)
            tab.splitter.setSizes(sizes)
            await asyncio.sleep(0.05)
        assert not errors


@pytest.mark.asyncio
async def test_a_sku_name_fits_on_one_line_in_the_default_pane(fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, _opened, errors):
        window.resize(1280, 800)
        tab = await _select(window, "skus")
        await _laid_out(tab.details)
        form: QFormLayout = tab.details.form
        for row in range(form.rowCount()):
            caption = form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
            if isinstance(caption, QLabel) and caption.text() == "Name:":
                field = form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget()
                line = field.fontMetrics().lineSpacing()
                assert field.height() < 2 * line, f"{field.text()!r} wraps where the pane has room"
                break
        else:
            raise AssertionError("no Name: in the SKU's details")
        assert not errors


def _check_names_whole(table: Any) -> None:
    """Each location's name reads whole (on one line, or wrapped in a row tall enough), the figures beside it."""
    metrics = table.fontMetrics()
    room = table.columnWidth(0) - 8  # the cell's margins
    for row in range(table.rowCount()):
        text = table.item(row, 0).text()
        if metrics.horizontalAdvance(text) <= room:
            continue
        assert table.wordWrap(), f"{text!r} is cut in a {table.columnWidth(0)} px column"
        wrapped = metrics.boundingRect(QRect(0, 0, room, 10_000), Qt.TextFlag.TextWordWrap, text)
        assert wrapped.width() <= room and wrapped.height() <= table.rowHeight(row), f"{text!r} does not fit its row"
    header = table.horizontalHeader()
    for column in range(1, table.columnCount()):  # the figures: as wide as their heading or figures, no wider
        assert table.columnWidth(column) <= max(header.sectionSizeHint(column), table.sizeHintForColumn(column))
    rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
    assert table.viewport().height() >= rows, "every location in view"


@pytest.mark.asyncio
async def test_a_sku_s_stock_by_location_shows_whole_names(fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, _opened, errors):
        window.resize(1280, 800)
        tab = await _select(window, "skus")
        await _laid_out(tab.details)
        table = tab.details.related.tables["stock_items"]
        assert table.rowCount() > 0
        _check_names_whole(table)
        sizes = tab.splitter.sizes()
        tab.splitter.setSizes([sum(sizes) - 320, 320])
        await _laid_out(tab.details)
        _check_names_whole(table)
        assert not errors
