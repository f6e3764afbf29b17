"""Reorder points and target levels: whole numbers kept in Commerce Layer's own ``metadata``.

Commerce Layer has no reorder point, so Stockroom keeps one in the stock item's ``metadata`` as ``reorder_point``
(and a SKU's default for all its stock items in the SKU's ``metadata``); ``target_level`` is the level a reorder
should reach. Kept on the server, the thresholds are shared by every manager of the organisation and by any other
tool that sets them, so reading them must be forgiving (``12``, ``12.0`` and ``"12"`` are all twelve; anything else
counts as no threshold), and writing one must leave every other metadata key as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop_app.schema import FieldError
from desktop_app.store.stock_figures import REORDER_POINT, TARGET_LEVEL

__all__ = ["REORDER_POINT", "TARGET_LEVEL", "parse_threshold", "read_threshold", "with_threshold"]

#: Larger thresholds are typing mistakes, not stock levels (and would overflow SQLite's integers as text).
MAXIMUM = 1_000_000_000


def read_threshold(value: object) -> int | None:
    """A stored threshold as a whole number of 0 or more; ``None`` when absent or not such a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = int(value) if value.is_integer() else None
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        value = int(text) if text.isascii() and text.isdigit() else None
    if isinstance(value, int) and 0 <= value <= MAXIMUM:
        return value
    return None


def parse_threshold(text: str | int | None, name: str = REORDER_POINT) -> int | None:
    """What a person typed as a threshold: a whole number of 0 or more, or empty for none; a ``FieldError`` naming
    the field otherwise."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    value = read_threshold(text)
    if value is None:
        raise FieldError(name, f"must be a whole number from 0 to {MAXIMUM:,}, or empty for none", "not_an_integer")
    return value


def with_threshold(metadata: Mapping[str, Any] | None, name: str, value: int | None) -> dict[str, Any]:
    """``metadata`` with ``name`` set to ``value`` (removed when ``None``), every other key as it was."""
    if name not in (REORDER_POINT, TARGET_LEVEL):
        raise KeyError(f"not a threshold: {name!r}")
    updated = dict(metadata or {})
    if value is None:
        updated.pop(name, None)
    else:
        updated[name] = value
    return updated
