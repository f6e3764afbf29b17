"""The connection, its transactions and the JSON helpers shared by the cache's read, sync and outbox parts."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from desktop_app.schema import format_datetime

#: One encoder for every row written (``json.dumps`` with options builds a new one per call).
_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def dumps(value: Any) -> str:
    return _ENCODE(value)


def now_text() -> str:
    return format_datetime(datetime.now(UTC))


class CacheCore:
    """One SQLite connection in autocommit mode; every change goes through :meth:`transaction`.

    A re-entrant lock lets a background thread read while the owner writes without tripping over the shared
    connection; nested ``transaction()`` calls join the outer one, so composite operations stay atomic.
    """

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._lock = threading.RLock()
        self._depth = 0

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self._db
                finally:
                    self._depth -= 1
                return
            self._db.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self._db
            except BaseException:
                self._depth = 0
                self._db.execute("ROLLBACK")
                raise
            self._depth = 0
            self._db.execute("COMMIT")

    def _query(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[Any]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- the visible record of a row with pending edits -------------------------------------------------------

    def _rebuild_visible(self, db: sqlite3.Connection, type_: str, record_id: str) -> None:
        """Recompute what the user sees: the server's copy with every remaining outbox entry applied in order.

        Called inside a transaction whenever the server copy or the set of entries of a record changes, so the
        cache never shows a state that is neither the server's nor the server's plus the queued edits.
        """
        row = db.execute(
            "SELECT attributes, relationships, updated_at, server, local_only FROM records WHERE type = ? AND id = ?",
            (type_, record_id),
        ).fetchone()
        if row is None:
            return
        attributes_text, relationships_text, updated_at, server_text, local_only = row
        entries = db.execute(
            "SELECT op, attributes, relationships FROM outbox WHERE type = ? AND record_id = ? ORDER BY seq",
            (type_, record_id),
        ).fetchall()
        if not entries:
            if local_only:
                db.execute("DELETE FROM records WHERE type = ? AND id = ?", (type_, record_id))
                return
            if server_text is not None:
                server = json.loads(server_text)
                attributes_text = dumps(server["attributes"])
                relationships_text = dumps(server["relationships"])
                updated_at = server["updated_at"]
            db.execute(
                "UPDATE records SET attributes = ?, relationships = ?, updated_at = ?, pending = 0, deleted = 0, "
                "server = NULL WHERE type = ? AND id = ?",
                (attributes_text, relationships_text, updated_at, type_, record_id),
            )
            return
        if server_text is not None:
            server = json.loads(server_text)
        elif local_only:
            server = {"attributes": {}, "relationships": {}, "updated_at": None}
        else:
            server = {
                "attributes": json.loads(attributes_text),
                "relationships": json.loads(relationships_text),
                "updated_at": updated_at,
            }
        attributes: dict[str, Any] = dict(server["attributes"])
        relationships: dict[str, Any] = dict(server["relationships"])
        deleted = 0
        for op, entry_attributes, entry_relationships in entries:
            if op == "delete":
                deleted = 1
                continue
            changes = json.loads(entry_attributes)
            attributes.update({k: v for k, v in changes.items() if not k.startswith("_")})
            relationships.update(json.loads(entry_relationships))
        db.execute(
            "UPDATE records SET attributes = ?, relationships = ?, updated_at = ?, pending = 1, deleted = ?, "
            "server = ? WHERE type = ? AND id = ?",
            (
                dumps(attributes),
                dumps(relationships),
                server["updated_at"],
                deleted,
                None if local_only else dumps(server),
                type_,
                record_id,
            ),
        )
