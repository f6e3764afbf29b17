"""Keeping the cache and the server in step (no Qt): the sync engine pulls, the Editor queues and pushes edits.

The public names load on first use (PEP 562): ``stockroom sync`` needs the sync engine alone, not the Editor with
its push and batch machinery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_app.lazy import lazy_exports

if TYPE_CHECKING:
    from desktop_app.sync.batches import Batch, BatchEdit, BatchLine
    from desktop_app.sync.editor import ClientFactory, Editor
    from desktop_app.sync.push import PushResult
    from desktop_app.sync.resources import includes, resolve_types
    from desktop_app.sync.syncer import Progress, Syncer, SyncResult

#: Public name → the submodule that defines it.
_WHERE = {
    "Batch": "batches",
    "BatchEdit": "batches",
    "BatchLine": "batches",
    "ClientFactory": "editor",
    "Editor": "editor",
    "PushResult": "push",
    "includes": "resources",
    "resolve_types": "resources",
    "Progress": "syncer",
    "Syncer": "syncer",
    "SyncResult": "syncer",
}


__getattr__, __dir__ = lazy_exports(__name__, _WHERE)

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
