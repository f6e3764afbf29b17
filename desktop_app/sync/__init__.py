"""Keeping the cache and the server in step (no Qt): the sync engine pulls, the Editor queues and pushes edits.

The public names load on first use (PEP 562): ``stockroom sync`` needs the sync engine alone, not the Editor with
its push and batch machinery.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))


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
