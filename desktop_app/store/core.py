"""The connection and its transactions, shared by the cache's parts, and the JSON helpers they write rows with."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from desktop_app.errors import StockroomError
from desktop_app.schema import format_datetime

#: SQLite's answers meaning "this file is damaged or is no database at all" (SQLITE_CORRUPT, SQLITE_NOTADB).
_DAMAGED = {11, 26}
#: SQLITE_BUSY: another connection holds the write lock.
_BUSY = 5
#: How long a transaction waits for another connection's write lock, in milliseconds (outside :meth:`not_waiting`).
BUSY_TIMEOUT_MS = 30_000


class CacheBusy(StockroomError):
    """Another connection (the writer thread's, or another process's) holds the cache's write lock, and the
    transaction was told not to wait for it: nothing was written."""


#: One encoder for every row written (``json.dumps`` with options builds a new one per call).
_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def dumps(value: Any) -> str:
    return _ENCODE(value)


def now_text() -> str:
    return format_datetime(datetime.now(UTC))


class Database:
    """One SQLite connection in autocommit mode; every change goes through :meth:`transaction`.

    The records, the sync state and the outbox are parts over this one connection, so a change that spans them
    (an edit and its outbox entry, a listing and its high-water mark) is still one transaction. A re-entrant lock
    lets a background thread read while the owner writes without tripping over the shared connection; nested
    ``transaction()`` calls join the outer one, so composite operations stay atomic.
    """

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self._lock = threading.RLock()
        self._depth = 0
        self._waits = True
        #: SQLite found a damaged page during this session: the file must be checked whole at its next open.
        self.damaged = False

    def _note(self, error: BaseException) -> None:
        if isinstance(error, sqlite3.DatabaseError) and getattr(error, "sqlite_errorcode", 0) & 0xFF in _DAMAGED:
            self.damaged = True

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.connection
                finally:
                    self._depth -= 1
                return
            self._begin()
            self._depth = 1
            try:
                yield self.connection
            except BaseException as error:
                self._note(error)
                self._depth = 0
                # SQLite rolls back by itself on some errors (interrupted, disk full, out of memory): a ROLLBACK
                # then fails and would hide the error that matters.
                if self.connection.in_transaction:
                    self.connection.execute("ROLLBACK")
                raise
            self._depth = 0
            self.connection.execute("COMMIT")

    def _begin(self) -> None:
        try:
            self.connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if self._waits or getattr(error, "sqlite_errorcode", 0) & 0xFF != _BUSY:
                raise
            raise CacheBusy("the cache is being written by another connection; nothing was written") from error

    @contextlib.contextmanager
    def not_waiting(self) -> Iterator[None]:
        """Transactions begun in this block do not wait for another connection's write lock: they raise
        :class:`CacheBusy` at once, having written nothing. The event loop's thread must not wait (a second or more)
        while the writer thread commits a batch of thousands; it hands the change to that thread instead."""
        with self._lock:
            if not self._waits or self._depth:
                yield  # already not waiting, or inside a transaction that holds the lock
                return
            self.connection.execute("PRAGMA busy_timeout = 0")
            self._waits = False
            try:
                yield
            finally:
                self._waits = True
                self.connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection for a few reads in a row, without a transaction of its own (no write lock taken)."""
        with self._lock:
            try:
                yield self.connection
            except sqlite3.DatabaseError as error:
                self._note(error)
                raise

    def query(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[Any]:
        """Rows of one statement, outside any transaction of the caller's (reads, and pragmas)."""
        with self._lock:
            try:
                return self.connection.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as error:
                self._note(error)
                raise

    def close(self) -> None:
        with self._lock:
            self.connection.close()


def db_name(db: sqlite3.Connection) -> str:
    rows = db.execute("PRAGMA database_list").fetchall()
    return str(rows[0][2]) if rows else "file"
