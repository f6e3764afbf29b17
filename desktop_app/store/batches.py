"""Batches in the cache: named groups of queued edits, and what became of each of their lines.

An outbox entry leaves the outbox once the server confirms it, so a batch keeps its own line per edit: the entry it
was queued as, the record (its server id once a create is confirmed), how the person names it, the values before
(what undo writes back) and whether it was sent. A line's refusal or conflict is read from its entry, which stays
in the outbox until someone decides. Only the Editor writes here, inside the transaction that queues the entries.
"""

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal, NamedTuple

from desktop_app.store.core import Database, dumps, now_text
from desktop_app.store.records import Op

BatchState = Literal["queued", "sending", "done", "errors", "cancelled"]
LineState = Literal["queued", "sent", "cancelled", "failed", "conflict"]


class Batch(NamedTuple):
    """One batch as the pending-changes panel and ``stockroom status`` show it.

    ``failed`` counts lines the server refused or that met a change made on the server meanwhile (both wait for a
    decision); ``state`` is ``queued`` (nothing sent yet), ``sending``, ``done``, ``errors`` (nothing left to send
    but some lines failed) or ``cancelled`` (nothing was sent). ``notes`` say what an undo could not undo."""

    id: str
    name: str
    created_at: str
    total: int
    sent: int
    failed: int
    cancelled: int
    state: BatchState
    notes: tuple[str, ...] = ()
    undo_of: str | None = None

    @property
    def waiting(self) -> int:
        """Lines still to send."""
        return self.total - self.sent - self.failed - self.cancelled


class BatchLine(NamedTuple):
    """One edit of a batch; ``error`` is the server's reason when it refused it."""

    batch_id: str
    position: int
    entry_id: str
    op: Op
    type: str
    record_id: str
    line_label: str
    before: dict[str, Any]
    state: LineState
    error: str | None = None
    field_errors: dict[str, str] | None = None


def _state(total: int, sent: int, failed: int, cancelled: int) -> BatchState:
    waiting = total - sent - failed - cancelled
    if waiting:
        return "sending" if sent or failed else "queued"
    if failed:
        return "errors"
    if total and cancelled == total:
        return "cancelled"
    return "done"


_SUMMARY = (
    "SELECT b.id, b.name, b.created_at, b.undo_of, b.notes, count(l.position), "
    "coalesce(sum(l.state = 'sent'), 0), coalesce(sum(o.state IN ('failed', 'conflict')), 0), "
    "coalesce(sum(l.state = 'cancelled'), 0) "
    "FROM batches b LEFT JOIN batch_lines l ON l.batch_id = b.id LEFT JOIN outbox o ON o.id = l.entry_id "
)


def _batch(row: Any) -> Batch:
    total, sent, failed, cancelled = (int(v) for v in row[5:9])
    return Batch(
        id=row[0],
        name=row[1],
        created_at=row[2],
        total=total,
        sent=sent,
        failed=failed,
        cancelled=cancelled,
        state=_state(total, sent, failed, cancelled),
        notes=tuple(json.loads(row[4])),
        undo_of=row[3],
    )


class BatchStore:
    """Reading batches, and the Editor's writes of them (always inside its queueing transaction)."""

    def __init__(self, database: Database) -> None:
        self._database = database

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """One transaction for a whole batch: the batch, its lines, their entries and the records they change."""
        with self._database.transaction() as db:
            yield db

    # -- reads --------------------------------------------------------------------------------------------------

    def batches(self) -> list[Batch]:
        """Every batch kept, newest first."""
        rows = self._database.query(_SUMMARY + "GROUP BY b.id ORDER BY b.created_at DESC, b.rowid DESC")
        return [_batch(row) for row in rows]

    def batch(self, batch_id: str) -> Batch | None:
        rows = self._database.query(_SUMMARY + "WHERE b.id = ? GROUP BY b.id", (batch_id,))
        return _batch(rows[0]) if rows else None

    def lines(self, batch_id: str, *, states: tuple[LineState, ...] | None = None) -> list[BatchLine]:
        """The batch's lines in the order they were queued, with each one's state now."""
        rows = self._database.query(
            "SELECT l.batch_id, l.position, l.entry_id, l.op, l.type, l.record_id, l.line_label, l.before, l.state, "
            "o.state, o.error, o.field_errors FROM batch_lines l LEFT JOIN outbox o ON o.id = l.entry_id "
            "WHERE l.batch_id = ? ORDER BY l.position",
            (batch_id,),
        )
        lines = []
        for row in rows:
            state: LineState = row[9] if row[9] in ("failed", "conflict") else row[8]
            if states is not None and state not in states:
                continue
            lines.append(
                BatchLine(
                    batch_id=row[0],
                    position=int(row[1]),
                    entry_id=row[2],
                    op=row[3],
                    type=row[4],
                    record_id=row[5],
                    line_label=row[6],
                    before=json.loads(row[7]),
                    state=state,
                    error=row[10],
                    field_errors=json.loads(row[11]) if row[11] else None,
                )
            )
        return lines

    def entry_ids(self, batch_id: str) -> list[str]:
        """The outbox entries of the batch not confirmed yet, in queue order."""
        rows = self._database.query("SELECT id FROM outbox WHERE batch_id = ? ORDER BY seq", (batch_id,))
        return [str(row[0]) for row in rows]

    def entry_states(self, batch_id: str) -> list[tuple[str, int, str, str | None, str | None, float | None]]:
        """``(id, attempts, state, import reference, claimed by, claimed until)`` of the batch's entries still in
        the outbox, in queue order: what cancelling decides by, in one statement."""
        return [
            (str(r[0]), int(r[1]), str(r[2]), r[3], r[4], r[5])
            for r in self._database.query(
                "SELECT id, attempts, state, import_ref, claimed_by, claimed_until FROM outbox WHERE batch_id = ? "
                "ORDER BY seq",
                (batch_id,),
            )
        ]

    def import_references(self, batch_id: str) -> list[str]:
        """The bulk imports the batch's unsettled edits went in (a push waits for them, or was stopped meanwhile)."""
        rows = self._database.query(
            "SELECT DISTINCT import_ref FROM outbox WHERE batch_id = ? AND import_ref IS NOT NULL "
            "AND state = 'pending'",
            (batch_id,),
        )
        return [str(row[0]) for row in rows]

    def records_of(self, batch_id: str) -> list[tuple[str, str]]:
        """``(type, record id)`` of every line, without reading the lines whole (a batch of thousands)."""
        rows = self._database.query("SELECT type, record_id FROM batch_lines WHERE batch_id = ?", (batch_id,))
        return [(str(row[0]), str(row[1])) for row in rows]

    def waiting_types(self, batch_id: str) -> list[str]:
        """The types the batch's unsent edits change, the most frequent first."""
        rows = self._database.query(
            "SELECT type FROM outbox WHERE batch_id = ? AND state = 'pending' GROUP BY type ORDER BY count(*) DESC",
            (batch_id,),
        )
        return [str(row[0]) for row in rows]

    # -- writes (the Editor, inside its transaction) ------------------------------------------------------------

    def add_batch(
        self, db: sqlite3.Connection, batch_id: str, name: str, *, undo_of: str | None = None, notes: tuple[str, ...]
    ) -> None:
        db.execute(
            "INSERT INTO batches (id, name, created_at, undo_of, notes) VALUES (?, ?, ?, ?, ?)",
            (batch_id, name, now_text(), undo_of, dumps(list(notes))),
        )

    def cancel_lines(self, db: sqlite3.Connection, entry_ids: list[str]) -> None:
        """Lines cancelled while their edits are still inside a bulk import: the import's outcome decides whether
        each was sent after all (confirmed: ``sent``) or not (its entry dropped, the line stays ``cancelled``)."""
        db.executemany(
            "UPDATE batch_lines SET state = 'cancelled' WHERE entry_id = ? AND state = 'queued'",
            [(entry_id,) for entry_id in entry_ids],
        )
