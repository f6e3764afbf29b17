"""What the user sees of a record with queued edits: the server's copy with each outbox entry applied in order.

Both the records (a sync bringing a new server copy) and the outbox (an edit queued, confirmed or discarded) change
what a row shows, so both call :func:`rebuild_visible` inside their transaction; the cache never shows a state that
is neither the server's nor the server's plus the queued edits.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from desktop_app.store.core import dumps
from desktop_app.store.records import ServerRecord


def server_copy(db: sqlite3.Connection, type_: str, record_id: str) -> dict[str, Any] | None:
    """The server's copy of a record as last seen (``None`` for a record created offline, or none at all)."""
    row = db.execute(
        "SELECT attributes, relationships, updated_at, server, local_only FROM records WHERE type = ? AND id = ?",
        (type_, record_id),
    ).fetchone()
    if row is None or row[4]:
        return None
    if row[3]:
        result: dict[str, Any] = json.loads(row[3])
        return result
    return {"attributes": json.loads(row[0]), "relationships": json.loads(row[1]), "updated_at": row[2]}


def rebuild_visible(db: sqlite3.Connection, type_: str, record_id: str) -> None:
    """Recompute a row's visible values from its server copy and its remaining outbox entries (in a transaction)."""
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


def keep_server_copy(db: sqlite3.Connection, record: ServerRecord, seen: str, generation: int | None = None) -> None:
    """``record`` (as the server just sent it) becomes the server copy of a row that keeps its queued edits, unless
    the copy kept is newer (a page listed before a push confirmed the newer one)."""
    server = {
        "attributes": record.attributes,
        "relationships": record.relationships,
        "updated_at": record.attributes.get("updated_at"),
    }
    db.execute(
        "UPDATE records SET seen_at = ?, generation = max(generation, ?), server = CASE WHEN "
        "coalesce(? >= coalesce(server ->> '$.updated_at', updated_at), 1) THEN ? ELSE server END "
        "WHERE type = ? AND id = ? AND local_only = 0",
        (seen, generation or 0, server["updated_at"], dumps(server), record.type, record.id),
    )
    rebuild_visible(db, record.type, record.id)
