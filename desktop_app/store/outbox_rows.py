"""How an outbox entry is read from its row, and the base a queued update is judged by: shared by the outbox and
the bulk writes of a batch (:mod:`desktop_app.store.bulk_queue`).
"""

from __future__ import annotations

import json
from typing import Any

from desktop_app.store.records import OutboxEntry, Relationships

ENTRY_COLUMNS = (
    "id, seq, op, type, record_id, attributes, relationships, base, state, error, field_errors, created_at, "
    "theirs, label, group_id, attempts, batch_id, import_ref"
)

#: One update of a batch: (type, record id, attributes, relationships).
Change = tuple[str, str, dict[str, Any], Relationships]


def entry_from_row(row: Any) -> OutboxEntry:
    return OutboxEntry(
        id=row[0],
        seq=int(row[1]),
        op=row[2],
        type=row[3],
        record_id=row[4],
        attributes=json.loads(row[5]),
        relationships=json.loads(row[6]),
        base=json.loads(row[7]),
        state=row[8],
        error=row[9],
        field_errors=json.loads(row[10]),
        created_at=row[11],
        theirs=json.loads(row[12]) if row[12] else None,
        label=row[13],
        group_id=row[14],
        attempts=int(row[15]),
        batch_id=row[16],
        import_ref=row[17],
    )


def base_of(server: dict[str, Any], attributes: dict[str, Any], relationships: Relationships) -> dict[str, Any]:
    """The server's values of the fields an edit changes, and its ``updated_at``: what a conflict is judged by."""
    return {
        "attributes": {name: server["attributes"].get(name) for name in attributes if not name.startswith("_")},
        "relationships": {name: server["relationships"].get(name) for name in relationships},
        "updated_at": server.get("updated_at"),
    }
