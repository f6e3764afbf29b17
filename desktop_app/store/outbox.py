"""The outbox: edits written to the cache and queued in the same transaction, until the server confirms them.

Only the Editor (``desktop_app.sync.editor``) queues and decides, and only its pusher records what the server
answered; everyone else reads. Entries of one record are kept in ``seq`` order, which is the order they are
replayed in.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Collection, Iterator, Sequence
from typing import Any

from desktop_app.store.bulk_queue import remove_entries
from desktop_app.store.core import Database, dumps, now_text
from desktop_app.store.lease import holder_alive
from desktop_app.store.outbox_rows import ENTRY_COLUMNS, Change, base_of, entry_from_row
from desktop_app.store.records import (
    EntryState,
    OutboxEntry,
    Relationships,
    ServerRecord,
    UnknownRecordError,
)

__all__ = ["Change", "Outbox", "base_of"]
from desktop_app.store.visible import keep_server_copy, rebuild_visible, server_copy


class Outbox:
    """Reading and changing the outbox; each change is one transaction with the matching change of the record."""

    def __init__(self, database: Database) -> None:
        self._database = database

    @contextlib.contextmanager
    def grouped(self) -> Iterator[None]:
        """Several of the changes below as one transaction: a bulk import's confirms, 25 at a time, commit once
        instead of once each (each commit of a large cache costs milliseconds, a checkpoint tens of them)."""
        with self._database.transaction():
            yield

    def not_waiting(self) -> contextlib.AbstractContextManager[None]:
        """Changes made in this block raise :class:`~desktop_app.store.core.CacheBusy` instead of waiting for
        another connection's write lock (see :meth:`~desktop_app.store.core.Database.not_waiting`)."""
        return self._database.not_waiting()

    # -- reads --------------------------------------------------------------------------------------------------

    def entries(self, *, states: Sequence[EntryState] | None = None) -> list[OutboxEntry]:
        sql = f"SELECT {ENTRY_COLUMNS} FROM outbox"
        params: list[Any] = []
        if states:
            sql += f" WHERE state IN ({','.join('?' * len(states))})"
            params.extend(states)
        return [entry_from_row(row) for row in self._database.query(sql + " ORDER BY seq", params)]

    def entries_after(self, seq: int, limit: int) -> list[OutboxEntry]:
        """The next ``limit`` entries after ``seq``, in order: the outbox read a slice at a time."""
        rows = self._database.query(
            f"SELECT {ENTRY_COLUMNS} FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit)
        )
        return [entry_from_row(row) for row in rows]

    def entry_keys(self, *, skip_types: Collection[str] = ()) -> list[tuple[str, str, str, str]]:
        """``(id, type, record id, state)`` of every entry, in order, without decoding any (a push's bookkeeping);
        none of ``skip_types`` (a batch of thousands whose views reload the type whole)."""
        rows = self._database.query(
            "SELECT id, type, record_id, state FROM outbox WHERE type NOT IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(skip_types)),),
        )
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    def type_counts(self) -> dict[str, tuple[int, int]]:
        """Type → (entries, of them pending), read through the outbox's index without touching a row."""
        rows = self._database.query("SELECT type, count(*), sum(state = 'pending') FROM outbox GROUP BY type")
        return {str(r[0]): (int(r[1]), int(r[2] or 0)) for r in rows}

    def loose_entries(self) -> list[OutboxEntry]:
        """Edits outside any batch, and a batch's edits waiting for a decision (refused, or in conflict): what
        the pending-changes panel lists one by one (a batch's waiting edits show as its progress instead)."""
        rows = self._database.query(
            f"SELECT {ENTRY_COLUMNS} FROM outbox WHERE batch_id IS NULL OR state != 'pending' ORDER BY seq"
        )
        return [entry_from_row(row) for row in rows]

    def imported_entries(self) -> list[OutboxEntry]:
        """Edits sent in a bulk import whose outcome is not known yet (a push ended while the job ran)."""
        rows = self._database.query(
            f"SELECT {ENTRY_COLUMNS} FROM outbox WHERE import_ref IS NOT NULL AND state = 'pending' ORDER BY seq"
        )
        return [entry_from_row(row) for row in rows]

    def entry(self, entry_id: str) -> OutboxEntry | None:
        rows = self._database.query(f"SELECT {ENTRY_COLUMNS} FROM outbox WHERE id = ?", (entry_id,))
        return entry_from_row(rows[0]) if rows else None

    def entries_for(self, type_: str, record_id: str) -> list[OutboxEntry]:
        rows = self._database.query(
            f"SELECT {ENTRY_COLUMNS} FROM outbox WHERE type = ? AND record_id = ? ORDER BY seq", (type_, record_id)
        )
        return [entry_from_row(row) for row in rows]

    def pending_count(self) -> int:
        """Edits not on the server yet and not waiting for a decision (queued or refused by the server)."""
        return int(self._database.query("SELECT count(*) FROM outbox WHERE state IN ('pending', 'failed')")[0][0])

    def failed_count(self) -> int:
        return int(self._database.query("SELECT count(*) FROM outbox WHERE state = 'failed'")[0][0])

    def conflict_count(self) -> int:
        return int(self._database.query("SELECT count(*) FROM outbox WHERE state = 'conflict'")[0][0])

    # -- queueing (the Editor) ----------------------------------------------------------------------------------

    def _insert_entry(
        self,
        db: sqlite3.Connection,
        *,
        entry_id: str,
        op: str,
        type_: str,
        record_id: str,
        attributes: dict[str, Any],
        relationships: Relationships,
        base: dict[str, Any],
        label: str | None = None,
        group_id: str | None = None,
        batch_id: str | None = None,
    ) -> None:
        db.execute(
            "INSERT INTO outbox (id, op, type, record_id, attributes, relationships, base, label, group_id, "
            "created_at, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                entry_id,
                op,
                type_,
                record_id,
                dumps(attributes),
                dumps(relationships),
                dumps(base),
                label,
                group_id,
                now_text(),
                batch_id,
            ),
        )

    def queue_create(
        self,
        entry_id: str,
        type_: str,
        record_id: str,
        *,
        attributes: dict[str, Any],
        relationships: Relationships,
        label: str | None = None,
        batch_id: str | None = None,
    ) -> OutboxEntry:
        """A record created here: a local row with a temporary id plus its create entry, in one transaction."""
        with self._database.transaction() as db:
            db.execute(
                "INSERT INTO records (type, id, attributes, relationships, updated_at, seen_at, pending, local_only) "
                "VALUES (?, ?, '{}', '{}', NULL, ?, 1, 1)",
                (type_, record_id, now_text()),
            )
            self._insert_entry(
                db,
                entry_id=entry_id,
                op="create",
                type_=type_,
                record_id=record_id,
                attributes=attributes,
                relationships=relationships,
                base={},
                label=label,
                batch_id=batch_id,
            )
            rebuild_visible(db, type_, record_id)
        created = self.entry(entry_id)
        assert created is not None
        return created

    def queue_updates(
        self,
        changes: Sequence[Change],
        entry_ids: Sequence[str],
        label: str | None = None,
        group_id: str | None = None,
        batch_id: str | None = None,
    ) -> list[OutboxEntry]:
        """One or several updates as one user action: all written, or none (an unknown id refuses them all)."""
        with self._database.transaction() as db:
            for (type_, record_id, attributes, relationships), entry_id in zip(changes, entry_ids, strict=True):
                row = db.execute(
                    "SELECT local_only FROM records WHERE type = ? AND id = ? AND deleted = 0", (type_, record_id)
                ).fetchone()
                if row is None:
                    raise UnknownRecordError(type_, record_id)
                server = server_copy(db, type_, record_id)
                base = base_of(server, attributes, relationships) if server else {}
                self._insert_entry(
                    db,
                    entry_id=entry_id,
                    op="update",
                    type_=type_,
                    record_id=record_id,
                    attributes=attributes,
                    relationships=relationships,
                    base=base,
                    label=label,
                    group_id=group_id,
                    batch_id=batch_id,
                )
                rebuild_visible(db, type_, record_id)
        return [e for e in (self.entry(i) for i in entry_ids) if e is not None]

    def queue_delete(
        self, entry_id: str, type_: str, record_id: str, batch_id: str | None = None
    ) -> OutboxEntry | None:
        """Hide the record and queue its delete; a record created offline and never sent simply disappears
        (returns ``None`` then)."""
        with self._database.transaction() as db:
            row = db.execute(
                "SELECT local_only FROM records WHERE type = ? AND id = ? AND deleted = 0", (type_, record_id)
            ).fetchone()
            if row is None:
                raise UnknownRecordError(type_, record_id)
            if row[0]:
                sent = db.execute(
                    "SELECT count(*) FROM outbox WHERE type = ? AND record_id = ? AND attempts > 0",
                    (type_, record_id),
                ).fetchone()[0]
                if not sent:
                    db.execute("DELETE FROM outbox WHERE type = ? AND record_id = ?", (type_, record_id))
                    db.execute("DELETE FROM records WHERE type = ? AND id = ?", (type_, record_id))
                    return None
            server = server_copy(db, type_, record_id)
            base = {"updated_at": server.get("updated_at")} if server else {}
            self._insert_entry(
                db,
                entry_id=entry_id,
                op="delete",
                type_=type_,
                record_id=record_id,
                attributes={},
                relationships={},
                base=base,
                batch_id=batch_id,
            )
            rebuild_visible(db, type_, record_id)
        return self.entry(entry_id)

    # -- outcomes of sending ------------------------------------------------------------------------------------

    def claim(self, entry_id: str, owner: str, seconds: float = 120.0) -> str | None:
        """Take an entry for sending; returns ``None`` when taken, else the ``claimed_by`` of the live process
        that holds it. A claim whose process is gone (see :mod:`desktop_app.store.lease`) is taken over at once."""
        now = time.time()
        with self._database.transaction() as db:
            row = db.execute("SELECT claimed_by, claimed_until FROM outbox WHERE id = ?", (entry_id,)).fetchone()
            if row is None:
                return None
            holder, until = row
            if holder and holder != owner and until is not None and until >= now and holder_alive(holder):
                return str(holder)
            db.execute(
                "UPDATE outbox SET claimed_by = ?, claimed_until = ? WHERE id = ?", (owner, now + seconds, entry_id)
            )
        return None

    def claim_of(self, entry_id: str) -> tuple[str | None, float | None] | None:
        """Who holds the entry for sending, and until when (``None``: no such entry)."""
        rows = self._database.query("SELECT claimed_by, claimed_until FROM outbox WHERE id = ?", (entry_id,))
        return (rows[0][0], rows[0][1]) if rows else None

    def release(self, entry_id: str, owner: str) -> None:
        with self._database.transaction() as db:
            db.execute(
                "UPDATE outbox SET claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?",
                (entry_id, owner),
            )

    def note_imported(self, entry_ids: Sequence[str], reference: str | None) -> None:
        """Entries about to go in the bulk import ``reference`` (counted as attempts, like a single send), or
        (``None``) back to single sends once the import's outcome is known."""
        with self._database.transaction() as db:
            step = 1 if reference is not None else 0
            db.executemany(
                "UPDATE outbox SET import_ref = ?, attempts = attempts + ? WHERE id = ?",
                [(reference, step, entry_id) for entry_id in entry_ids],
            )

    def note_attempt(self, entry_id: str) -> None:
        """Counted before a request goes out: a create with attempts may exist on the server already."""
        with self._database.transaction() as db:
            db.execute("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?", (entry_id,))

    def confirm(self, entry: OutboxEntry, record: ServerRecord | None) -> str:
        """The server confirmed ``entry``: drop it and keep the server's version; returns the record's id (the
        server's id for a create, which replaces the temporary one everywhere)."""
        with self._database.transaction() as db:
            # Its batch line (if any) is sent before the entry leaves: the delete trigger cancels only queued lines.
            db.execute("UPDATE batch_lines SET state = 'sent' WHERE entry_id = ?", (entry.id,))
            db.execute("DELETE FROM outbox WHERE id = ?", (entry.id,))
            record_id = entry.record_id
            if entry.op == "delete":
                db.execute("DELETE FROM records WHERE type = ? AND id = ?", (entry.type, record_id))
                # A sync listing pages right now may hold the record in one it has not written yet.
                db.execute(
                    "INSERT OR REPLACE INTO tombstones (type, id, deleted_at) VALUES (?, ?, ?)",
                    (entry.type, record_id, now_text()),
                )
                db.execute("DELETE FROM outbox WHERE type = ? AND record_id = ?", (entry.type, record_id))
                return record_id
            assert record is not None
            if entry.op == "create" and record.id != record_id:
                self._rename(db, entry.type, record_id, record.id)
                record_id = record.id
            server = {
                "attributes": record.attributes,
                "relationships": record.relationships,
                "updated_at": record.attributes.get("updated_at"),
            }
            # Stamped as seen by the current full listing: one that began before this create (or before this
            # update) and did not see it must not remove the record, nor take it back to an older version.
            db.execute(
                "UPDATE records SET server = ?, local_only = 0, seen_at = ?, generation = max(generation, "
                "coalesce((SELECT generation FROM sync_state WHERE type = ?), 0)) WHERE type = ? AND id = ?",
                (dumps(server), now_text(), entry.type, entry.type, record_id),
            )
            for later_id, attributes, relationships in db.execute(
                "SELECT id, attributes, relationships FROM outbox WHERE type = ? AND record_id = ?",
                (entry.type, record_id),
            ).fetchall():
                base = base_of(server, json.loads(attributes), json.loads(relationships))
                db.execute("UPDATE outbox SET base = ? WHERE id = ?", (dumps(base), later_id))
            rebuild_visible(db, entry.type, record_id)
            return record_id

    def _rename(self, db: sqlite3.Connection, type_: str, old: str, new: str) -> None:
        """Replace a temporary id by the server's, in the row, its entries and every reference to it."""
        db.execute("DELETE FROM records WHERE type = ? AND id = ?", (type_, new))
        db.execute("UPDATE records SET id = ? WHERE type = ? AND id = ?", (new, type_, old))
        db.execute("UPDATE outbox SET record_id = ? WHERE type = ? AND record_id = ?", (new, type_, old))
        db.execute("UPDATE batch_lines SET record_id = ? WHERE type = ? AND record_id = ?", (new, type_, old))
        quoted_old, quoted_new, pattern = f'"{old}"', f'"{new}"', f'%"{old}"%'
        db.execute(
            "UPDATE records SET relationships = replace(relationships, ?, ?), server = replace(server, ?, ?) "
            "WHERE relationships LIKE ? OR server LIKE ?",
            (quoted_old, quoted_new, quoted_old, quoted_new, pattern, pattern),
        )
        db.execute(
            "UPDATE outbox SET relationships = replace(relationships, ?, ?), base = replace(base, ?, ?) "
            "WHERE relationships LIKE ? OR base LIKE ?",
            (quoted_old, quoted_new, quoted_old, quoted_new, pattern, pattern),
        )

    def mark_failed(self, entry_id: str, message: str, field_errors: dict[str, str] | None = None) -> None:
        with self._database.transaction() as db:
            db.execute(
                "UPDATE outbox SET state = 'failed', error = ?, field_errors = ? WHERE id = ?",
                (message, dumps(field_errors or {}), entry_id),
            )

    def mark_conflict(self, entry: OutboxEntry, theirs: dict[str, Any], record: ServerRecord) -> None:
        """Hold ``entry``: the server changed the same field since the edit; ``record`` becomes the server copy."""
        with self._database.transaction() as db:
            db.execute(
                "UPDATE outbox SET state = 'conflict', theirs = ?, error = ? WHERE id = ?",
                (dumps(theirs), "changed on the server since this edit", entry.id),
            )
            keep_server_copy(db, record, now_text())

    def requeue(self, entry_id: str, *, base: dict[str, Any] | None = None) -> None:
        """Back to pending (a retry, or "keep mine" over a new base)."""
        with self._database.transaction() as db:
            db.execute(
                "UPDATE outbox SET state = 'pending', error = NULL, field_errors = '{}', theirs = NULL, "
                "base = coalesce(?, base) WHERE id = ?",
                (dumps(base) if base is not None else None, entry_id),
            )

    def drop_fields(self, entry_id: str, attributes: Sequence[str], relationships: Sequence[str]) -> None:
        """ "Keep theirs" for some fields: remove them from the entry (and the entry if nothing is left)."""
        found = self.entry(entry_id)
        if found is None:
            return
        left_attributes = {k: v for k, v in found.attributes.items() if k not in attributes}
        left_relationships = {k: v for k, v in found.relationships.items() if k not in relationships}
        with self._database.transaction() as db:
            if not [k for k in left_attributes if not k.startswith("_")] and not left_relationships:
                db.execute("DELETE FROM outbox WHERE id = ?", (entry_id,))
            else:
                server = server_copy(db, found.type, found.record_id) or {}
                base = base_of(server, left_attributes, left_relationships) if server else {}
                db.execute(
                    "UPDATE outbox SET attributes = ?, relationships = ?, base = ?, state = 'pending', error = NULL, "
                    "theirs = NULL WHERE id = ?",
                    (dumps(left_attributes), dumps(left_relationships), dumps(base), entry_id),
                )
            rebuild_visible(db, found.type, found.record_id)

    def cancelled(self, entry_ids: Sequence[str]) -> set[str]:
        """Of ``entry_ids``, those whose batch line was cancelled while they were inside a bulk import."""
        rows = self._database.query(
            "SELECT l.entry_id FROM json_each(?) AS w JOIN batch_lines AS l ON l.entry_id = w.value "
            "WHERE l.state = 'cancelled'",
            (json.dumps(list(entry_ids)),),
        )
        return {str(row[0]) for row in rows}

    def remove_entries(self, entry_ids: Sequence[str]) -> None:
        """:meth:`remove_entry` for many, in one transaction (each record rebuilt once)."""
        with self._database.transaction() as db:
            remove_entries(db, entry_ids)

    def remove_entry(self, entry_id: str) -> None:
        """Discard an entry; the record shows the server's version again (plus any other queued edits). Discarding
        a create discards everything queued for that new record."""
        found = self.entry(entry_id)
        if found is None:
            return
        with self._database.transaction() as db:
            if found.op == "create":
                db.execute("DELETE FROM outbox WHERE type = ? AND record_id = ?", (found.type, found.record_id))
            else:
                db.execute("DELETE FROM outbox WHERE id = ?", (entry_id,))
            rebuild_visible(db, found.type, found.record_id)
