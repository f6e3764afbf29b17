"""The local SQLite cache of one profile: records, sync state, and the outbox of edits not yet sent (no Qt)."""

from desktop_app.store.batches import Batch, BatchLine, BatchState, BatchStore, LineState
from desktop_app.store.cache import Cache
from desktop_app.store.core import CacheBusy
from desktop_app.store.database import SCHEMA_VERSION, cache_path
from desktop_app.store.outbox import Change, Outbox
from desktop_app.store.record_store import RecordStore
from desktop_app.store.records import (
    LOCAL_ID_PREFIX,
    OP_KEY,
    CachedRecord,
    EntryState,
    Op,
    OutboxEntry,
    ServerRecord,
    SyncState,
    UnknownRecordError,
)
from desktop_app.store.sync_state import SyncStateStore

__all__ = [
    "LOCAL_ID_PREFIX",
    "OP_KEY",
    "SCHEMA_VERSION",
    "Batch",
    "BatchLine",
    "BatchState",
    "BatchStore",
    "Cache",
    "CacheBusy",
    "CachedRecord",
    "Change",
    "EntryState",
    "LineState",
    "Op",
    "Outbox",
    "OutboxEntry",
    "RecordStore",
    "ServerRecord",
    "SyncState",
    "SyncStateStore",
    "UnknownRecordError",
    "cache_path",
]
