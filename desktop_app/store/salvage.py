"""Queued edits rescued from a cache file that was set aside (damaged, or written by a newer Stockroom).

The outbox may hold the only copy of someone's work, so a file we no longer trust is not just replaced: every
entry SQLite can still read is copied into the new cache with its record, in its order, with its attempt count
(a create that may have reached the server is still looked up by its ``stockroom_op`` mark before it is sent
again). The set-aside file itself is never changed: reading happens on a copy, whose header is rebuilt when only
the header was damaged. What could not be read is counted, when the file still says how many there were.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.store.records import LOCAL_ID_PREFIX

log = logging.getLogger("desktop_app.store")

#: The outbox columns copied (present in every schema since the first; newer files may have more).
_ENTRY = (
    "seq, id, op, type, record_id, attributes, relationships, base, state, error, field_errors, theirs, label, "
    "group_id, attempts, created_at"
)
_RECORD = "type, id, attributes, relationships, updated_at, seen_at, local_only, server"
#: Probing every sequence number one by one is the last resort; beyond this many the rest count as unread.
_MAX_PROBES = 200_000
_MAGIC = b"SQLite format 3\x00"


@dataclass
class Salvage:
    """What a set-aside file gave back: outbox rows, the records they edit, and how many entries were lost."""

    entries: dict[int, tuple[Any, ...]] = field(default_factory=dict)
    records: dict[tuple[str, str], tuple[Any, ...]] = field(default_factory=dict)
    #: Entries the file says it held but that could not be read; ``None`` when it cannot say.
    lost: int | None = 0

    def describe(self) -> str:
        """The sentence for the user: how many queued edits came back, and how many could not be read."""
        recovered = len(self.entries)
        if self.lost is None:
            lost = "; some may not have been readable"
        elif self.lost:
            lost = f"; {_edits(self.lost)} could not be read"
        else:
            lost = ""
        if not recovered and self.lost == 0:
            return "It held no queued edits."
        return f"{_edits(recovered).capitalize()} recovered from it{lost}."


def _edits(count: int) -> str:
    return f"{count:,} queued edit" + ("" if count == 1 else "s")


@contextlib.contextmanager
def _readable_copy(moved: Path) -> Iterator[sqlite3.Connection | None]:
    """A connection to a copy of ``moved`` (with its WAL), its header rebuilt if that is all that keeps it closed."""
    with tempfile.TemporaryDirectory(prefix="stockroom-salvage-") as folder:
        copy = Path(folder) / "cache.sqlite3"
        try:
            shutil.copyfile(moved, copy)
            wal = moved.with_name(moved.name + "-wal")
            if wal.exists():
                shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        except OSError as error:
            log.warning("could not copy %s to read its queued edits: %s", moved, error)
            yield None
            return
        db = _open_readable(copy)
        try:
            yield db
        finally:
            if db is not None:
                db.close()


def _schema_readable(db: sqlite3.Connection) -> bool:
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        return False
    return True


def _open_readable(copy: Path) -> sqlite3.Connection | None:
    if copy.stat().st_size == 0:
        return None
    db = sqlite3.connect(copy, isolation_level=None)
    if _schema_readable(db):
        return db
    db.close()
    with contextlib.suppress(sqlite3.DatabaseError, OSError):
        copy.with_name(copy.name + "-wal").unlink(missing_ok=True)  # a rebuilt header describes no WAL
    for page_size in (4096, 1024, 2048, 8192, 16384, 32768, 65536):
        _rebuild_header(copy, page_size)
        db = sqlite3.connect(copy, isolation_level=None)
        if _schema_readable(db):
            log.info("read %s with a rebuilt header (page size %d)", copy, page_size)
            return db
        db.close()
    return None


def _rebuild_header(copy: Path, page_size: int) -> None:
    """Write the 100-byte database header as SQLite would for a plain UTF-8 file of ``page_size`` pages.

    The header is the only part of page 1 that is not the schema's own B-tree: when garbage hit only it, the rest of
    the file is intact and a standard header opens it again (page count 0 makes SQLite use the file size)."""
    header = bytearray(100)
    header[0:16] = _MAGIC
    header[16:18] = (1 if page_size == 65536 else page_size).to_bytes(2, "big")
    header[18], header[19] = 1, 1  # rollback journal: the copy's WAL (if any) was dropped
    header[21], header[22], header[23] = 64, 32, 32
    header[40:44] = (1).to_bytes(4, "big")  # schema cookie
    header[44:48] = (4).to_bytes(4, "big")  # schema format
    header[56:60] = (1).to_bytes(4, "big")  # UTF-8
    header[96:100] = (3_000_000).to_bytes(4, "big")  # the SQLite version that last wrote it: any will do
    with copy.open("r+b") as file:
        file.write(bytes(header))


def _column_list(db: sqlite3.Connection, table: str) -> set[str]:
    try:
        return {str(row[1]) for row in db.execute(f"PRAGMA table_info({table})")}
    except sqlite3.DatabaseError:
        return set()


def _scan(db: sqlite3.Connection, sql: str, params: tuple[Any, ...] = ()) -> tuple[list[tuple[Any, ...]], bool]:
    """The rows a query yields until the file fails it; ``True`` when it ran to the end."""
    rows: list[tuple[Any, ...]] = []
    try:
        for row in db.execute(sql, params):
            rows.append(tuple(row))
    except sqlite3.DatabaseError:
        return rows, False
    return rows, True


def _known_sequence_numbers(db: sqlite3.Connection) -> tuple[set[int], bool]:
    """Every ``seq`` the outbox's indexes list (they live on pages of their own): what the table should hold."""
    known: set[int] = set()
    complete = False
    for index in ("outbox_by_record", "sqlite_autoindex_outbox_1"):
        rows, whole = _scan(db, f"SELECT seq FROM outbox INDEXED BY {index}")
        known.update(int(row[0]) for row in rows)
        complete = complete or whole
    return known, complete


def read_outbox(moved: Path) -> Salvage:
    """Read what can be read of the outbox (and the records it edits) of a set-aside cache file."""
    salvage = Salvage()
    with _readable_copy(moved) as db:
        if db is None:
            salvage.lost = None if moved.stat().st_size else 0
            return salvage
        wanted = [c.strip() for c in _ENTRY.split(",")]
        if not set(wanted) <= _column_list(db, "outbox"):
            salvage.lost = None
            return salvage
        rows, whole = _scan(db, f"SELECT {_ENTRY} FROM outbox ORDER BY seq")
        salvage.entries = {int(row[0]): row for row in rows}
        if not whole:
            known, complete = _known_sequence_numbers(db)
            highest = max([*known, *salvage.entries, 0])
            row = _scan(db, "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'")[0]
            highest = max(highest, int(row[0][0]) if row and row[0][0] is not None else 0)
            for seq in sorted(known) if complete else range(1, min(highest, _MAX_PROBES) + 1):
                if seq in salvage.entries:
                    continue
                found, _ = _scan(db, f"SELECT {_ENTRY} FROM outbox WHERE seq = ?", (seq,))
                if found:
                    salvage.entries[seq] = found[0]
            salvage.lost = len(known - set(salvage.entries)) if complete else None
        for key in {(str(row[3]), str(row[4])) for row in salvage.entries.values()}:
            found, _ = _scan(db, f"SELECT {_RECORD} FROM records WHERE type = ? AND id = ?", key)
            if found:
                salvage.records[key] = found[0]
    return salvage


def restore(db: sqlite3.Connection, salvage: Salvage) -> None:
    """Copy rescued entries and their records into the new cache ``db`` (one transaction), then show each record
    as the server's copy plus its queued edits."""
    from desktop_app.store.core import Database
    from desktop_app.store.visible import rebuild_visible

    keys = {(str(row[3]), str(row[4])) for row in salvage.entries.values()}
    with Database(db).transaction() as tx:
        for key in keys:
            record = salvage.records.get(key)
            if record is None:
                local = int(key[1].startswith(LOCAL_ID_PREFIX))
                record = (*key, "{}", "{}", None, "1970-01-01T00:00:00.000Z", local, None)
            tx.execute(f"INSERT OR IGNORE INTO records ({_RECORD}, pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)", record)
        for seq in sorted(salvage.entries):
            tx.execute(f"INSERT OR IGNORE INTO outbox ({_ENTRY}) VALUES ({','.join('?' * 16)})", salvage.entries[seq])
        for key in keys:
            rebuild_visible(tx, *key)
