"""History in the cache: the versions of records fetched on demand, and what each recent sync changed.

Versions come from the server's audit trail one record at a time (opening a record, ``stockroom history``), never
for the whole catalogue; what was fetched stays readable offline.

What a sync changed is recorded by SQLite itself: while a sync writes a type, temporary triggers on the records
table compare each row the sync's upsert replaces with the stored one (a few fields that matter, see
:data:`WATCHED`) and add a row to ``sync_changes`` in the same write transaction. The sync's writer thread runs
no Python per record, and a row whose ``updated_at`` did not move is skipped after one comparison, so a full sync
of unchanged records pays almost nothing. The last :data:`KEEP_RUNS` syncs that changed something are kept.
"""

import contextlib
import json
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from desktop_app.schema import get_resource
from desktop_app.store.core import Database, dumps, now_text

#: Attributes whose old → new values a sync records; other changes are recorded as "updated" without values.
WATCHED: tuple[str, ...] = ("quantity", "priority", "on_hold", "status", "name", "code")
#: Syncs kept (those that changed something).
KEEP_RUNS = 10

_WATCHED_ROWS = ",".join(f"('$.{name}', '{name}')" for name in WATCHED)
_CHANGED = (
    "(SELECT json_group_object(k.column2, json_array(old.attributes -> k.column1, new.attributes -> k.column1)) "
    f"FROM (VALUES {_WATCHED_ROWS}) AS k WHERE (old.attributes -> k.column1) IS NOT (new.attributes -> k.column1))"
)
_RECORDING = "SELECT run FROM sync_recording WHERE type = {row}.type"
_TRIGGERS = (
    "CREATE TEMP TABLE IF NOT EXISTS sync_recording (run INTEGER NOT NULL, type TEXT NOT NULL, created INTEGER)",
    "CREATE TEMP TRIGGER IF NOT EXISTS sync_records_update AFTER UPDATE OF attributes ON main.records "
    "WHEN new.pending = 0 AND old.updated_at IS NOT new.updated_at "
    "AND EXISTS (SELECT 1 FROM temp.sync_recording WHERE type = new.type) BEGIN "
    "INSERT INTO sync_changes (run, type, record_id, event, changes, attributes, relationships) "
    f"SELECT ({_RECORDING.format(row='new')}), new.type, new.id, 'update', {_CHANGED}, "
    "json_object('name', new.attributes -> '$.name', 'code', new.attributes -> '$.code'), new.relationships; END",
    "CREATE TEMP TRIGGER IF NOT EXISTS sync_records_insert AFTER INSERT ON main.records "
    "WHEN new.pending = 0 AND new.local_only = 0 "
    "AND EXISTS (SELECT 1 FROM temp.sync_recording WHERE type = new.type AND created = 1) BEGIN "
    "INSERT INTO sync_changes (run, type, record_id, event, changes, attributes, relationships) "
    f"SELECT ({_RECORDING.format(row='new')}), new.type, new.id, 'create', '{{}}', "
    "json_object('name', new.attributes -> '$.name', 'code', new.attributes -> '$.code', "
    "'quantity', new.attributes -> '$.quantity'), new.relationships; END",
    "CREATE TEMP TRIGGER IF NOT EXISTS sync_records_delete AFTER DELETE ON main.records "
    "WHEN old.pending = 0 AND old.local_only = 0 "
    "AND EXISTS (SELECT 1 FROM temp.sync_recording WHERE type = old.type) BEGIN "
    "INSERT INTO sync_changes (run, type, record_id, event, changes, attributes, relationships) "
    f"SELECT ({_RECORDING.format(row='old')}), old.type, old.id, 'delete', '{{}}', "
    "json_object('name', old.attributes -> '$.name', 'code', old.attributes -> '$.code', "
    "'quantity', old.attributes -> '$.quantity'), old.relationships; END",
)


class Version(NamedTuple):
    """One entry of a record's audit trail as the server keeps it (``changes``: field → [old, new])."""

    id: str
    type: str
    record_id: str
    event: str
    changes: dict[str, list[Any]]
    who: dict[str, Any]
    created_at: str


class Change(NamedTuple):
    """One record a sync created, updated or deleted in the cache; ``attributes`` holds its name, code (and for a
    created or deleted record its quantity), so a deleted record can still be named."""

    run: int
    synced_at: str
    type: str
    record_id: str
    event: str
    changes: dict[str, list[Any]]
    attributes: dict[str, Any]
    relationships: dict[str, Any]

    @property
    def quantity_delta(self) -> int:
        """How much the quantity moved (0 when it did not, or is not a number)."""
        if self.event == "update":
            old, new = self.changes.get("quantity", [None, None])
        else:
            quantity = self.attributes.get("quantity")
            old, new = (None, quantity) if self.event == "create" else (quantity, None)
        numbers = [v if isinstance(v, int | float) and not isinstance(v, bool) else 0 for v in (old, new)]
        return int(numbers[1] - numbers[0])


class HistoryStore:
    """Fetched versions per record, and the changes of the last syncs."""

    def __init__(self, database: Database) -> None:
        self._database = database
        with database.transaction() as db:
            for statement in _TRIGGERS:
                db.execute(statement)

    # -- versions fetched from the server ------------------------------------------------------------------------

    def store_versions(
        self, type_: str, record_id: str, versions: Sequence[Version], *, pages: int = 1, complete: bool = False
    ) -> None:
        """Keep what one fetch of a record's history brought (newer fetches add to and correct older ones)."""
        type_ = get_resource(type_).type
        with self._database.transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO versions (id, type, record_id, event, changes, who, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(v.id, type_, record_id, v.event, dumps(v.changes), dumps(v.who), v.created_at) for v in versions],
            )
            db.execute(
                "INSERT OR REPLACE INTO history_fetched (type, record_id, fetched_at, pages, complete) "
                "VALUES (?, ?, ?, ?, ?)",
                (type_, record_id, now_text(), pages, int(complete)),
            )

    def versions(self, type_: str, record_id: str) -> list[Version]:
        """The cached versions of one record, newest first."""
        type_ = get_resource(type_).type
        rows = self._database.query(
            "SELECT id, event, changes, who, created_at FROM versions WHERE type = ? AND record_id = ? "
            "ORDER BY created_at DESC, id DESC",
            (type_, record_id),
        )
        return [Version(r[0], type_, record_id, r[1], json.loads(r[2]), json.loads(r[3]), r[4]) for r in rows]

    def fetched(self, type_: str, record_id: str) -> tuple[str, int, bool] | None:
        """When the history of a record was last fetched, how many pages, and whether that was all of it."""
        type_ = get_resource(type_).type
        rows = self._database.query(
            "SELECT fetched_at, pages, complete FROM history_fetched WHERE type = ? AND record_id = ?",
            (type_, record_id),
        )
        return (str(rows[0][0]), int(rows[0][1]), bool(rows[0][2])) if rows else None

    # -- what syncs changed --------------------------------------------------------------------------------------

    def begin_run(self) -> int:
        with self._database.transaction() as db:
            cursor = db.execute("INSERT INTO sync_runs (started_at) VALUES (?)", (now_text(),))
            return int(cursor.lastrowid or 0)

    @contextlib.contextmanager
    def recording(self, run: int, type_: str, *, created: bool) -> Iterator[None]:
        """Record what the sync writes to ``type_`` under ``run`` while the block runs; ``created``: count new
        records as changes too (not on a type's first sync, where every record is new)."""
        type_ = get_resource(type_).type
        with self._database.transaction() as db:
            db.execute("INSERT INTO temp.sync_recording (run, type, created) VALUES (?, ?, ?)", (run, type_, created))
        try:
            yield
        finally:
            with self._database.transaction() as db:
                db.execute("DELETE FROM temp.sync_recording WHERE run = ? AND type = ?", (run, type_))

    def finish_run(self, run: int) -> dict[str, int]:
        """Close a sync's record: how many records of each type it changed. A sync that changed nothing is not
        kept, and only the last :data:`KEEP_RUNS` others are."""
        with self._database.transaction() as db:
            counts = {
                str(t): int(n)
                for t, n in db.execute(
                    "SELECT type, count(*) FROM sync_changes WHERE run = ? GROUP BY type ORDER BY type", (run,)
                )
            }
            if not counts:
                db.execute("DELETE FROM sync_runs WHERE id = ?", (run,))
                return {}
            db.execute("UPDATE sync_runs SET finished_at = ? WHERE id = ?", (now_text(), run))
            old = "SELECT id FROM sync_runs ORDER BY id DESC LIMIT -1 OFFSET ?"
            db.execute(f"DELETE FROM sync_changes WHERE run IN ({old})", (KEEP_RUNS,))
            db.execute(f"DELETE FROM sync_runs WHERE id IN ({old})", (KEEP_RUNS,))
        return counts

    def runs(self) -> list[tuple[int, str, int]]:
        """The kept syncs, newest first: id, when it finished, how many records it changed."""
        rows = self._database.query(
            "SELECT r.id, coalesce(r.finished_at, r.started_at), count(c.run) FROM sync_runs AS r "
            "LEFT JOIN sync_changes AS c ON c.run = r.id GROUP BY r.id ORDER BY r.id DESC"
        )
        return [(int(r[0]), str(r[1]), int(r[2])) for r in rows]

    def changes(self, *, since: str | None = None, last: int | None = None) -> list[Change]:
        """Changes of the kept syncs: those finished at or after ``since`` (an ISO time), or of the ``last`` few
        syncs (default: the newest one)."""
        sql = (
            "SELECT c.run, coalesce(r.finished_at, r.started_at), c.type, c.record_id, c.event, c.changes, "
            "c.attributes, c.relationships FROM sync_changes AS c JOIN sync_runs AS r ON r.id = c.run "
        )
        params: list[Any] = []
        if since is not None:
            sql += "WHERE coalesce(r.finished_at, r.started_at) >= ? "
            params.append(since)
        else:
            sql += "WHERE c.run IN (SELECT id FROM sync_runs ORDER BY id DESC LIMIT ?) "
            params.append(last or 1)
        sql += "ORDER BY c.run DESC, c.type, c.record_id"
        return [
            Change(int(r[0]), str(r[1]), r[2], r[3], r[4], json.loads(r[5]), json.loads(r[6]), json.loads(r[7]))
            for r in self._database.query(sql, params)
        ]
