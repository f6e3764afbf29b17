"""The local SQLite cache of one profile: records, sync state, and the outbox of edits not yet sent (no Qt).

The batches' names load on first use (:mod:`desktop_app.lazy`): the window's first frame has no batch to show.
"""

from typing import TYPE_CHECKING

from desktop_app.lazy import lazy_exports
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

if TYPE_CHECKING:
    from desktop_app.store.batches import Batch, BatchLine, BatchState, BatchStore, LineState

__getattr__, __dir__ = lazy_exports(
    __name__, {name: "batches" for name in ("Batch", "BatchLine", "BatchState", "BatchStore", "LineState")}
)

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
