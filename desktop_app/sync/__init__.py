"""Keeping the cache and the server in step (no Qt): the sync engine pulls, the Editor queues and pushes edits."""

from desktop_app.sync.batches import Batch, BatchEdit, BatchLine
from desktop_app.sync.editor import ClientFactory, Editor
from desktop_app.sync.push import PushResult
from desktop_app.sync.resources import includes, resolve_types
from desktop_app.sync.syncer import Progress, Syncer, SyncResult

__all__ = [
    "Batch",
    "BatchEdit",
    "BatchLine",
    "ClientFactory",
    "Editor",
    "Progress",
    "PushResult",
    "SyncResult",
    "Syncer",
    "includes",
    "resolve_types",
]
