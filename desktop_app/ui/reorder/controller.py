"""Bind the stock level list to the workspace's reorder: optimistic moves, one undoable command each, rollback.

A move changes the list at once; this binder hands the new order to :meth:`Workspace.reorder`, which plans and
queues it synchronously (cache and outbox, so quick successive moves are planned in order against each other's
pending priorities) and sends it. The workspace's verdict decides what the list shows: the new order with its
priorities, the pending marker when offline, or the order the server holds plus the reason when a PATCH was refused.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from desktop_app.errors import StockroomError
from desktop_app.ui.outcome import Outcome, Status
from desktop_app.ui.reorder.model import StockLevelOrderModel, ordinal
from desktop_app.ui.tasks import TaskSet

if TYPE_CHECKING:
    from desktop_app.ui.workspace import Workspace

log = logging.getLogger(__name__)

OFFLINE_NOTE = "Offline: the new order is saved here and will be sent when the connection is back."
BUSY_NOTE = "The server did not take the new order yet; it stays queued and goes with the next push."


class ReorderCommand(QUndoCommand):
    """One move of the stock level list; undo puts the previous order back through the same planner."""

    def __init__(
        self, binder: StockLevelReorder, before: Sequence[str], after: Sequence[str], *, applied: bool
    ) -> None:
        super().__init__("Reorder stock levels")
        self._binder = binder
        self.inventory_model_id = binder.inventory_model_id
        self.before = list(before)
        self.after = list(after)
        self._skip_redo = applied  # the list already shows the move the first time the stack calls redo()

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        if self._usable():
            self._binder.apply(self.after, self.inventory_model_id)

    def undo(self) -> None:
        if self._usable():
            self._binder.apply(self.before, self.inventory_model_id)

    def _usable(self) -> bool:
        """A step whose list is gone (the tab bound a new one) drops out of the stack instead of failing."""
        if shiboken6.isValid(self._binder):
            return True
        self.setObsolete(True)
        return False


def describe_move(names: Mapping[str, str], previous: Sequence[str], order: Sequence[str]) -> str:
    """What a move did, in the person's words: "Manchester Depot moved to 2nd" (one row moved), else how many moved.

    A row moved alone when taking it out of both orders leaves the same list; of two such rows (a swap of
    neighbours) the one that went up is the one the person moved."""
    alone = [i for i in order if [x for x in previous if x != i] == [x for x in order if x != i]]
    changed = [i for i in alone if previous.index(i) != order.index(i)]
    if changed:
        moved = min(
            changed, key=lambda i: (-abs(previous.index(i) - order.index(i)), order.index(i) - previous.index(i))
        )
        return f"{names.get(moved, 'A stock level')} moved to {ordinal(order.index(moved) + 1)}"
    count = sum(1 for i, x in enumerate(order) if i >= len(previous) or previous[i] != x)
    return f"{count:,} stock levels moved"


class StockLevelReorder(QObject):
    """Moves in a :class:`StockLevelOrderModel` become pushed priority changes, each one step on the undo stack."""

    #: A sentence for the status line: the server's reason for a refusal, or the offline note.
    message = Signal(str)
    #: Every move's outcome (an :class:`Outcome`), after the list shows it.
    finished = Signal(object)

    def __init__(
        self,
        model: StockLevelOrderModel,
        workspace: Workspace,
        inventory_model_id: str,
        *,
        tasks: TaskSet | None = None,
        undo_stack: QUndoStack | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.workspace = workspace
        self.inventory_model_id = inventory_model_id
        self.undo_stack = undo_stack
        self._tasks = tasks or TaskSet()
        self.outcomes: list[Outcome] = []
        model.set_reorder_callback(self._moved)

    def load(self) -> None:
        """Show the stock levels of the inventory model as the cache holds them."""
        self.model.set_rows(self.workspace.stock_levels(self.inventory_model_id))

    def show_inventory_model(self, inventory_model_id: str) -> None:
        """Switch the list to another inventory model (the window's selection changed)."""
        self.inventory_model_id = inventory_model_id
        self.load()

    @property
    def busy(self) -> bool:
        return self._tasks.running > 0

    async def wait_idle(self) -> None:
        """Until every push started so far has ended (tests, and closing the window)."""
        await self._tasks.wait_idle()

    def _moved(self, order: list[str], previous: list[str]) -> None:
        """The model applied a move (drag, moveRows or keyboard): record it for undo and send it."""
        if self.undo_stack is not None:
            self.undo_stack.push(ReorderCommand(self, previous, order, applied=True))
        self._send(order, previous)

    def apply(self, order: Sequence[str], inventory_model_id: str | None = None) -> None:
        """Undo and redo: show ``order`` and send it, planned against what the cache holds now.

        An undo step may belong to another inventory model than the one shown: the list switches to it first.
        """
        if inventory_model_id is not None and inventory_model_id != self.inventory_model_id:
            self.show_inventory_model(inventory_model_id)
        if sorted(order) != sorted(self.model.order()):
            self.message.emit("The stock levels changed since that move; it cannot be undone.")
            return
        previous = self.model.order()
        self.model.rollback(order)
        self._send(list(order), previous)

    def _send(self, order: list[str], previous: list[str]) -> None:
        queued = self.workspace.reorder(self.inventory_model_id, order)
        if queued.status is Status.REFUSED:  # never leave the list showing an order nobody will send
            self.model.rollback(previous)
            self.message.emit(queued.message)
            return
        names = {row.id: row.location_name or row.location_label for row in self.model.rows()}
        said = describe_move(names, previous, order)
        self._tasks.spawn(self._judge(queued, said), name="reorder-push")

    async def _judge(self, queued: Outcome, said: str = "") -> None:
        try:
            outcome = await self.workspace.verdict(queued)
        except StockroomError as exc:  # e.g. signed out: the edits stay queued, the list shows the cache
            self.message.emit(f"The new order is queued but was not sent: {exc}")
            self.refresh()
            return
        self.outcomes.append(outcome)
        if outcome.status is Status.REFUSED:
            self.message.emit(f"The new order was not saved: {outcome.errors.get('priority', outcome.message)}")
        elif outcome.status in (Status.OFFLINE, Status.QUEUED):
            self.message.emit(OFFLINE_NOTE if outcome.status is Status.OFFLINE else BUSY_NOTE)
        elif said and queued.entry_ids:  # "Manchester Depot moved to 2nd: 1 priority change sent"
            count = len(queued.entry_ids)
            self.message.emit(f"{said}: {count:,} priority change{'' if count == 1 else 's'} sent")
        self.refresh()
        self.finished.emit(outcome)

    def refresh(self) -> None:
        """Show what the cache holds (the server's values plus queued edits), keeping the selection."""
        rows = self.workspace.stock_levels(self.inventory_model_id)
        if sorted(row.id for row in rows) != sorted(self.model.order()):
            self.model.set_rows(rows)
            return
        self.model.rollback([row.id for row in rows])
        self.model.update_rows(rows)
