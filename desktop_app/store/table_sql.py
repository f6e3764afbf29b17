"""The SQL of a table's columns and of its orders: where each column's value comes from in the cache
(:class:`Source`, :func:`expression`), and a list of row ids handed from SQLite to Python as one text parsed in C
(:func:`_listed`, :func:`_ids`), narrowed without a Python object per row (:func:`shown`).
"""

from __future__ import annotations

import json
import re
from array import array
from itertools import compress
from typing import NamedTuple

from desktop_app.schema import Total
from desktop_app.store.keys import GENERATED

_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
#: Characters of an order's text parsed in one call (about 20,000 row ids: a millisecond or two holding the
#: interpreter lock, so the window's thread never waits long for it).
PIECE = 1 << 17
#: Row ids narrowed per step by a filter or find.
SLICE = 50_000


def _name(text: str) -> str:
    """A type or field name, safe to write into SQL (names come from the catalogue, never from input)."""
    if not _NAME.match(text):
        raise ValueError(f"not a name: {text!r}")
    return text


def _json(document: str, name: str, alias: str = "r") -> str:
    """A JSON value of the row ``alias``: its virtual column when it has one (the indexes are on those)."""
    column = GENERATED.get((document, name))
    return f"{alias}.{column}" if column else f"json_extract({alias}.{document}, '$.{_name(name)}')"


class Source(NamedTuple):
    """Where one column's value comes from, in the cache's terms.

    ``kind``: ``"id"``; ``"attribute"`` (``name``); ``"related"`` (``name`` is the relationship, ``target`` and
    ``target_attribute`` the related record's type and attribute); ``"total"`` (``total``); ``"derived"``: ``sql``
    is an expression over ``{input}`` placeholders, each an attribute of the row or the name of a ``total``."""

    key: str
    kind: str
    name: str = ""
    target: str = ""
    target_attribute: str = ""
    total: Total | None = None
    sql: str = ""
    inputs: tuple[str, ...] = ()
    totals: tuple[Total, ...] = ()
    text: bool = False  # compared without regard to case when sorted, and searched by the quick find
    boolean: bool = False


def expression(source: Source) -> str:
    """The SQL value of ``source`` for the row ``r``."""
    if source.kind == "id":
        return "r.id"
    if source.kind == "attribute":
        return _json("attributes", source.name)
    if source.kind == "related":
        return (
            f"(SELECT {_json('attributes', source.target_attribute, 't')} FROM records AS t "
            f"WHERE t.type = '{_name(source.target)}' AND t.id = {_json('relationships', source.name)} "
            "AND t.deleted = 0)"
        )
    if source.kind == "total":
        assert source.total is not None
        total = source.total
        return (
            f"(SELECT ifnull(sum({_json('attributes', total.attribute, 't')}), 0) FROM records AS t "
            f"WHERE t.type = '{_name(total.type)}' AND t.deleted = 0 "
            f"AND {_json('relationships', total.via, 't')} = r.id)"
        )
    if source.kind == "derived":
        totals = {t.name: t for t in source.totals}
        values = {
            name: expression(Source(name, "total", total=totals[name])) if name in totals else _json("attributes", name)
            for name in source.inputs
        }
        return source.sql.format(**values)
    raise ValueError(f"unknown column source {source.kind!r}")


def _ids(text: str | None) -> array[int]:
    """The comma-separated rowids of :func:`_listed` as an array. Parsed a :data:`PIECE` at a time: each piece is one C
    call holding the interpreter lock briefly, so the window's thread gets it back in between."""
    out = array("q")
    if not text:
        return out
    start = 0
    while start < len(text):
        end = text.find(",", start + PIECE)
        end = len(text) if end < 0 else end
        out.extend(json.loads("[" + text[start:end] + "]"))
        start = end + 1
    return out


def _listed(select: str) -> str:
    """A statement returning one column ``rid`` of rowids as one comma-separated text, in the same order: built
    inside SQLite, which holds no interpreter lock while it runs (a row at a time, Python would build a million
    objects, holding it)."""
    return f"SELECT group_concat(rid) FROM ({select})"


def shown(order: array[int], rows: set[int] | None) -> array[int]:
    """``order`` narrowed to ``rows`` (``None``: all), keeping its order: C-speed for a million rows, a slice at a
    time, so a worker thread hands the interpreter lock back to the window's thread between slices."""
    if rows is None:
        return order
    out = array("q")
    for start in range(0, len(order), SLICE):
        part = order[start : start + SLICE]
        out.extend(compress(part, map(rows.__contains__, part)))
    return out
