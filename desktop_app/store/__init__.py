"""The local SQLite cache of one profile: records, sync state, and the outbox of edits not yet sent (no Qt)."""

from desktop_app.store.cache import Cache
from desktop_app.store.database import SCHEMA_VERSION, cache_path
from desktop_app.store.outbox import Change
from desktop_app.store.records import (
    LOCAL_ID_PREFIX,
    CachedRecord,
    EntryState,
    Op,
    OutboxEntry,
    ServerRecord,
    SyncState,
    UnknownRecordError,
)

__all__ = [
    "LOCAL_ID_PREFIX",
    "SCHEMA_VERSION",
    "Cache",
    "CachedRecord",
    "Change",
    "EntryState",
    "Op",
    "OutboxEntry",
    "ServerRecord",
    "SyncState",
    "UnknownRecordError",
    "cache_path",
]
