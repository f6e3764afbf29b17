"""Carry a new stock level order from the list (or the command line) to the server, all or nothing.

The controller plans the fewest priority changes, queues them as one user action through the one edit path
(``editor.update_many``, cache and outbox in one transaction) and pushes. Three endings:

* every PATCH confirmed: the new order stands;
* the server refused one: the ones that went through are put back (their old priorities PATCHed again), the refused
  and unsent ones are discarded, and the caller shows the order the server holds with the reason;
* offline: the entries stay queued, the rows carry the pending marker and the order shows as wanted.

No Qt here: the window reaches it through its workspace (``Workspace.reorder``), the command line calls
:meth:`ReorderController.reorder` directly.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from desktop_app.reorder.levels import StockLevelRow, in_priority_order
from desktop_app.reorder.planner import Plan, PlanError, check_order, plan_priorities
from desktop_app.schema import STOCK_LEVELS

if TYPE_CHECKING:
    from desktop_app.api import CommerceLayerClient
    from desktop_app.store import Cache, OutboxEntry, RecordStore
    from desktop_app.sync import Editor, PushResult

log = logging.getLogger(__name__)


@dataclass
class ReorderOutcome:
    """What happened to one reorder, for the window's message line and the command line's summary."""

    plan: Plan[str]
    #: PATCH calls that reached the server for the move itself (the plan's changes that were confirmed).
    sent: int = 0
    #: PATCH calls that put confirmed changes back after a refusal.
    reverted: int = 0
    #: Still waiting in the outbox (offline, or the server busy): the rows are marked pending.
    queued: int = 0
    #: The push could not reach the server at all.
    offline: bool = False
    #: The server's reason when it refused a change; the order was rolled back.
    error: str | None = None
    #: The rows to show now, in order: the new order, or what the server holds after a refusal.
    rows: list[StockLevelRow] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.error is not None


class ReorderController:
    """Reorders the stock levels of one inventory model through the cache, the outbox and the server.

    ``push`` sends the outbox (the editor's own by default); the window passes its workspace's, which also keeps
    track of being online and of the ids the server gave."""

    def __init__(
        self,
        cache: Cache,
        editor: Editor,
        inventory_model_id: str,
        *,
        push: Callable[[], Awaitable[PushResult]] | None = None,
    ) -> None:
        self._records = cache.records
        self._outbox = cache.outbox
        self._editor = editor
        self._push = push or editor.push
        self.inventory_model_id = inventory_model_id

    # --- reading -------------------------------------------------------------------------------------------------

    def rows(self) -> list[StockLevelRow]:
        """The stock levels as the user sees them (pending edits applied), in priority order."""
        records = self._records.find(STOCK_LEVELS, where={"inventory_model": self.inventory_model_id})
        return in_priority_order(
            self._row(record.id, record.attributes, record.relationships, record.pending) for record in records
        )

    def server_rows(self) -> list[StockLevelRow]:
        """The stock levels as the server holds them (last seen), in the order it ships from."""
        rows = []
        for row in self.rows():
            server = self._records.server_version(STOCK_LEVELS, row.id)
            if server is None:
                rows.append(row)
                continue
            rows.append(self._row(row.id, server["attributes"], server["relationships"], False))
        return in_priority_order(rows)

    def _row(
        self, level_id: str, attributes: dict[str, Any], relationships: dict[str, Any], pending: bool
    ) -> StockLevelRow:
        location_id = relationships.get("stock_location")
        location = self._records.get("stock_locations", location_id) if isinstance(location_id, str) else None
        name = str(location.attributes.get("name") or "") if location else ""
        code = str(location.attributes.get("code") or "") if location else ""
        priority = attributes.get("priority")
        return StockLevelRow(
            id=level_id,
            priority=priority if isinstance(priority, int) and not isinstance(priority, bool) else None,
            location_name=name or (location_id or ""),
            location_code=code,
            on_hold=bool(attributes.get("on_hold")),
            pending=pending,
        )

    # --- writing -------------------------------------------------------------------------------------------------

    def plan(self, order: Sequence[str], current: Sequence[StockLevelRow] | None = None) -> Plan[str]:
        """The fewest priority changes from ``current`` (default: the cache) to ``order``; PlanError if bad ids."""
        rows = list(current) if current is not None else self.rows()
        check_order([row.id for row in rows], order)
        return plan_priorities([(row.id, row.priority) for row in rows], list(order))

    def queue(self, plan: Plan[str], label: str | None = None) -> QueuedReorder:
        """Write the plan's changes to the cache and the outbox as one user action."""
        if plan.is_noop:
            return QueuedReorder(plan, [], {})
        changes = [(STOCK_LEVELS, level_id, {"priority": value}) for level_id, value in plan.changes.items()]
        entries = self._editor.update_many(changes, label=label or f"Reorder {len(plan.order)} stock levels")
        before = {entry.record_id: entry.base.get("attributes", {}).get("priority") for entry in entries}
        return QueuedReorder(plan, [entry.id for entry in entries], before)

    async def reorder(self, order: Sequence[str], label: str | None = None) -> ReorderOutcome:
        """Plan, queue and push one new order (the command line, and each move or undo in the window)."""
        return await self.push(self.queue(self.plan(order), label))

    async def push(self, queued: QueuedReorder) -> ReorderOutcome:
        """Send what is queued and sort out this reorder's entries; see the module docstring for the endings."""
        outcome = ReorderOutcome(plan=queued.plan)
        if queued.entry_ids:
            result = await self._push()
            outcome.offline = result.offline
        refused: list[OutboxEntry] = []
        waiting: list[OutboxEntry] = []
        for entry_id in queued.entry_ids:
            entry = self._outbox.entry(entry_id)
            if entry is None:
                outcome.sent += 1
            elif entry.state in ("failed", "conflict"):
                refused.append(entry)
            else:
                waiting.append(entry)
        if not refused:
            outcome.queued = len(waiting)
            outcome.rows = self.rows()
            return outcome
        outcome.error = refused[0].error or "the server refused the new priority"
        log.warning("reorder refused (%s); putting the order back", outcome.error)
        outcome.reverted = await self._put_back(queued, [*refused, *waiting])
        outcome.rows = self.server_rows()
        return outcome

    async def _put_back(self, queued: QueuedReorder, unsent: Sequence[OutboxEntry]) -> int:
        """Drop what did not go through and PATCH back what did: the server ends where it started."""
        for entry in unsent:
            self._editor.discard(entry.id)
        unsent_ids = {entry.record_id for entry in unsent}
        restore = [
            (STOCK_LEVELS, level_id, {"priority": original})
            for level_id, original in queued.before.items()
            if level_id not in unsent_ids and isinstance(original, int)
        ]
        if not restore:
            return 0
        entries = self._editor.update_many(restore, label="Put back a refused reorder")
        await self._push()
        return sum(1 for entry in entries if self._outbox.entry(entry.id) is None)


async def fetch_levels(client: CommerceLayerClient, records: RecordStore, inventory_model_id: str) -> list[str]:
    """Read one inventory model's stock levels (with their locations) from the server into the cache.

    The command line plans from what the server holds now; the window relies on its regular sync instead.
    Returns the ids the server listed.
    """
    from desktop_app.sync.resources import includes

    ids: list[str] = []
    pages = client.list_all(
        STOCK_LEVELS, filters={"inventory_model_id_eq": inventory_model_id}, include=includes(STOCK_LEVELS)
    )
    async for page in pages:
        records.store_page([*page.records, *page.included.values()])
        ids.extend(record.id for record in page.records)
    return ids


@dataclass(frozen=True)
class QueuedReorder:
    """A plan written to the outbox: its entries, and each changed level's priority on the server before."""

    plan: Plan[str]
    entry_ids: list[str]
    before: dict[str, Any]


__all__ = ["PlanError", "QueuedReorder", "ReorderController", "ReorderOutcome"]
