"""List pages kept as the JSON text the server sent, for a consumer that stores them as they are.

A full sync of 10,000 records spends more on turning each page into :class:`~desktop_app.api.Record` objects and
back into JSON for SQLite than on fetching it; :meth:`CommerceLayerClient.list_all_raw` skips both and the cache
reads the text itself. Everyone else keeps the typed pages of ``list_page``/``list_all``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

#: The list document's own ``meta`` right after the ``data`` array (the order the API writes its members in).
_LIST_META = re.compile(rb'\],"meta":\{"record_count":(\d+),"page_count":(\d+)\}')


@dataclass(frozen=True)
class RawPage:
    """One page of a list as received. ``type`` is canonical (whatever dialect the server spoke); ``text`` is
    the whole JSON:API document, its records under ``data``."""

    type: str
    text: str
    record_count: int
    page_count: int
    number: int
    #: The answer's ``Date`` header as sent (page 1 of :meth:`CommerceLayerClient.list_all_raw` only).
    date: str | None = None


def read_raw_page(type_: str, body: bytes, number: int, check: bool = False, date: str | None = None) -> RawPage:
    """Wrap a list answer; raises ``ValueError`` when it is not a JSON:API list document.

    The counts come from the list's ``meta`` found by its position after ``data``; when that pattern is not
    there or not alone (other spacing or member order, a record's metadata of that shape), or ``check`` asks for
    it, the document is decoded and inspected whole.
    """
    found = None if check else _last_match(body)
    if found is not None:
        record_count, page_count = found
    else:
        document: Any = json.loads(body)
        if not isinstance(document, dict) or not isinstance(document.get("data"), list):
            raise ValueError("the answer is not a JSON:API list document")
        meta = document.get("meta") or {}
        record_count = int(meta.get("record_count", len(document["data"])))
        page_count = int(meta.get("page_count", 1 if document["data"] else 0))
    return RawPage(type_, body.decode("utf-8"), record_count, page_count, number, date)


def _last_match(body: bytes) -> tuple[int, int] | None:
    """The counts when the list's ``meta`` is the only ``record_count`` in the body (so a record's own metadata
    written in the same shape can never be mistaken for it)."""
    if body.count(b'"record_count"') != 1:
        return None
    start = body.rfind(b'],"meta":{"record_count":')
    match = _LIST_META.match(body, start) if start >= 0 else None
    return (int(match.group(1)), int(match.group(2))) if match else None
