"""Names and codes of the records other tables point at, read once from the cache and refreshed after a sync.

A stock item row stores its SKU's id; the table shows the SKU's code and name. Keeping one small dictionary per
target type (a few thousand entries at most) is far cheaper than joining per row or holding related objects.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from desktop_app.schema import all_totals, app_type, lookup_types

#: Names and codes by type and id, and each total's value by row id, by total name.
Parsed = tuple[dict[str, dict[str, dict[str, Any]]], dict[str, dict[str, int]]]


def named_types() -> list[tuple[str, tuple[str, ...]]]:
    """Each lookup type with the attributes its records are called by (a SKU's code and name, an address's city and
    country): what the lookups read of each."""
    return [(type_, app_type(type_).named_by) for type_ in lookup_types()]


class RecordLike(Protocol):
    """What the window needs of a record: a cached one (contract E) or a freshly fetched one (contract C)."""

    @property
    def id(self) -> str: ...

    @property
    def attributes(self) -> dict[str, Any]: ...

    @property
    def relationships(self) -> dict[str, Any]: ...


class Lookups:
    """``id -> {"name": ..., "code": ...}`` per lookup type (the attributes its entry is named by), and the value
    of each total (a stock item's reserved quantity) per row id.

    :meth:`start_loading` reads them in a worker thread; the first use of :attr:`by_type` or :attr:`reserved` waits
    for that read (from any thread), so a window can paint its first screenful, which reads its few related names
    from SQLite itself, before parsing the names of every record."""

    def __init__(self) -> None:
        self._by_type: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in lookup_types()}
        self._totals: dict[str, dict[str, int]] = {t.name: {} for t in all_totals()}
        self._pending: Callable[[], Parsed] | None = None
        self._lock = threading.Lock()

    @property
    def by_type(self) -> dict[str, dict[str, dict[str, Any]]]:
        self.wait()
        return self._by_type

    @property
    def totals(self) -> dict[str, dict[str, int]]:
        """Each :class:`~desktop_app.schema.Total`'s value by row id, by the total's name."""
        self.wait()
        return self._totals

    def total(self, name: str, record_id: Any) -> int:
        return self.totals.get(name, {}).get(record_id, 0)

    def wait(self) -> None:
        """Take the result of :meth:`start_loading`'s read (waiting for it when it is not done yet)."""
        if self._pending is None:
            return
        with self._lock:
            pending = self._pending
            if pending is not None:
                self._by_type, self._totals = pending()
                self._pending = None  # only now: a reader that sees no read pending sees its result

    def set_records(self, type_: str, records: Iterable[RecordLike]) -> None:
        """Take all of ``type_``'s records: their names, and the totals summed over them."""
        records = list(records)
        self.wait()
        for total in all_totals():
            if total.type == type_:
                sums: dict[str, int] = {}
                for r in records:
                    row = r.relationships.get(total.via)
                    if isinstance(row, str):
                        sums[row] = sums.get(row, 0) + int(r.attributes.get(total.attribute) or 0)
                self._totals[total.name] = sums
        if type_ in lookup_types():
            named = app_type(type_).named_by
            self._by_type[type_] = {r.id: {name: r.attributes.get(name) for name in named} for r in records}

    def load(self, cache_file: Any) -> None:
        """Read every lookup from the cache file in one SQL statement (no record objects), now."""
        parsed = _read_now(cache_file)
        with self._lock:
            self._by_type, self._totals = parsed
            self._pending = None  # a read still running is older than this one

    def start_loading(self, cache_file: Path, ahead: NamesRead | None = None) -> None:
        """Begin reading in a worker thread (or take over ``ahead``, a read of the same file begun before the window
        existed); the first use of the lookups, or :meth:`wait`, takes the result, so the window builds its widgets
        while SQLite reads."""
        read = ahead if ahead is not None and ahead.cache_file == cache_file else NamesRead(cache_file)
        with self._lock:
            self._pending = read.result

    def entry(self, type_: str, record_id: str) -> dict[str, Any] | None:
        """One record's names and codes (``None`` for a record the lookups do not hold), without parsing all of its
        type's names when they are not parsed yet (see :meth:`NamesByType.entry`)."""
        by_type = self.by_type
        if isinstance(by_type, NamesByType):
            return by_type.entry(type_, record_id)
        return by_type.get(type_, {}).get(record_id)

    def value(self, type_: str, record_id: Any, attribute: str) -> str | None:
        if not isinstance(record_id, str):
            return None
        entry = self.entry(type_, record_id)
        return None if entry is None else entry.get(attribute)

    def label(self, type_: str, record_id: str) -> str:
        """How a related record reads in a link or a picker: ``code — name``, ``Lyon, FR`` (an address), or
        whichever part exists; the id only for a record the cache does not hold."""
        entry = self.entry(type_, record_id) or {}
        view = app_type(type_)
        parts = [str(entry[name]) for name in view.named_by if entry.get(name)]
        return view.name_joiner.join(parts) if parts else record_id

    def search(self, type_: str, text: str, limit: int = 50) -> list[tuple[str, str]]:
        """``(id, label)`` of records whose name, code or id contains ``text`` (case-insensitive)."""
        needle = text.strip().lower()
        out: list[tuple[str, str]] = []
        for record_id, entry in self.by_type.get(type_, {}).items():
            hay = " ".join([*(str(v) for v in entry.values() if v), record_id]).lower()
            if needle in hay:
                out.append((record_id, self.label(type_, record_id)))
        out.sort(key=lambda pair: pair[1].lower())
        return out[:limit]


class NamesRead:
    """A read of a cache file's names and totals in a worker thread, handed to :meth:`Lookups.start_loading`.

    The start begins one before PySide6 is even imported (SQLite works without the interpreter lock while Qt
    loads); a window built later begins its own."""

    def __init__(self, cache_file: Path, *, ahead: bool = False) -> None:
        from desktop_app.store.columns import read_names

        self.cache_file = cache_file
        #: Started before the cache was opened (and maybe migrated or repaired): a failed read is done again.
        self.ahead = ahead
        self._outcome: dict[str, Any] = {}

        def read() -> None:
            try:
                self._outcome["value"] = read_names(cache_file, named_types(), all_totals())
            except BaseException as exc:  # handed to the waiting thread, which raises it
                self._outcome["error"] = exc

        self._thread = threading.Thread(target=read, name="stockroom-lookups", daemon=True)
        self._thread.start()

    @classmethod
    def ahead_of(cls, cache_file: Path) -> NamesRead | None:
        """Start reading ``cache_file`` ahead of the window; nothing when the file does not exist yet (the window
        then reads the empty cache it creates itself)."""
        return cls(cache_file, ahead=True) if Path(cache_file).is_file() else None

    def result(self) -> Parsed:
        self._thread.join()
        if "error" in self._outcome and self.ahead:
            return _read_now(self.cache_file)
        if "error" in self._outcome:
            raise self._outcome["error"]
        return parse_names(self._outcome["value"])


def _read_now(cache_file: Any) -> Parsed:
    from desktop_app.store.columns import read_names

    return parse_names(read_names(cache_file, named_types(), all_totals()))


class NamesByType(dict[str, dict[str, dict[str, Any]]]):
    """Names and codes by type and id, each type's documents parsed when that type is first asked for: 100,000
    SKUs of a million-item cache take 0.15 s to parse, which a tab that only wants the three inventory models (or
    a window that never shows a SKU picker) should not wait for on the window's thread."""

    def __init__(self, raw: dict[str, tuple[tuple[str, ...], list[str | None]]]) -> None:
        super().__init__()
        self._raw = raw
        self._lock = threading.Lock()

    def _parse(self, type_: str) -> bool:
        with self._lock:
            waiting = self._raw.pop(type_, None)
            if waiting is not None:
                dict.__setitem__(self, type_, _entries(*waiting))
        return dict.__contains__(self, type_)

    def entry(self, type_: str, record_id: str) -> dict[str, Any] | None:
        """One record's entry. A type not parsed yet is not parsed for it: the record's value is found in each of
        the type's documents and only that value is decoded. The details pane of the first stock item selected
        names its SKU and its stock location this way in well under a millisecond, where parsing the SKUs' names
        took 20 ms at 100,000 stock items (and 0.15 s at a million) on the window's thread."""
        if dict.__contains__(self, type_):
            return dict.__getitem__(self, type_).get(record_id)
        raw = self._raw.get(type_)
        if raw is None or not record_id.isprintable() or '"' in record_id or "\\" in record_id:
            entries: dict[str, dict[str, Any]] = self.get(type_, {})
            return entries.get(record_id)  # parsed now: an id the documents would write escaped
        return _one_entry(*raw, record_id)

    def _parse_all(self) -> None:
        for type_ in list(self._raw):
            self._parse(type_)

    def __missing__(self, type_: str) -> dict[str, dict[str, Any]]:
        if self._parse(type_):
            return dict.__getitem__(self, type_)
        raise KeyError(type_)

    def get(self, type_: str, default: Any = None) -> Any:
        try:
            return self[type_]
        except KeyError:
            return default

    def __contains__(self, type_: object) -> bool:
        return type_ in self._raw or dict.__contains__(self, type_)

    def __setitem__(self, type_: str, entries: dict[str, dict[str, Any]]) -> None:
        with self._lock:
            self._raw.pop(type_, None)
            dict.__setitem__(self, type_, entries)

    def __iter__(self) -> Any:
        self._parse_all()
        return dict.__iter__(self)

    def __len__(self) -> int:
        return len(self._raw) + dict.__len__(self)

    def __eq__(self, other: object) -> bool:
        self._parse_all()
        return dict.__eq__(self, other)

    __hash__ = dict.__hash__  # none: unhashable, as a dict is

    def keys(self) -> Any:
        self._parse_all()
        return dict.keys(self)

    def values(self) -> Any:
        self._parse_all()
        return dict.values(self)

    def items(self) -> Any:
        self._parse_all()
        return dict.items(self)


def _entries(named: tuple[str, ...], texts: list[str | None]) -> dict[str, dict[str, Any]]:
    """One type's ``{id: value}`` documents, one per naming attribute, as one entry per record."""
    import json

    entries: dict[str, dict[str, Any]] = {}
    for attribute, text in zip(named, texts, strict=True):
        for record_id, value in json.loads(text or "{}").items():
            entry = entries.get(record_id)
            if entry is None:
                entries[record_id] = entry = dict.fromkeys(named)
            entry[attribute] = value
    return entries


def _one_entry(named: tuple[str, ...], texts: list[str | None], record_id: str) -> dict[str, Any] | None:
    """``record_id``'s entry read out of its type's documents (``{"id":value,...}`` as SQLite writes them: no
    spaces, text as UTF-8). A key is found as ``{"id":`` or ``,"id":``: inside a JSON text a quote is always
    escaped, so that cannot be a value's text."""
    import json

    key = json.dumps(record_id, ensure_ascii=False) + ":"
    decoder = json.JSONDecoder()
    entry: dict[str, Any] | None = None
    for attribute, text in zip(named, texts, strict=True):
        if not text:
            continue
        at = 1 if text.startswith(key, 1) else text.find("," + key) + 1
        if at <= 0:
            continue
        value, _end = decoder.raw_decode(text, at + len(key))
        if entry is None:
            entry = dict.fromkeys(named)
        entry[attribute] = value
    return entry


def parse_names(texts: Sequence[str | None]) -> Parsed:
    """:func:`~desktop_app.store.columns.read_names`' documents as lookups: names and codes by type and id (each
    type parsed when first asked for), and each total's value by row id."""
    import json

    raw: dict[str, tuple[tuple[str, ...], list[str | None]]] = {}
    place = 0
    for type_, named in named_types():
        raw[type_] = (tuple(named), list(texts[place : place + len(named)]))
        place += len(named)
    totals: dict[str, dict[str, int]] = {}
    for total, text in zip(all_totals(), texts[place:], strict=False):
        totals[total.name] = {row: int(value or 0) for row, value in json.loads(text or "{}").items()}
    return NamesByType(raw), totals
