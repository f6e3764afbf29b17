"""Screenshots of every tab (offscreen ``grab()``) so a person can look at the window without a display.

Set ``STOCKROOM_SCREENSHOTS=/some/folder`` to keep the PNGs; without it the tabs are still grabbed and checked.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor

from desktop_app.ui.theme import apply_theme
from tests.ui.conftest import open_window, settle


def _not_blank(image: Any) -> bool:
    colours = {image.pixelColor(x, y).rgb() for x in range(0, image.width(), 37) for y in range(0, image.height(), 23)}
    return len(colours) > 3


@pytest.mark.asyncio
async def test_screenshot_of_every_tab(fresh_sandbox: Any, data_dir: Path) -> None:
    folder = os.environ.get("STOCKROOM_SCREENSHOTS")
    target = Path(folder) if folder else None
    if target is not None:
        target.mkdir(parents=True, exist_ok=True)
    async with open_window(fresh_sandbox, data_dir) as (window, _, errors):
        window.resize(1360, 820)
        for scheme in ("light", "dark"):
            from PySide6.QtCore import Qt

            apply_theme(Qt.ColorScheme.Dark if scheme == "dark" else Qt.ColorScheme.Light)
            for index in range(window.tabs.count()):
                window.tabs.setCurrentIndex(index)
                tab = window.current_tab()
                tab.table.selectRow(0)
                if tab.type == "inventory_stock_locations" and scheme == "light":
                    tab.filters_button.setChecked(True)
                await settle(window)
                await asyncio.sleep(0.05)  # let Qt lay out the details pane before grabbing
                image = window.grab().toImage()
                assert not image.isNull() and _not_blank(image), tab.type
                if target is not None:
                    image.save(str(target / f"{index + 1}-{tab.type}-{scheme}.png"))
                tab.filters_button.setChecked(False)
        apply_theme()
        assert QColor(window.palette().base().color()).isValid()
        assert not errors
