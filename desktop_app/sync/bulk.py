"""A large batch sent through Commerce Layer's bulk imports: one write for up to 10,000 records, not one each.

Writes are limited to 200 a minute live (100 in test), so a batch of a thousand changes takes minutes one by one;
an import job takes them in one POST and reports per input. The edits still come from the outbox and end the way
single sends end, record by record: before the job, updates are checked for conflicts against the server's current
versions (read 25 at a time); each edit is marked with the job's reference (and counted as an attempt) in the outbox
before the POST, so a push killed while the job runs finds it again by that reference instead of importing twice;
after the job, ``errors_log`` names the refused inputs and every other edit is confirmed only from what the server
holds (updates read back, creates found by the batch and operation marks in their metadata). An edit the job did
not apply goes back to single sends, whose own checks (the create looked up by its mark, the update compared with
the server) keep it from being applied twice.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from desktop_app.api import ApiError, Record, ValidationError
from desktop_app.schema import app_type, bulk_job_type, bulk_types
from desktop_app.store import OP_KEY, OutboxEntry
from desktop_app.sync.resources import includes

if TYPE_CHECKING:
    from pathlib import Path

    from desktop_app.api import CommerceLayerClient
    from desktop_app.store import Outbox, RecordStore


T = TypeVar("T")


class Sender(Protocol):
    """What the import route needs of the push it is part of."""

    outbox: Outbox
    client: CommerceLayerClient

    async def conflicts(self, entry: OutboxEntry, server: Record) -> bool: ...

    async def fail(self, entry: OutboxEntry, message: str, field_errors: dict[str, str]) -> None: ...

    async def write(self, change: Callable[[], T]) -> T: ...

    async def confirm_imported(self, confirmed: Sequence[tuple[OutboxEntry, Record]]) -> None: ...


log = logging.getLogger("desktop_app.sync")

#: Waiting edits (heads of their records' chains, of one push round) from which a batch goes through an import.
#: Measured by ``tests/bench/bench_batches.py`` against the sandbox at ``--rate-limits live``: an import of n
#: stock-item updates took 0.35 s (n = 25), 0.42 s (50), 0.71 s (100) and 0.86 s (200) end to end (POST, the job
#: picked up after 0.2 s, polls every 0.25 s, records read back 25 a page), while n paced single writes need at
#: least 0 s up to n = 50 (the burst), 10 s from the 51st write, 30 s for 200 (``floor_seconds``): single writes
#: take longer than an import from the 51st write on. Commerce Layer queues a job for longer than the sandbox's
#: 0.2 s (not measurable here), so the line is put at 100, where single writes already need at least 10 s live
#: (30 s in test) and a job that waits several seconds still comes out ahead.
BULK_THRESHOLD = 100
#: Commerce Layer takes at most this many inputs in one import.
MAX_INPUTS = 10_000
#: Seconds between two looks at a running job (cacheable reads: 1,000 a minute live).
POLL = 0.25
#: Edits confirmed in one transaction (the writer thread's, or between two turns of the event loop): short enough
#: that a write waiting for it waits little, long enough that commits do not dominate.
CONFIRM_SLICE = 100
#: Edits marked with their import's reference per transaction, the loop turning between them.
NOTE_SLICE = 500


def _eligible(
    entry: OutboxEntry, known: dict[tuple[str, str], Record], accepted: frozenset[str], riders: dict[str, set[str]]
) -> bool:
    """A batch's create or update of a type imports accept (``accepted``), with no step but the quantity check
    riding along (``riders``: type → that check's trigger, filled as types come); an update judged against a server
    version read in this round (else it goes singly, read then)."""
    if entry.batch_id is None or entry.import_ref or entry.op not in ("create", "update"):
        return False
    if entry.type not in accepted or any(isinstance(v, list) for v in entry.relationships.values()):
        return False
    if entry.type not in riders:
        rule = app_type(entry.type).below_total
        riders[entry.type] = {rule.trigger} if rule else set()
    if any(k.startswith("_") and k not in riders[entry.type] for k in entry.attributes):
        return False
    return entry.op == "create" or not entry.base.get("updated_at") or (entry.type, entry.record_id) in known


def as_input(entry: OutboxEntry) -> dict[str, Any]:
    """An edit as one input: its attributes, ``<relationship>_id`` and, for an update, the record's ``id``."""
    row: dict[str, Any] = dict(entry.attributes)
    for name, value in entry.relationships.items():
        row[f"{name}_id"] = value
    if entry.op == "update":
        row["id"] = entry.record_id
    return row


def input_keys(entries: Sequence[OutboxEntry]) -> list[str]:
    """Where the job's ``errors_log`` files each input: its id, else its code, else its position."""
    keys = []
    for index, entry in enumerate(entries):
        code = entry.attributes.get("code")
        keys.append(entry.record_id if entry.op == "update" else code if isinstance(code, str) and code else str(index))
    return keys


class BulkImport:
    """The import route of one push (its outbox, client and outcomes)."""

    def __init__(self, pusher: Sender, threshold: int | None = BULK_THRESHOLD) -> None:
        self.pusher = pusher
        self.threshold = threshold
        self.job_type = bulk_job_type()

    def chosen(self, chains: Sequence[list[OutboxEntry]], known: dict[tuple[str, str], Record]) -> list[OutboxEntry]:
        """The chains' heads that go through an import this round (none below the threshold)."""
        if self.threshold is None or self.job_type is None:
            return []
        accepted = bulk_types()  # once, not per edit: thousands of heads
        riders: dict[str, set[str]] = {}
        heads = [chain[0] for chain in chains if _eligible(chain[0], known, accepted, riders)]
        return heads if len(heads) >= self.threshold else []

    async def resume(self) -> None:
        """Settle the edits a killed push left in an import: the job found by its reference, waited for, and its
        outcome applied; with no such job (the POST never arrived) they go again."""
        waiting: dict[str, list[OutboxEntry]] = {}
        for entry in self.pusher.outbox.imported_entries():
            waiting.setdefault(entry.import_ref or "", []).append(entry)
        for reference, entries in waiting.items():
            page = await self.pusher.client.list_page(
                self.job_type or "", filters={"reference_eq": reference}, page_size=1
            )
            errors: dict[str, Any] = {}
            if page.records:
                job = await self._wait(page.records[0].id)
                errors = job.attributes.get("errors_log") or {}
            await self._settle(entries, errors)

    async def send(self, entries: Sequence[OutboxEntry], known: dict[tuple[str, str], Record]) -> set[str]:
        """Import ``entries`` (after the conflict check), one job per type and 10,000 inputs; the ids of the
        entries this took care of (the rest of their chains wait for the next round)."""
        handled: set[str] = set()
        ready: dict[str, list[OutboxEntry]] = {}
        for number, entry in enumerate(entries, 1):
            if number % NOTE_SLICE == 0:
                await asyncio.sleep(0)  # thousands of checks: the loop turns between slices
            handled.add(entry.id)
            current = known.get((entry.type, entry.record_id))
            if entry.op == "update" and current is not None and await self.pusher.conflicts(entry, current):
                continue
            ready.setdefault(entry.type, []).append(entry)
        for type_, group in ready.items():
            for start in range(0, len(group), MAX_INPUTS):
                await self._import(type_, group[start : start + MAX_INPUTS])
        return handled

    async def _import(self, type_: str, entries: list[OutboxEntry]) -> None:
        reference = f"stockroom-{uuid.uuid4()}"
        ids = [e.id for e in entries]
        for start in range(0, len(ids), NOTE_SLICE):  # a killed push leaves some marked: resume() sends them again
            await self.pusher.write(
                partial(self.pusher.outbox.note_imported, ids[start : start + NOTE_SLICE], reference)
            )
            await asyncio.sleep(0)
        attributes = {
            "resource_type": type_,
            "format": "json",
            "inputs": [as_input(e) for e in entries],
            "skip_errors": True,
            "reference": reference,
        }
        try:
            job = await self.pusher.client.create(self.job_type or "", attributes=attributes)
        except ApiError as error:  # the job was refused whole: nothing was imported, the edits go singly
            log.info("import of %d %s refused (%s); sending them one by one", len(entries), type_, error)
            await self.pusher.write(partial(self.pusher.outbox.note_imported, ids, None))
            return
        finished = await self._wait(job.id)
        await self._settle(entries, finished.attributes.get("errors_log") or {})

    async def _wait(self, job_id: str) -> Record:
        while True:
            job = await self.pusher.client.retrieve(self.job_type or "", job_id)
            if job.attributes.get("status") in ("completed", "interrupted"):
                return job
            await asyncio.sleep(POLL)

    async def _settle(self, entries: Sequence[OutboxEntry], errors: dict[str, Any]) -> None:
        """Each edit as the server has it now: refused (named in ``errors``), confirmed (found applied), or back to
        single sends; an edit whose batch was cancelled while the job ran and that the job did not apply is dropped
        instead (its line stays cancelled), so a cancel never turns into single sends.

        What the job applied is judged by reading the records back, not by ``processed_count``: the sandbox applies
        inputs in order, so the first ``processed_count`` inputs would be the applied ones there, but Commerce Layer
        does not promise an order (nor that an interrupted job stops between two inputs), so only the records
        holding the values sent prove an input was applied, and only their absence that it was not."""
        cancelled = self.pusher.outbox.cancelled([e.id for e in entries])
        applied: list[OutboxEntry] = []
        for entry, key in zip(entries, input_keys(entries), strict=True):
            problems = errors.get(key)
            if isinstance(problems, dict) and problems and entry.id not in cancelled:
                await self.pusher.write(partial(self.pusher.outbox.note_imported, [entry.id], None))
                await self.pusher.fail(entry, *_explained(problems))
            else:
                applied.append(entry)
        found = await self._read_back(applied)
        again = [entry.id for entry in applied if entry.id not in found]
        confirmed = [(entry, found.pop(entry.id)) for entry in applied if entry.id in found]
        del applied
        while confirmed:  # each slice's records freed once confirmed, not thousands at once at the end
            part = confirmed[:CONFIRM_SLICE]
            del confirmed[:CONFIRM_SLICE]
            await self.pusher.confirm_imported(part)
        if again:  # none, as a rule: no write (and no wait for the writer thread's) then
            await self.pusher.write(partial(self.pusher.outbox.remove_entries, [i for i in again if i in cancelled]))
            await self.pusher.write(
                partial(self.pusher.outbox.note_imported, [i for i in again if i not in cancelled], None)
            )

    async def _read_back(self, entries: Sequence[OutboxEntry]) -> dict[str, Record]:
        """Entry id → the server's record, for the updates that hold their values and the creates found by
        their marks."""
        from desktop_app.sync.batches import BATCH_KEY

        client = self.pusher.client
        found: dict[str, Record] = {}
        updates = [e for e in entries if e.op == "update"]
        for start in range(0, len(updates), 25):
            chunk = updates[start : start + 25]
            type_ = chunk[0].type
            page = await client.list_page(
                type_, filters={"id_in": [e.record_id for e in chunk]}, include=includes(type_) or None, page_size=25
            )
            by_id = {r.id: r for r in page.records}
            for entry in chunk:
                record = by_id.get(entry.record_id)
                if record is not None and holds(entry, record):
                    found[entry.id] = record
        creates: dict[tuple[str, str], dict[str, OutboxEntry]] = {}
        for entry in entries:
            if entry.op == "create" and entry.batch_id:
                creates.setdefault((entry.type, entry.batch_id), {})[entry.id] = entry
        for (type_, batch_id), wanted in creates.items():
            filters = {"metadata_jcont": {BATCH_KEY: batch_id}}
            async for page in client.list_all(type_, filters=filters, include=includes(type_) or None):
                for record in page.records:
                    mark = (record.attributes.get("metadata") or {}).get(OP_KEY)
                    if mark in wanted:
                        found[mark] = record
        return found


def merged(record: Record, known: dict[str, Any]) -> Record:
    """A write's answer carries relationship ids only when included: keep the ones we know (sent or cached)."""
    relationships = {**known, **record.relationships}
    return Record(record.type, record.id, record.attributes, relationships, record.meta)


def confirm_imported(
    outbox: Outbox, records: RecordStore, confirmed: Sequence[tuple[OutboxEntry, Record]]
) -> list[str]:
    """Confirm each edit with the server's record as read back (the relationship ids it leaves out kept from the
    server copy and the edit), in one transaction; the records' ids."""
    ids = []
    with outbox.grouped():
        for entry, record in confirmed:
            known = records.server_version(entry.type, entry.record_id) or {}
            kept = {**known.get("relationships", {}), **entry.relationships}
            ids.append(outbox.confirm(entry, merged(record, kept)))
    return ids


def confirm_imported_at(cache_file: Path, confirmed: Sequence[tuple[OutboxEntry, Record]]) -> list[str]:
    """:func:`confirm_imported` over a connection of the calling thread's own (the writer thread's)."""
    from desktop_app.store.side import side_cache

    with side_cache(cache_file) as side:
        return confirm_imported(side.outbox, side.records, confirmed)


def holds(entry: OutboxEntry, server: Record) -> bool:
    """Whether the server's record already has every value the update sets. A step (a trigger such as a
    transfer's ``_complete``) cannot be told from the record, so an update carrying one is never judged done; the
    check that rides beside a quantity (``below_total``'s trigger) changes nothing and is no step."""
    rule = app_type(entry.type).below_total
    harmless = {rule.trigger} if rule is not None else set()
    plain = {k: v for k, v in entry.attributes.items() if not k.startswith("_")}
    if set(entry.attributes) - set(plain) - harmless or not (plain or entry.relationships):
        return False
    if any(server.attributes.get(k) != v for k, v in plain.items()):
        return False
    return all(k in server.relationships and server.relationships[k] == v for k, v in entry.relationships.items())


def _explained(problems: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """An ``errors_log`` entry as a message and per-field errors (``base``: the record as a whole)."""
    fields: dict[str, str] = {}
    for name, messages in problems.items():
        text = "; ".join(str(m) for m in messages) if isinstance(messages, list) else str(messages)
        fields[str(name)] = text
    message = "; ".join(text if name == "base" else f"{name} - {text}" for name, text in fields.items())
    return message, {k: v for k, v in fields.items() if k != "base"}


async def interrupt(client: CommerceLayerClient, references: Sequence[str]) -> list[str]:
    """Ask the import jobs named by ``references`` to stop (``_interrupt``, the job's updatable trigger); what
    could not be asked, in words (a job already completed or interrupted answers 422, which is no problem: the push
    waiting for it settles its edits either way). The push that sent the job (or the next one, after a restart)
    then confirms what the job applied and drops the rest of a cancelled batch."""
    job_type = bulk_job_type()
    problems: list[str] = []
    if job_type is None:
        return problems
    for reference in references:
        page = await client.list_page(job_type, filters={"reference_eq": reference}, page_size=1)
        if not page.records:
            continue  # the POST never arrived: the push sends its edits singly, or drops the cancelled ones
        try:
            await client.update(job_type, page.records[0].id, attributes={"_interrupt": True})
        except ValidationError as error:
            log.info("import %s not interrupted: %s", reference, error)
            problems.append("the import had already ended")
    return problems
