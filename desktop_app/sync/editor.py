"""The one path every edit takes: the command line, the window's dialogs and drags, the reorder planner, a replay.

An edit is checked against the resource description, then written to the cache and queued in the outbox in one
transaction (so the window shows it at once and it survives a crash), and only then sent by :meth:`Editor.push`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from desktop_app.errors import StockroomError, UsageError
from desktop_app.schema import Resource, synced_types
from desktop_app.store import LOCAL_ID_PREFIX, OP_KEY, Cache, OutboxEntry
from desktop_app.store.batches import Batch
from desktop_app.store.outbox import base_of
from desktop_app.store.records import Relationships
from desktop_app.sync.batches import BatchEdit, BatchQueue
from desktop_app.sync.checks import check_required, checked_attributes, checked_relationships, resource_for
from desktop_app.sync.push import Pusher, PushResult

if TYPE_CHECKING:
    from desktop_app.api import CommerceLayerClient

ClientFactory = Callable[[], "CommerceLayerClient"]


def local_id() -> str:
    """A new temporary id for a record created here, until the server confirms it and gives its own."""
    return f"{LOCAL_ID_PREFIX}{uuid.uuid4().hex[:12]}"


class Editor:
    """Queues edits on a cache and pushes them through a client.

    ``client_factory`` returns an open client (the caller owns it and closes it); ``None`` makes an offline editor
    whose :meth:`push` refuses. Every method that changes data returns the outbox entries it wrote. It queues in
    the cache's outbox and reads its records (relationship targets, server copies) and sync state (whether a
    target type was ever listed).
    """

    def __init__(self, cache: Cache, client_factory: ClientFactory | None = None) -> None:
        self.outbox = cache.outbox
        self.records = cache.records
        self.sync_state = cache.sync_state
        self.client_factory = client_factory
        self.batches = cache.batches
        self._cache = cache  # what a follow-up sync writes to (a confirmed step's effect on other types)

    # -- queueing -----------------------------------------------------------------------------------------------

    def create(
        self,
        type_: str,
        attributes: Mapping[str, Any],
        relationships: Relationships | None = None,
        *,
        label: str | None = None,
        entry_id: str | None = None,
        record_id: str | None = None,
    ) -> OutboxEntry:
        """Queue a create under a temporary record id (``record_id``, from :func:`local_id`, else a new one) and an
        outbox entry id (``entry_id``, as in :meth:`update`)."""
        resource = resource_for(type_, "create")
        clean_attributes = checked_attributes(resource, attributes, "create")
        clean_relationships = checked_relationships(
            self.records, self.sync_state, resource, relationships or {}, "create"
        )
        check_required(resource, clean_attributes, clean_relationships)
        entry_id = entry_id or str(uuid.uuid4())
        metadata = dict(clean_attributes.get("metadata") or {})
        metadata[OP_KEY] = entry_id
        clean_attributes["metadata"] = metadata
        record_id = record_id or local_id()
        return self.outbox.queue_create(
            entry_id,
            resource.type,
            record_id,
            attributes=clean_attributes,
            relationships=clean_relationships,
            label=label,
        )

    def update(
        self,
        type_: str,
        record_id: str,
        *,
        attributes: Mapping[str, Any] | None = None,
        relationships: Relationships | None = None,
        label: str | None = None,
        entry_id: str | None = None,
    ) -> OutboxEntry:
        """Queue an update; ``entry_id`` names its outbox entry (a window handing the edit to its writer thread
        answers with the id before the entry is written), else a new one."""
        resource = resource_for(type_, "update")
        clean_attributes = checked_attributes(resource, attributes or {}, "update")
        clean_relationships = checked_relationships(
            self.records, self.sync_state, resource, relationships or {}, "update"
        )
        if not clean_attributes and not clean_relationships:
            raise UsageError("set - nothing to change (give --set field=value or --rel name=ID)")
        entries = self.outbox.queue_updates(
            [(resource.type, record_id, clean_attributes, clean_relationships)],
            [entry_id or str(uuid.uuid4())],
            label=label,
        )
        return entries[0]

    def update_many(
        self, changes: Sequence[tuple[str, str, Mapping[str, Any]]], *, label: str | None = None
    ) -> list[OutboxEntry]:
        """Several updates as one user action (a reorder's priority changes): all queued, or none."""
        checked: list[tuple[str, str, dict[str, Any], Relationships]] = []
        for type_, record_id, attributes in changes:
            resource = resource_for(type_, "update")
            checked.append((resource.type, record_id, checked_attributes(resource, attributes, "update"), {}))
        group = str(uuid.uuid4())
        ids = [str(uuid.uuid4()) for _ in checked]
        return self.outbox.queue_updates(checked, ids, label=label, group_id=group)

    def delete(self, type_: str, record_id: str, *, entry_id: str | None = None) -> OutboxEntry | None:
        """Queue a delete (``entry_id`` as in :meth:`update`); ``None`` when the record was created offline and
        never sent (it just disappears)."""
        resource = resource_for(type_, "delete")
        return self.outbox.queue_delete(entry_id or str(uuid.uuid4()), resource.type, record_id)

    # -- batches ----------------------------------------------------------------------------------------------------

    def queue_batch(self, name: str, edits: Sequence[BatchEdit]) -> Batch:
        """Queue ``edits`` as one named batch: each checked like a single edit (a bad field refuses the whole batch,
        naming the field and the line), then all written in one transaction (cache, outbox, the batch's lines)."""
        return self._batch_queue().queue(name, edits)

    def cancel_batch(self, batch_id: str) -> Batch:
        """Drop what of the batch is not sent yet; what the server confirmed stays."""
        return self._batch_queue().cancel(batch_id)

    def undo_batch(self, batch_id: str) -> Batch:
        """Cancel what is not sent and queue a new batch of compensating edits for what was; its ``notes`` say
        what could not be undone."""
        return self._batch_queue().undo(batch_id)

    def _relationships(self, resource: Resource, relationships: Relationships | None, action: str) -> Relationships:
        return checked_relationships(self.records, self.sync_state, resource, relationships or {}, action)

    def _batch_queue(self) -> BatchQueue:
        return BatchQueue(self.outbox, self.records, self.sync_state, self.batches)

    # -- decisions ------------------------------------------------------------------------------------------------

    def discard(self, entry_id: str) -> None:
        """Forget a queued edit; the record shows the server's version again."""
        if self.outbox.entry(entry_id) is None:
            raise UsageError(f"entry - no queued edit {entry_id!r}")
        self.outbox.remove_entry(entry_id)

    def retry(self, entry_id: str) -> None:
        """Send a failed entry again at the next push (after fixing what the server refused elsewhere)."""
        if self.outbox.entry(entry_id) is None:
            raise UsageError(f"entry - no queued edit {entry_id!r}")
        self.outbox.requeue(entry_id)

    def resolve(self, entry_id: str, keep: Literal["mine", "theirs"]) -> None:
        """Settle a conflict: ``mine`` sends our values over the server's new version at the next push,
        ``theirs`` drops our values of the conflicting fields (other fields of the edit still go)."""
        entry = self.outbox.entry(entry_id)
        if entry is None or entry.state != "conflict":
            raise UsageError(f"entry - {entry_id!r} is not a conflict")
        server = self.records.server_version(entry.type, entry.record_id)
        if keep == "mine":
            base = base_of(server, entry.attributes, entry.relationships) if server else {}
            self.outbox.requeue(entry_id, base=base)
        elif keep == "theirs":
            theirs = entry.theirs or {}
            self.outbox.drop_fields(entry_id, list(theirs.get("attributes", {})), list(theirs.get("relationships", {})))
        else:
            raise UsageError(f"keep - must be 'mine' or 'theirs', not {keep!r}")

    # -- sending ------------------------------------------------------------------------------------------------

    async def push(self, progress: Callable[[], None] | None = None) -> PushResult:
        """Send what is queued, oldest first per record; returns what was sent, refused and held. ``progress`` is
        called after each answer (a batch's progress bar)."""
        from desktop_app.api import NetworkError

        if self.client_factory is None:
            raise StockroomError("offline: edits stay queued until the next push")
        try:
            client = self.client_factory()
        except NetworkError as error:
            result = PushResult(offline=True, messages=[str(error)])
            result.pending = self.outbox.pending_count() - self.outbox.failed_count()
            return result
        result = await Pusher(self.outbox, self.records, client, progress, cache_file=self._cache.path).push()
        if result.stale:
            await self._refresh(client, result)
        return result

    async def _refresh(self, client: CommerceLayerClient, result: PushResult) -> None:
        """Sync again the types a confirmed step changed on the server (a completed transfer's stock items), the
        ones this cache keeps; a failure leaves them for the next sync, the push itself stands."""
        from desktop_app.api import ApiError, NetworkError
        from desktop_app.sync.syncer import Syncer

        kept = [t for t in synced_types() if t in result.stale and self.sync_state.get(t).full_synced_at]
        if not kept:
            return
        try:
            for outcome in await Syncer(self._cache, client).sync(kept):
                result.refreshed.append(outcome.type)
        except (NetworkError, ApiError) as error:
            result.messages.append(f"could not refresh {', '.join(kept)}: {error}")
