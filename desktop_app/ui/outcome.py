"""What became of an edit, as the window reports it, and what the window may read of the cache.

Every change goes in through :class:`~desktop_app.ui.workspace.Workspace`; each of its edit methods answers with one
:class:`Outcome`, so a dialog, a drag, an undo step or the pending-changes panel each decide what to show from the
same few cases instead of reading the outbox themselves. :class:`CacheView` is the cache with its writes taken away:
the only way to change it is through the workspace.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from desktop_app.schema import duration_words

if TYPE_CHECKING:
    from desktop_app.reorder.controller import ReorderOutcome
    from desktop_app.store import CachedRecord, EntryState, OutboxEntry
    from desktop_app.sync import PushResult


class Status(Enum):
    #: Written here (cache and outbox in one transaction) and on its way to the server.
    QUEUED = "queued"
    #: The server confirmed it.
    SENT = "sent"
    #: Kept here: the server cannot be reached (or the window works offline); it goes with the next push.
    OFFLINE = "offline"
    #: Not taken: ``errors`` says why, by field ("" for the record as a whole).
    REFUSED = "refused"
    #: Someone changed the record on the server meanwhile; Pending edits asks which version to keep.
    CONFLICT = "conflict"
    #: Nothing is left to send: the queued edit was dropped (or a record never sent was deleted here).
    DISCARDED = "discarded"


_STANDING = frozenset({Status.QUEUED, Status.SENT, Status.OFFLINE, Status.CONFLICT})


class Outcome(NamedTuple):
    """One edit's fate. ``record_id`` is the record's id now: the server's once a create is confirmed."""

    status: Status
    type: str
    record_id: str = ""
    entry_ids: tuple[str, ...] = ()
    errors: Mapping[str, str] = MappingProxyType({})
    #: The batch the edits went in (:meth:`Workspace.submit_batch` and its siblings), else "".
    batch_id: str = ""

    @property
    def stands(self) -> bool:
        """The edit is in the tables (sent, queued, or waiting for a decision): it belongs on the undo stack."""
        return self.status in _STANDING

    @property
    def entry_id(self) -> str | None:
        return self.entry_ids[0] if self.entry_ids else None

    @property
    def message(self) -> str:
        """One sentence for the status line."""
        if self.status is Status.REFUSED:
            return "; ".join(
                f"{name.replace('_', ' ')}: {text}" if name else text for name, text in self.errors.items()
            )
        if self.status is Status.OFFLINE:
            return "Saved here; it will be sent when the server can be reached"
        if self.status is Status.CONFLICT:
            return "Someone changed this record meanwhile: choose which version to keep in Pending edits"
        return ""


class RecordsView(Protocol):
    """The records as the window shows them (queued edits applied), to read."""

    def get(self, type_: str, record_id: str) -> CachedRecord | None: ...

    def find(
        self, type_: str, *, where: Mapping[str, Any] | None = None, order_by: str | Sequence[str] | None = None
    ) -> list[CachedRecord]: ...

    def count(self, type_: str, *, where: Mapping[str, Any] | None = None) -> int: ...

    def server_version(self, type_: str, record_id: str) -> dict[str, Any] | None: ...


class OutboxView(Protocol):
    """The edits the server has not confirmed yet, to read."""

    def entries(self, *, states: Sequence[EntryState] | None = None) -> list[OutboxEntry]: ...

    def entry(self, entry_id: str) -> OutboxEntry | None: ...

    def loose_entries(self) -> list[OutboxEntry]: ...

    def entries_for(self, type_: str, record_id: str) -> list[OutboxEntry]: ...

    def pending_count(self) -> int: ...

    def failed_count(self) -> int: ...

    def conflict_count(self) -> int: ...


class SyncTimesView(Protocol):
    def synced_at(self, type_: str) -> datetime | None: ...


class CacheView(Protocol):
    """What the window reads of the cache. Writing is the workspace's alone."""

    @property
    def recovery_message(self) -> str | None: ...

    @property
    def records(self) -> RecordsView: ...

    @property
    def outbox(self) -> OutboxView: ...

    @property
    def sync_state(self) -> SyncTimesView: ...


def rate_limit_notice(wait: float | None) -> str:
    """The status line while Commerce Layer refuses for rate limiting: how long it asked to wait, in words."""
    if wait is None or wait <= 0:
        return "Commerce Layer is limiting requests; edits stay queued, try again in a minute"
    return f"Commerce Layer asks to wait {duration_words(math.ceil(wait))}; edits stay queued"


def push_notice(result: PushResult) -> str:
    """What held a push back that is nobody's mistake, for the status line ("" when nothing did): another
    Stockroom process sending this cache's edits (it holds their lease), or Commerce Layer's rate limit."""
    if result.rate_limited:
        return rate_limit_notice(result.rate_limit_wait)
    if result.held:
        holders = ", ".join(sorted(set(result.held.values())))
        count = len(result.held)
        return f"Another Stockroom is syncing this cache ({holders}); it is sending {count:,} of the queued edits"
    return ""


def outcome_of(entry: OutboxEntry, *, offline: bool) -> Outcome:
    """What a queued edit's outbox entry says about it now."""
    ids = (entry.id,)
    if entry.state == "failed":
        errors = dict(entry.field_errors or {}) or {"": entry.error or "the server refused the change"}
        return Outcome(Status.REFUSED, entry.type, entry.record_id, ids, errors)
    if entry.state == "conflict":
        return Outcome(Status.CONFLICT, entry.type, entry.record_id, ids)
    return Outcome(Status.OFFLINE if offline else Status.QUEUED, entry.type, entry.record_id, ids)


def refusal(type_: str, record_id: str, exc: Exception) -> Outcome:
    """An edit the description (or the planner) refused before it was queued; the message names the field."""
    field_name = getattr(exc, "field", None)
    if isinstance(field_name, str):
        return Outcome(Status.REFUSED, type_, record_id, errors={field_name: str(getattr(exc, "message", exc))})
    name, _, text = str(exc).partition(" - ")  # a UsageError reads "field - what is wrong"
    errors = {name: text} if text and name.isidentifier() else {"": str(exc)}
    return Outcome(Status.REFUSED, type_, record_id, errors=errors)


def reorder_outcome(queued: Outcome, result: ReorderOutcome, *, offline: bool) -> Outcome:
    """A reorder's fate from the planner's account of its push."""
    if result.failed:
        errors = {"priority": result.error or "the server refused the new order"}
        return Outcome(Status.REFUSED, queued.type, queued.record_id, queued.entry_ids, errors)
    if result.queued:
        status = Status.OFFLINE if result.offline or offline else Status.QUEUED
        return Outcome(status, queued.type, queued.record_id, queued.entry_ids)
    return Outcome(Status.SENT, queued.type, queued.record_id, queued.entry_ids)
