"""Batches: many edits queued as one named action (a count, an import, a bulk edit), cancelled or undone as one.

A batch goes in like a single edit, only all at once: every edit is checked against the resource description
first (one bad field refuses the whole batch, naming the field and the line), then the batch, its lines, their
outbox entries and the records they change are written in one transaction. The pusher sends the entries like any
other; each line records whether it was sent, so progress, refusals by record and undo survive a restart.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from desktop_app.errors import UsageError
from desktop_app.schema import FieldError, get_resource
from desktop_app.store import LOCAL_ID_PREFIX, OP_KEY, Batch, BatchLine, CachedRecord, UnknownRecordError
from desktop_app.store.bulk_queue import QueuedEdit, add_lines, queue_edits, remove_entries
from desktop_app.store.lease import holder_alive
from desktop_app.store.records import Relationships
from desktop_app.sync.checks import check_required, checked_attributes, checked_relationships, resource_for

if TYPE_CHECKING:
    from desktop_app.store import BatchStore, Outbox, RecordStore, SyncStateStore

__all__ = ["BATCH_KEY", "Batch", "BatchEdit", "BatchLine", "BatchQueue"]

#: Key in a created record's ``metadata`` naming the batch it came in: a bulk import's creates are found by it
#: (25 a page) instead of one look-up per record.
BATCH_KEY = "stockroom_batch"


@dataclass(frozen=True)
class BatchEdit:
    """One edit of a batch. ``record_id`` is ``None`` for a create; ``line_label`` is how the person knows the
    record ("SKU TSHIRTMM at Berlin Hub"), shown beside its progress and its errors."""

    action: Literal["create", "update", "delete"]
    type: str
    record_id: str | None
    attributes: Mapping[str, Any] = field(default_factory=dict)
    relationships: Mapping[str, str | None] = field(default_factory=dict)
    line_label: str = ""


@dataclass(frozen=True)
class _Checked:
    """An edit after the description's checks: the values as they will be written, and what undo needs."""

    edit: BatchEdit
    type: str
    attributes: dict[str, Any]
    relationships: Relationships
    before: dict[str, Any]


class BatchQueue:
    """The batch operations of the Editor, over the same parts of the cache it uses."""

    def __init__(self, outbox: Outbox, records: RecordStore, sync_state: SyncStateStore, batches: BatchStore) -> None:
        self.outbox = outbox
        self.records = records
        self.sync_state = sync_state
        self.batches = batches

    # -- queueing ----------------------------------------------------------------------------------------------

    def queue(
        self, name: str, edits: Sequence[BatchEdit], *, undo_of: str | None = None, notes: tuple[str, ...] = ()
    ) -> Batch:
        if not name.strip():
            raise FieldError("name", "a batch needs a name", "blank")
        if not edits:
            raise UsageError("edits - a batch needs at least one change")
        known = self._records_of([(edit.type, edit.record_id) for edit in edits if edit.action != "create"])
        checked = [self._check(edit, number, known) for number, edit in enumerate(edits, 1)]
        batch_id = str(uuid.uuid4())
        with self.batches.writing() as db:
            self.batches.add_batch(db, batch_id, name.strip(), undo_of=undo_of, notes=notes)
            run: list[QueuedEdit] = []  # creates and updates since the last delete: written together
            for position, item in enumerate(checked):
                entry_id = str(uuid.uuid4())
                record_id = item.edit.record_id or ""
                if item.edit.action != "delete":
                    run.append(self._written(position, entry_id, batch_id, item))
                    continue
                queue_edits(db, batch_id, name, run)
                run = []
                sent = self.outbox.queue_delete(entry_id, item.type, record_id, batch_id=batch_id) is None
                line = (position, entry_id, item.edit.action, item.type, record_id, item.edit.line_label, item.before)
                add_lines(db, batch_id, [line], state="sent" if sent else "queued")
            queue_edits(db, batch_id, name, run)
        found = self.batches.batch(batch_id)
        assert found is not None
        return found

    @staticmethod
    def _written(position: int, entry_id: str, batch_id: str, item: _Checked) -> QueuedEdit:
        """A create or update as its entry is written: a create gets a temporary id and the marks its bulk import
        and a lost answer are found by."""
        attributes = item.attributes
        record_id = item.edit.record_id or ""
        if item.edit.action == "create":
            marks = {OP_KEY: entry_id, BATCH_KEY: batch_id}
            attributes = {**attributes, "metadata": {**(attributes.get("metadata") or {}), **marks}}
            record_id = f"{LOCAL_ID_PREFIX}{uuid.uuid4().hex[:12]}"
        edit = item.edit
        return QueuedEdit(
            position,
            entry_id,
            edit.action,
            item.type,
            record_id,
            attributes,
            item.relationships,
            edit.line_label,
            item.before,
        )

    def _records_of(self, keys: Sequence[tuple[str, str | None]]) -> dict[tuple[str, str], CachedRecord]:
        """(type, id) → the visible record, for those of ``keys`` the cache holds, read a type at a time in sets
        (:meth:`~desktop_app.store.RecordStore.get_many`): a batch of thousands looked them up one by one. A key of
        an unknown type is left out; its edit's own check names the problem."""
        wanted: dict[str, list[str]] = {}
        for type_, record_id in keys:
            try:
                resource = get_resource(type_)
            except KeyError:
                continue
            if record_id:
                wanted.setdefault(resource.type, []).append(record_id)
        found: dict[tuple[str, str], CachedRecord] = {}
        for type_, ids in wanted.items():
            found.update(
                ((type_, record_id), record) for record_id, record in self.records.get_many(type_, ids).items()
            )
        return found

    def _check(self, edit: BatchEdit, number: int, known: Mapping[tuple[str, str], CachedRecord]) -> _Checked:
        """The checks a single edit meets, with the line named in the message when one fails; ``known`` holds the
        records the batch edits (those the cache has)."""
        try:
            return self._checked(edit, known)
        except FieldError as error:
            raise FieldError(error.field, f"{error.message} ({self._name(edit, number)})", error.code) from None
        except UsageError as error:
            raise UsageError(f"{error} ({self._name(edit, number)})") from None

    @staticmethod
    def _name(edit: BatchEdit, number: int) -> str:
        return f"change {number:,}" + (f", {edit.line_label}" if edit.line_label else "")

    def _checked(self, edit: BatchEdit, known: Mapping[tuple[str, str], CachedRecord]) -> _Checked:
        if edit.action not in ("create", "update", "delete"):
            raise FieldError("action", "must be create, update or delete", "invalid")
        resource = resource_for(edit.type, edit.action)
        relationships = dict(edit.relationships)
        if edit.action == "create":
            attributes = checked_attributes(resource, edit.attributes, "create")
            clean = checked_relationships(self.records, self.sync_state, resource, relationships, "create")
            check_required(resource, attributes, clean)
            return _Checked(edit, resource.type, attributes, clean, {})
        if not edit.record_id:
            raise FieldError("record_id", f"an {edit.action} needs the record's id", "blank")
        record = known.get((resource.type, edit.record_id))
        if record is None:
            raise UnknownRecordError(resource.type, edit.record_id)
        if edit.action == "delete":
            before = {"attributes": dict(record.attributes), "relationships": dict(record.relationships)}
            return _Checked(edit, resource.type, {}, {}, before)
        attributes = checked_attributes(resource, edit.attributes, "update")
        clean = checked_relationships(self.records, self.sync_state, resource, relationships, "update")
        if not attributes and not clean:
            raise UsageError("set - nothing to change")
        before = {
            "attributes": {k: record.attributes.get(k) for k in attributes if not k.startswith("_")},
            "relationships": {k: record.relationships.get(k) for k in clean},
        }
        return _Checked(edit, resource.type, attributes, clean, before)

    # -- cancel and undo ---------------------------------------------------------------------------------------

    def cancel(self, batch_id: str) -> Batch:
        """Drop the batch's edits not sent yet. An edit being sent right now (claimed by a live process) or one
        that may already have reached the server (tried, answer lost, not refused) is left to finish: dropping it
        could not take it back from the server. An edit inside a running bulk import stays in the outbox with its
        line marked cancelled: the import is asked to stop (:func:`desktop_app.sync.bulk.interrupt`), and once it
        ended the edits it applied are confirmed (sent) and the rest dropped, never sent again."""
        if self.batches.batch(batch_id) is None:
            raise UsageError(f"batch - no batch {batch_id!r}")
        dropped: list[str] = []
        imported: list[str] = []
        for entry_id, attempts, state, import_ref, holder, until in self.batches.entry_states(batch_id):
            if state == "pending" and import_ref:
                imported.append(entry_id)
            elif not (attempts and state == "pending") and not _held(holder, until):
                dropped.append(entry_id)
        with self.batches.writing() as db:
            remove_entries(db, dropped)
            self.batches.cancel_lines(db, imported)
        found = self.batches.batch(batch_id)
        assert found is not None
        return found

    def undo(self, batch_id: str) -> Batch:
        """Cancel what is not sent, then queue one new batch of compensating edits for what was: updates back to
        the values before, deletes of the records created, the deleted records created again (with new ids).
        Lines that cannot be undone are named in the new batch's ``notes``."""
        batch = self.cancel(batch_id)
        edits: list[BatchEdit] = []
        notes: list[str] = []
        lines = self.batches.lines(batch_id, states=("sent",))
        current = self._records_of([(line.type, line.record_id) for line in lines])
        for line in reversed(lines):
            compensation = self._compensation(line, current.get((line.type, line.record_id)))
            if isinstance(compensation, str):
                notes.append(compensation)
            else:
                edits.append(compensation)
        if not edits:
            reason = "; ".join(notes) if notes else "none of its changes was sent, and the rest were cancelled"
            raise UsageError(f"batch - nothing of {batch.name!r} to undo: {reason}")
        return self.queue(f"Undo of {batch.name}", edits, undo_of=batch_id, notes=tuple(notes))

    @staticmethod
    def _compensation(line: BatchLine, current: CachedRecord | None) -> BatchEdit | str:
        """The edit that takes ``line`` back (``current``: its record as the cache has it now), or why there is
        none."""
        name = line.line_label or f"{line.type} {line.record_id}"
        resource = get_resource(line.type)
        if line.op == "update":
            if current is None:
                return f"{name}: no longer here, its change cannot be undone"
            return BatchEdit(
                "update",
                line.type,
                line.record_id,
                line.before.get("attributes", {}),
                line.before.get("relationships", {}),
                name,
            )
        if line.op == "create":
            if current is None:
                return f"{name}: already deleted"
            if not resource.can("delete"):
                return f"{name}: {resource.plural_label} cannot be deleted"
            return BatchEdit("delete", line.type, line.record_id, line_label=name)
        if not resource.can("create"):
            return f"{name}: {resource.plural_label} cannot be created again"
        attributes = {
            k: v
            for k, v in line.before.get("attributes", {}).items()
            if k in resource.fields
            and resource.fields[k].creatable
            and not resource.fields[k].trigger
            and v is not None
        }
        metadata = {k: v for k, v in (attributes.get("metadata") or {}).items() if k not in (OP_KEY, BATCH_KEY)}
        if "metadata" in attributes:
            attributes["metadata"] = metadata
        relationships = {
            k: v
            for k, v in line.before.get("relationships", {}).items()
            if k in resource.relationships and resource.relationships[k].creatable and isinstance(v, str)
        }
        return BatchEdit("create", line.type, None, attributes, relationships, name)


def _held(holder: str | None, until: float | None) -> bool:
    """Whether a live process holds an entry for sending right now."""
    return holder is not None and until is not None and until >= time.time() and holder_alive(holder)
