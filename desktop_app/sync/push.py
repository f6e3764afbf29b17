"""Sending the outbox: per record in order, records in parallel, never a create twice, never a blind overwrite.

Each record's entries form a chain sent oldest first; a chain stops at an entry that failed, conflicts, or refers
to a record created offline whose create has not been confirmed yet (the next round picks it up once the temporary
id has been replaced). Before its first update of a record the pusher reads the server's current version: if
``updated_at`` moved and a field we change now differs from the value our edit started from, the entry is held as
a conflict instead of overwriting someone else's count.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from desktop_app.api import (
    ApiError,
    AuthenticationError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    Record,
    ServerError,
    ValidationError,
)
from desktop_app.collector import collector_paused
from desktop_app.schema import app_type, get_resource
from desktop_app.store import LOCAL_ID_PREFIX, OP_KEY, CacheBusy, Outbox, OutboxEntry, RecordStore
from desktop_app.store.lease import Holder
from desktop_app.sync.bulk import BULK_THRESHOLD, BulkImport, confirm_imported, confirm_imported_at, holds, merged
from desktop_app.sync.resources import includes
from desktop_app.turns import turn

if TYPE_CHECKING:
    from pathlib import Path

    from desktop_app.api import CommerceLayerClient

log = logging.getLogger("desktop_app.sync")

#: Chains sent at the same time; the client's rate limiter still paces the writes.
WRITE_CONCURRENCY = 4
#: Outbox entries read (and decoded) between two turns of the event loop.
ENTRY_SLICE = 200
#: Seconds between two tries of a write that met another connection's write lock.
BUSY_RETRY = 0.02

T = TypeVar("T")


@dataclass
class PushResult:
    """Outcome of one push: ``sent`` confirmed by the server, ``failed`` refused (kept with the server's message),
    ``conflicts`` held for a decision, ``pending`` still queued (offline or the server busy)."""

    sent: int = 0
    failed: int = 0
    conflicts: int = 0
    pending: int = 0
    offline: bool = False
    messages: list[str] = field(default_factory=list)
    #: Set when the server refused for rate limiting: one line saying so, with the wait.
    rate_limited: str | None = None
    #: With ``rate_limited``: the seconds the server asked to wait, when it said.
    rate_limit_wait: float | None = None
    #: Entry id → who holds it (another live process sending it right now), for entries this push left alone.
    held: dict[str, str] = field(default_factory=dict)
    #: Outbox entry id → the record's id on the server, for every entry confirmed in this push.
    confirmed: dict[str, str] = field(default_factory=dict)
    #: Types a confirmed action changed on the server beyond its own record (a completed transfer's stock items):
    #: the cache's copies are stale until synced again.
    stale: set[str] = field(default_factory=set)
    #: Of those, the types synced again after this push.
    refreshed: list[str] = field(default_factory=list)


class _Offline(Exception):
    pass


async def _release(*parts: list[Any] | dict[Any, Any]) -> None:
    """Free large structures :data:`ENTRY_SLICE` items at a time, the loop turning between: thousands of entries and
    records freed at once held it for 10-20 ms."""
    for part in parts:
        while part:
            if isinstance(part, dict):
                for key in list(itertools.islice(part, ENTRY_SLICE)):
                    del part[key]
            else:
                del part[-ENTRY_SLICE:]
            await asyncio.sleep(0)


def _refers_to_local(entry: OutboxEntry) -> bool:
    values: list[Any] = []
    for value in entry.relationships.values():
        values.extend(value if isinstance(value, list) else [value])
    return any(isinstance(v, str) and v.startswith(LOCAL_ID_PREFIX) for v in values)


def _ran_trigger(entry: OutboxEntry) -> bool:
    """Whether the entry switched on a trigger (``_complete``): a step whose effect reaches other records."""
    fields = get_resource(entry.type).fields
    return entry.op == "update" and any(v is True and fields[k].trigger for k, v in entry.attributes.items())


class Pusher:
    """One push: sends the outbox's entries through ``client`` and writes each answer back to the outbox; reads
    the records' server copies to keep the relationship ids a write's answer leaves out."""

    def __init__(
        self,
        outbox: Outbox,
        records: RecordStore,
        client: CommerceLayerClient,
        progress: Callable[[], None] | None = None,
        bulk_threshold: int | None = BULK_THRESHOLD,
        *,
        cache_file: Path | None = None,
    ) -> None:
        self.outbox = outbox
        #: The cache's file: a bulk import's thousands of confirms are written there by the writer thread
        #: (:func:`desktop_app.store.side.writer`) on a connection of its own, not on the event loop's thread;
        #: ``None`` writes them through ``outbox``, the loop turning between slices.
        self.cache_file = cache_file
        #: Called after each entry the server answered (a batch's progress bar moves by it).
        self.progress = progress
        self.records = records
        self.client = client
        self.result = PushResult()
        self.owner = Holder.this_process().owner
        self._gate = asyncio.Semaphore(WRITE_CONCURRENCY)
        #: Large batches go through Commerce Layer's bulk imports (``None``: always one write per edit).
        self.bulk = BulkImport(self, bulk_threshold)

    async def push(self) -> PushResult:
        try:
            await self.bulk.resume()
        except NetworkError as error:
            return self._offline(error)
        while True:
            before = self.result.sent
            try:
                # The outbox read whole, the server's versions and an import's answers are thousands of objects
                # without cycles for a large batch: collecting them cost the loop 40-70 ms several times a push.
                with collector_paused():
                    ahead = await self._round()
            except NetworkError as error:
                self._offline(error)
                break
            if ahead is None:
                break
            chains, known, imported = ahead
            outcomes = await asyncio.gather(
                *(self._send_chain(chain, known.get((chain[0].type, chain[0].record_id))) for chain in chains),
                return_exceptions=True,
            )
            for outcome in outcomes:
                if isinstance(outcome, _Offline):
                    self.result.offline = True
                elif isinstance(outcome, BaseException):
                    raise outcome
            if self.result.offline or (self.result.sent == before and not imported):
                break
        # The collector, back on, frees what the paused rounds left in cycles (an import's hundreds of httpx
        # requests: ~11,000 objects, 8-19 ms) at its next allocation: a loop turn of its own, not the one in which
        # the caller tells the tables the push ended (their reload and repaint), with what came due between (see
        # desktop_app.turns).
        await turn()
        self.result.pending = self.outbox.pending_count() - self.outbox.failed_count()
        return self.result

    async def write(self, change: Callable[[], T]) -> T:
        """One of the push's writes on its own connection (the window's), never waiting there for another
        connection's write lock: while the writer thread holds it (a batch of thousands being queued, a second or
        more), the loop turns and the write is tried again every :data:`BUSY_RETRY` seconds. The try that met the
        lock wrote nothing, so the change is made once."""
        while True:
            try:
                with self.outbox.not_waiting():
                    return change()
            except CacheBusy:
                await asyncio.sleep(BUSY_RETRY)

    def _offline(self, error: NetworkError) -> PushResult:
        self.result.offline = True
        self.result.messages.append(str(error))
        self.result.pending = self.outbox.pending_count() - self.outbox.failed_count()
        return self.result

    async def _entries(self) -> list[OutboxEntry]:
        """Every entry in order, read :data:`ENTRY_SLICE` at a time with the event loop's turn between slices:
        decoding a batch of 3,334 entries at once held the loop (a window's) for 60-80 ms. An entry changed or
        dropped meanwhile is read again before it is sent."""
        found: list[OutboxEntry] = []
        while True:
            page = self.outbox.entries_after(found[-1].seq if found else 0, ENTRY_SLICE)
            found.extend(page)
            if len(page) < ENTRY_SLICE:
                return found
            await asyncio.sleep(0)

    async def _round(self) -> tuple[list[list[OutboxEntry]], dict[tuple[str, str], Record], set[str]] | None:
        """A round's reading, conflict check and import: the chains left for single sends with the server
        versions they need (the rest of what was read is freed before the collector runs again), and the entries
        imported; ``None`` when nothing can go."""
        chains = await self._chains()
        if not chains:
            return None
        known = await self._prefetch(chains)
        await asyncio.sleep(0)
        heads = self.bulk.chosen(chains, known)
        await asyncio.sleep(0)
        imported = await self.bulk.send(heads, known)
        del heads
        left = [chain for chain in chains if chain[0].id not in imported]
        kept = {key: known[key] for key in ((chain[0].type, chain[0].record_id) for chain in left) if key in known}
        await _release(chains, known)
        return left, kept, imported

    async def _chains(self) -> list[list[OutboxEntry]]:
        """Per record, its entries in order, up to (not including) the first one that cannot go now (the loop
        turning every :data:`ENTRY_SLICE` entries)."""
        chains: dict[tuple[str, str], list[OutboxEntry]] = {}
        blocked: set[tuple[str, str]] = set()
        for number, entry in enumerate(await self._entries(), 1):
            if number % ENTRY_SLICE == 0:
                await asyncio.sleep(0)
            key = (entry.type, entry.record_id)
            if key in blocked:
                continue
            if entry.state != "pending" or entry.import_ref or _refers_to_local(entry):
                blocked.add(key)
                continue
            if entry.record_id.startswith(LOCAL_ID_PREFIX) and entry.op != "create" and key not in chains:
                blocked.add(key)
                continue
            chains.setdefault(key, []).append(entry)
        return list(chains.values())

    async def _prefetch(self, chains: list[list[OutboxEntry]]) -> dict[tuple[str, str], Record]:
        """The server's current version of every record whose chain starts with an update, read 25 at a time
        (``id_in``) rather than one request each: what the conflict check compares with."""
        wanted: dict[str, list[str]] = {}
        for chain in chains:
            first = chain[0]
            if first.op == "update" and first.base.get("updated_at"):
                wanted.setdefault(first.type, []).append(first.record_id)
        found: dict[tuple[str, str], Record] = {}
        for type_, ids in wanted.items():
            if len(ids) < 2:
                continue  # one retrieve costs the same
            for start in range(0, len(ids), 25):
                chunk = ids[start : start + 25]
                try:
                    page = await self.client.list_page(
                        type_, filters={"id_in": chunk}, include=includes(type_) or None, page_size=25
                    )
                except ApiError as error:
                    log.info("could not read %s before pushing (%s); reading them one by one", type_, error)
                    continue
                found.update({(record.type, record.id): record for record in page.records})
        return found

    async def _send_chain(self, chain: list[OutboxEntry], current: Record | None = None) -> None:
        async with self._gate:
            for entry in chain:
                latest = self.outbox.entry(entry.id)  # base and ids may have moved with the previous confirm
                if latest is None:
                    continue
                holder = await self.write(partial(self.outbox.claim, latest.id, self.owner))
                if holder is not None:  # another live push is sending this record's edits
                    known = Holder.parse(holder)
                    self.result.held[latest.id] = known.describe() if known else "another process"
                    return
                try:
                    outcome = await self._send(latest, current)
                finally:
                    await self.write(partial(self.outbox.release, latest.id, self.owner))
                if outcome is None:
                    return
                current = outcome

    async def _send(self, entry: OutboxEntry, current: Record | None) -> Record | None:
        """Send one entry; returns the server's record after it (``None`` stops the chain)."""
        try:
            if entry.op == "create":
                return await self._create(entry)
            if entry.op == "update":
                return await self._update(entry, current)
            await self._delete(entry)
            return None
        except NetworkError as error:
            log.info("offline while sending %s %s: %s", entry.op, entry.type, error)
            self.result.messages.append(f"{entry.op} {entry.type} {entry.record_id}: {error}")
            raise _Offline() from error
        except RateLimitedError as error:
            self.result.rate_limited = error.describe()
            self.result.rate_limit_wait = error.wait
            self.result.messages.append(f"{entry.op} {entry.type} {entry.record_id}: {error.describe()} (kept)")
            return None
        except ServerError as error:
            self.result.messages.append(f"{entry.op} {entry.type} {entry.record_id}: {error} (kept, will retry)")
            return None
        except AuthenticationError:
            raise  # the credentials, not this edit: stop and leave everything queued
        except ValidationError as error:
            await self.fail(entry, error.explanation, error.field_errors)
            return None
        except NotFoundError as error:
            # Stored for the person, beside the record's name: the push's own message still names type and id.
            gone = f"This {get_resource(entry.type).label.lower()} is no longer on the server ({error.explanation})"
            await self.fail(entry, gone, {})
            return None
        except ApiError as error:
            await self.fail(entry, error.explanation, {})
            return None

    def _answered(self) -> None:
        if self.progress is not None:
            self.progress()

    async def fail(self, entry: OutboxEntry, message: str, field_errors: dict[str, str]) -> None:
        await self.write(partial(self.outbox.mark_failed, entry.id, message, field_errors))
        self.result.failed += 1
        self._answered()
        self.result.messages.append(f"{entry.op} {entry.type} {entry.record_id}: {message}")

    async def confirm_imported(self, confirmed: Sequence[tuple[OutboxEntry, Record]]) -> None:
        """Edits a bulk import applied, confirmed with the server's records as read back, in one transaction:
        written by the writer thread when the cache's file is known (100 confirms are some 40-90 ms of SQLite and
        JSON work, which held a window's loop), else here with the loop's turn after them."""
        if self.cache_file is None:
            ids = await self.write(partial(confirm_imported, self.outbox, self.records, confirmed))
            await asyncio.sleep(0)
        else:
            from desktop_app.store.side import writer

            loop = asyncio.get_running_loop()
            ids = await loop.run_in_executor(writer(), confirm_imported_at, self.cache_file, confirmed)
        for (entry, _), record_id in zip(confirmed, ids, strict=True):
            self._counted(entry, record_id)

    async def _confirmed(self, entry: OutboxEntry, record: Record | None) -> str:
        record_id = await self.write(partial(self.outbox.confirm, entry, record))
        self._counted(entry, record_id)
        return record_id

    def _counted(self, entry: OutboxEntry, record_id: str) -> None:
        self.result.sent += 1
        self.result.confirmed[entry.id] = record_id
        if _ran_trigger(entry):
            self.result.stale.update(app_type(entry.type).affects)
        self._answered()

    async def _create(self, entry: OutboxEntry) -> Record:
        record: Record | None = None
        if entry.attempts:
            # An earlier attempt may have reached the server with its answer lost: look for our mark first.
            page = await self.client.list_page(
                entry.type,
                filters={"metadata_jcont": {OP_KEY: entry.id}},
                include=includes(entry.type) or None,
                page_size=1,
            )
            record = page.records[0] if page.records else None
        if record is None:
            await self.write(partial(self.outbox.note_attempt, entry.id))
            record = await self.client.create(
                entry.type, attributes=entry.attributes, relationships=entry.relationships
            )
        record = merged(record, dict(entry.relationships))
        await self._confirmed(entry, record)
        return record

    async def _update(self, entry: OutboxEntry, current: Record | None) -> Record | None:
        known = self.records.server_version(entry.type, entry.record_id) or {}
        if current is None and (entry.base.get("updated_at") or entry.attempts):
            current = await self.client.retrieve(entry.type, entry.record_id, include=includes(entry.type) or None)
        if current is not None and entry.attempts and holds(entry, current):
            # An earlier attempt landed and its answer was lost (or its process was killed): not sent again.
            merged_current = merged(current, {**known.get("relationships", {}), **entry.relationships})
            await self._confirmed(entry, merged_current)
            return merged_current
        if current is not None and await self.conflicts(entry, current):
            return None
        await self.write(partial(self.outbox.note_attempt, entry.id))
        record = await self.client.update(
            entry.type, entry.record_id, attributes=entry.attributes or None, relationships=entry.relationships or None
        )
        answer = merged(record, {**known.get("relationships", {}), **entry.relationships})
        await self._confirmed(entry, answer)
        return answer

    async def conflicts(self, entry: OutboxEntry, server: Record) -> bool:
        """Hold the entry when the server moved on and changed a field we change to something we did not start
        from (a quantity counted twice is a conflict even if both counts are "valid")."""
        base = entry.base
        if not base or server.updated_at == base.get("updated_at"):
            return False
        theirs: dict[str, Any] = {"attributes": {}, "relationships": {}}
        for name, mine in entry.attributes.items():
            if name.startswith("_") or name not in base.get("attributes", {}):
                continue
            now = server.attributes.get(name)
            if now != base["attributes"][name] and now != mine:
                theirs["attributes"][name] = now
        for name, mine_rel in entry.relationships.items():
            if name not in base.get("relationships", {}) or name not in server.relationships:
                continue
            now_rel = server.relationships.get(name)
            if now_rel != base["relationships"][name] and now_rel != mine_rel:
                theirs["relationships"][name] = now_rel
        if not theirs["attributes"] and not theirs["relationships"]:
            return False
        theirs["updated_at"] = server.updated_at
        known = self.records.server_version(entry.type, entry.record_id) or {}
        await self.write(
            partial(self.outbox.mark_conflict, entry, theirs, merged(server, known.get("relationships", {})))
        )
        self.result.conflicts += 1
        self.result.messages.append(f"update {entry.type} {entry.record_id}: changed on the server meanwhile")
        return True

    async def _delete(self, entry: OutboxEntry) -> None:
        await self.write(partial(self.outbox.note_attempt, entry.id))
        try:
            await self.client.delete(entry.type, entry.record_id)
        except NotFoundError:
            log.info("%s %s was already gone on the server", entry.type, entry.record_id)
        await self._confirmed(entry, None)
