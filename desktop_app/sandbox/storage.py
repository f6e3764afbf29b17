"""The sandbox's records: SQLite is the store of record, with a decoded mirror per type kept beside it.

Every change is written to SQLite inside the request's transaction before the client hears about it (so a
dropped connection after the commit still leaves the record, and ``--db PATH`` survives restarts). Reads use the
in-memory mirror because Ransack filters traverse relationships and compare JSON values in ways SQL would have to
re-implement per predicate; keeping decoded records at hand is also what lets one core serve hundreds of list pages a
second. Has-many relationships (and to-one relationships whose key lives on the other side, such as a stock item's
``reserved_stock``) are never stored: they are derived from a reverse index of the stored to-one keys.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import sqlite3
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from desktop_app.sandbox.history import changes, event_of, history_type, worth_a_version
from desktop_app.sandbox.stamps import defaults, timestamp
from desktop_app.schema import Relationship, get_resource, resources

ID_ALPHABET = string.ascii_letters
SERVED_TYPES: tuple[str, ...] = tuple(resources())


class Record:
    """One stored resource: attributes in canonical JSON form and the ids of its stored to-one relationships."""

    __slots__ = ("attributes", "encoded", "id", "relationships", "type")

    def __init__(self, type_: str, id_: str, attributes: dict[str, Any], relationships: dict[str, str | None]) -> None:
        self.type = type_
        self.id = id_
        self.attributes = attributes
        self.relationships = relationships
        #: The stored attributes as list documents print them, cached by the renderer (records are replaced,
        #: never changed, once saved).
        self.encoded: str | None = None

    def body(self) -> str:
        return json.dumps({"attributes": self.attributes, "relationships": self.relationships}, separators=(",", ":"))


@dataclass
class Effects:
    """Records a change saves or deletes besides the one the client named: a completed transfer's stock items,
    the reserved stock a transfer holds. They are written in the same transaction as the named record."""

    saved: list[Record] = field(default_factory=list)
    deleted: list[Record] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.saved or self.deleted)


@cache
def stored_relationships(type_: str) -> tuple[Relationship, ...]:
    """To-one relationships whose key this type keeps (``stock_item.sku``), as opposed to derived ones."""
    return tuple(r for r in get_resource(type_).to_one if not is_derived(type_, r.name))


@cache
def is_derived(type_: str, rel_name: str) -> bool:
    """Whether ``rel_name`` is computed from the other side: every has-many, and a read-only to-one of a writable
    resource whose target points back (a stock item's ``reserved_stock`` is the reserved stock naming it)."""
    resource = get_resource(type_)
    rel = resource.relationships[rel_name]
    if not rel.to_one:
        return True
    if not resource.can("create") or rel.creatable or rel.updatable:
        return False
    target = get_resource(rel.target)
    return any(back.target == type_ for back in target.to_one)


@cache
def relation_facts(type_: str, rel_name: str) -> tuple[str, bool]:
    """(target type, derived?) of a relationship: looked up on every rendered record, so cached."""
    return get_resource(type_).relationships[rel_name].target, is_derived(type_, rel_name)


@cache
def back_references(type_: str, rel_name: str) -> tuple[str, ...]:
    """For a derived relationship, the stored to-one relationships of the target that point at ``type_``."""
    rel = get_resource(type_).relationships[rel_name]
    return tuple(back.name for back in stored_relationships(rel.target) if back.target == type_)


def new_id(taken: dict[str, Record]) -> str:
    while True:
        candidate = "".join(secrets.choice(ID_ALPHABET) for _ in range(10))
        if candidate not in taken:
            return candidate


class Store:
    """All records of all served types, in SQLite and in memory, plus the reverse index of to-one keys."""

    def __init__(self, path: str | None = None) -> None:
        self.connection = sqlite3.connect(path or ":memory:", check_same_thread=False, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.execute(
            "CREATE TABLE IF NOT EXISTS records (type TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL,"
            " body TEXT NOT NULL, PRIMARY KEY (type, id))"
        )
        self.tables: dict[str, dict[str, Record]] = {t: {} for t in SERVED_TYPES}
        self._refs: dict[tuple[str, str], dict[tuple[str, str, str], None]] = {}
        self._seq = 0
        self._in_transaction = False
        #: Each type's records in insertion order, as a list: a page is then a slice, as fast deep in a table of a
        #: million as at its start (a dict has no positions, so page N had to walk past every record before it).
        self._lists: dict[str, list[Record]] = {}
        #: Versions by the (type, id) they describe, oldest first: what ``<type>/<id>/versions`` lists.
        self._history: dict[tuple[str, str], list[Record]] = {}
        #: ``who`` of the request whose writes are landing (see :mod:`desktop_app.sandbox.history`); while it is
        #: ``None`` (seed load, reset) writes leave no version.
        self.who: dict[str, Any] | None = None

    # -- loading -----------------------------------------------------------------------------------------------
    def is_empty(self) -> bool:
        return self.connection.execute("SELECT 1 FROM records LIMIT 1").fetchone() is None

    def load_from_disk(self) -> None:
        """Fill the mirror from the SQLite file (a restart with ``--db PATH``)."""
        self._clear_memory()
        for type_, id_, seq, body in self.connection.execute("SELECT type, id, seq, body FROM records ORDER BY seq"):
            if type_ not in self.tables:
                continue
            data = json.loads(body)
            self._remember(Record(type_, id_, data["attributes"], data["relationships"]))
            self._seq = max(self._seq, seq)

    def replace_all(self, records: list[Record]) -> None:
        """Throw everything away and store ``records`` (seed load and ``/_sandbox/reset``)."""
        self._clear_memory()
        with self.transaction():
            self.connection.execute("DELETE FROM records")
            rows = []
            for record in records:
                self._remember(record)
                self._seq += 1
                rows.append((record.type, record.id, self._seq, record.body()))
            self.connection.executemany("INSERT INTO records VALUES (?, ?, ?, ?)", rows)

    def _clear_memory(self) -> None:
        self.tables = {t: {} for t in SERVED_TYPES}
        self._refs = {}
        self._seq = 0
        self._lists = {}
        self._history = {}

    # -- reading -----------------------------------------------------------------------------------------------
    def table(self, type_: str) -> dict[str, Record]:
        return self.tables[type_]

    def listing(self, type_: str) -> list[Record]:
        """``type_``'s records in the order a listing pages through them (do not change the list: it is kept
        until the type's next change)."""
        found = self._lists.get(type_)
        if found is None:
            found = self._lists[type_] = list(self.tables[type_].values())
        return found

    def get(self, type_: str, id_: str) -> Record | None:
        return self.tables[type_].get(id_)

    def related(self, record: Record, rel_name: str) -> list[Record]:
        """The records a relationship of ``record`` points at (stored or derived)."""
        target_type, derived = relation_facts(record.type, rel_name)
        if not derived:
            target_id = record.relationships.get(rel_name)
            found = self.tables[target_type].get(target_id) if target_id else None
            return [found] if found is not None else []
        if target_type == history_type():
            return list(self._history.get((record.type, record.id), ()))
        rel = get_resource(record.type).relationships[rel_name]
        backs = back_references(record.type, rel_name)
        table = self.tables[rel.target]
        out: list[Record] = []
        for ref_type, ref_id, ref_rel in self._refs.get((record.type, record.id), {}):
            if ref_type == rel.target and ref_rel in backs:
                found = table.get(ref_id)
                if found is not None and found not in out:
                    out.append(found)
        return out[:1] if rel.to_one else out

    def referrers(self, record: Record) -> list[tuple[Record, str]]:
        """Stored to-one keys pointing at ``record``: what makes deleting it a 423."""
        out = []
        for ref_type, ref_id, ref_rel in self._refs.get((record.type, record.id), {}):
            found = self.tables[ref_type].get(ref_id)
            if found is not None:
                out.append((found, ref_rel))
        return out

    # -- writing -----------------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One SQLite transaction; nested uses join the outer one. The mirror is only touched after each write
        succeeded in SQLite, and a failed transaction reloads it from disk so both agree."""
        if self._in_transaction:
            yield
            return
        self._in_transaction = True
        self.connection.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            self._in_transaction = False
            self.load_from_disk()
            raise
        self.connection.execute("COMMIT")
        self._in_transaction = False

    def new_id(self, type_: str) -> str:
        return new_id(self.tables[type_])

    def save(self, record: Record) -> None:
        """Insert or replace ``record``."""
        record.encoded = None
        self._lists.pop(record.type, None)
        table = self.tables[record.type]
        old = table.get(record.id)
        if old is not None:
            self._forget_refs(old)
            self.connection.execute(
                "UPDATE records SET body = ? WHERE type = ? AND id = ?", (record.body(), record.type, record.id)
            )
        else:
            self._seq += 1
            self.connection.execute(
                "INSERT INTO records VALUES (?, ?, ?, ?)", (record.type, record.id, self._seq, record.body())
            )
        self._remember(record)
        self._version(old, record)

    def apply(self, effects: Effects) -> None:
        for record in effects.saved:
            self.save(record)
        for record in effects.deleted:
            self.delete(record)

    def delete(self, record: Record) -> None:
        self.connection.execute("DELETE FROM records WHERE type = ? AND id = ?", (record.type, record.id))
        self._forget_refs(record)
        self._lists.pop(record.type, None)
        self.tables[record.type].pop(record.id, None)
        self._version(record, None)

    def _version(self, old: Record | None, new: Record | None) -> None:
        """Record the version a write leaves, in the same transaction (rules in :mod:`desktop_app.sandbox.history`)."""
        subject = new or old
        versions = history_type()
        if self.who is None or subject is None or versions is None or subject.type == versions:
            return
        event = event_of(old, new)
        changed = changes(
            (old.attributes, old.relationships) if old else None, (new.attributes, new.relationships) if new else None
        )
        if not worth_a_version(event, changed):
            return
        now = timestamp()
        attributes = defaults(versions) | {
            "resource_type": subject.type,
            "resource_id": subject.id,
            "event": event,
            "changes": changed,
            "who": self.who,
            "created_at": now,
            "updated_at": now,
        }
        self.save(Record(versions, self.new_id(versions), attributes, {}))

    def _remember(self, record: Record) -> None:
        self._lists.pop(record.type, None)
        self.tables[record.type][record.id] = record
        if record.type == history_type():
            subject = (record.attributes["resource_type"], record.attributes["resource_id"])
            self._history.setdefault(subject, []).append(record)
        for rel in stored_relationships(record.type):
            target_id = record.relationships.get(rel.name)
            if target_id:
                self._refs.setdefault((rel.target, target_id), {})[(record.type, record.id, rel.name)] = None

    def _forget_refs(self, record: Record) -> None:
        for rel in stored_relationships(record.type):
            target_id = record.relationships.get(rel.name)
            if target_id:
                self._refs.get((rel.target, target_id), {}).pop((record.type, record.id, rel.name), None)
