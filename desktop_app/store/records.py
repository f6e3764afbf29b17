"""The plain values the cache hands out: cached records, outbox entries, per-resource sync state.

They are frozen snapshots, safe to pass to a table model or another thread; changing data goes through the
:class:`~desktop_app.sync.Editor`, never by mutating these. Like every row type of the store they are named tuples:
a frozen dataclass generates its methods from source when its module loads (about 1.5 ms each here), and the
window's start loads a dozen of them before its first frame.
"""

from datetime import datetime
from typing import Any, Literal, NamedTuple, Protocol

from desktop_app.errors import UsageError

Relationships = dict[str, str | list[str] | None]
Op = Literal["create", "update", "delete"]
EntryState = Literal["pending", "failed", "conflict"]

#: Prefix of the temporary id a record created offline carries until the server gives it a real one.
LOCAL_ID_PREFIX = "local-"

#: Key in a created record's ``metadata`` holding its outbox entry's id: the editor writes it, and a push whose
#: earlier answer was lost looks for it on the server before creating the record again.
OP_KEY = "stockroom_op"


class ServerRecord(Protocol):
    """What the cache needs from a record read from the server (``desktop_app.api.Record`` fits)."""

    @property
    def type(self) -> str: ...
    @property
    def id(self) -> str: ...
    @property
    def attributes(self) -> dict[str, Any]: ...
    @property
    def relationships(self) -> Relationships: ...


class UnknownRecordError(UsageError):
    """An id the cache does not hold (a typo on the command line, or a record deleted meanwhile)."""

    def __init__(self, type_: str, record_id: str) -> None:
        super().__init__(f"id - no {type_} with id {record_id!r} in the cache (run `stockroom sync` first?)")
        self.type = type_
        self.record_id = record_id


class CachedRecord(NamedTuple):
    """A record as the user sees it: the server's values with any pending local edits applied.

    ``pending`` is true while an outbox entry for it waits; ``local`` marks a record created offline whose id is
    still temporary (``local-…``) until the server confirms the create.
    """

    type: str
    id: str
    attributes: dict[str, Any]
    relationships: Relationships
    updated_at: str | None
    seen_at: str
    pending: bool
    local: bool = False


class OutboxEntry(NamedTuple):
    """One queued edit.

    ``base`` holds the server's values of the changed fields (and its ``updated_at``) when the edit was made; push
    compares it with the server's current record to tell a conflict from a harmless concurrent change. ``theirs``
    holds the server's values when the entry is a conflict.
    """

    id: str
    seq: int
    op: Op
    type: str
    record_id: str
    attributes: dict[str, Any]
    relationships: Relationships
    base: dict[str, Any]
    state: EntryState
    error: str | None
    field_errors: dict[str, str]
    created_at: str
    theirs: dict[str, Any] | None = None
    label: str | None = None
    group_id: str | None = None
    attempts: int = 0
    #: The batch this edit was queued in (a count, an import, a bulk edit), if any.
    batch_id: str | None = None
    #: The reference of the bulk import it went in, until that import's outcome is known.
    import_ref: str | None = None

    @property
    def changed_fields(self) -> list[str]:
        return [*self.attributes, *self.relationships]


class SyncState(NamedTuple):
    """What the cache knows about one resource's sync: when, up to which ``updated_at``, and whether a full sync
    was cut short (then the next sync must be full again)."""

    type: str
    full_synced_at: datetime | None
    synced_at: datetime | None
    high_water: str | None
    generation: int
    full_in_progress: bool
    server_count: int | None = None
