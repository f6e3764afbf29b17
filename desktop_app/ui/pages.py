"""The pages a window can open on, by the key it remembers them by: the stock views' and the resource tabs' (their
types). Qt-free, so the command line can offer them without loading Qt."""

from __future__ import annotations

from desktop_app.schema import tab_types

#: The stock views with their tab labels; the Overview comes before the resource tabs, the others after them.
STOCK_PAGES = {"overview": "Overview", "low_stock": "Low stock", "find_sku": "Find SKU"}
LEADING = ("overview",)
#: What a window opens on the first time (later: the page it was closed on, kept in this setting).
DEFAULT_PAGE = "overview"
PAGE_SETTING = "window/page"


def page_keys() -> tuple[str, ...]:
    return (*STOCK_PAGES, *tab_types())


def start_page(requested: str | None, remembered: object) -> str:
    """The page a window opens on: the one asked for (``--tab``), else the one shown when the last window closed,
    else the Overview."""
    keys = page_keys()
    for key in (requested, remembered):
        if isinstance(key, str) and key in keys:
            return key
    return DEFAULT_PAGE


def opening_page(requested: str | None) -> str:
    """:func:`start_page` with the page remembered in the application's settings (QtCore's; the application's
    names must be set)."""
    from PySide6.QtCore import QSettings

    return start_page(requested, QSettings().value(PAGE_SETTING))
