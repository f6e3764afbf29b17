"""The pages a window can open on, by the key it remembers them by: the stock views' and the resource tabs' (their
types). Qt-free, so the command line can offer them without loading Qt."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from desktop_app.schema import tab_types

#: The stock views with their tab labels; the Overview comes before the resource tabs, the others after them.
STOCK_PAGES = {"overview": "Overview", "low_stock": "Low stock", "find_sku": "Find SKU"}
LEADING = ("overview",)
#: What a window opens on the first time (later: the page it was closed on, kept in this setting).
DEFAULT_PAGE = "overview"
PAGE_SETTING = "window/page"
#: The settings' organisation and application name (QSettings files them under it).
ORGANISATION = "Stockroom"


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


def settings_file() -> Path | None:
    """Where QSettings keeps the window's settings on this platform when it is a file Python can read: an INI file
    under the XDG config folder (Linux and the BSDs). ``None`` elsewhere (the registry, a property list)."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None
    base = os.environ.get("XDG_CONFIG_HOME", "")
    folder = Path(base) if os.path.isabs(base) else Path.home() / ".config"  # Qt ignores a relative one too
    return folder / ORGANISATION / f"{ORGANISATION}.conf"


def remembered_page(path: Path | None) -> str | None:
    """The page the last window closed on, read from QSettings' INI file ``path`` without loading Qt; ``None`` when
    there is no such file or it does not name a page plainly (Qt then reads it: it knows its own escapes). Read by
    hand: ``configparser`` would add 2 ms of imports to every start, for one line of a file Qt wrote."""
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeError):
        return None
    group, _, key = PAGE_SETTING.partition("/")
    section = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif section == group:
            name, equals, value = line.partition("=")
            if equals and name.strip() == key:
                return value.strip() if value.strip() in page_keys() else None
    return None


def page_before_qt(requested: str | None, path: Path | None) -> str | None:
    """The page a window will open on when it is known before Qt loads: the one asked for, else the one QSettings'
    file ``path`` remembers; ``None`` when only Qt can tell (see :func:`opening_page`)."""
    return requested if requested in page_keys() else remembered_page(path)


def opening_page(requested: str | None) -> str:
    """:func:`start_page` with the page remembered in the application's settings (QtCore's; the application's
    names must be set)."""
    from PySide6.QtCore import QSettings

    return start_page(requested, QSettings().value(PAGE_SETTING))
