"""Bind the stock level list to the reorder controller: optimistic moves, one undoable command each, rollback.

A move changes the list at once; this binder queues the plan (cache and outbox, synchronously, so quick successive
moves are planned in order against each other's pending priorities) and pushes in the background, one push at a
time. The push's outcome decides what the list shows: the new order with its priorities, the pending marker when
offline, or the order the server holds plus the reason when a PATCH was refused.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from desktop_app.errors import StockroomError
from desktop_app.reorder.controller import QueuedReorder, ReorderController, ReorderOutcome
from desktop_app.ui.reorder.model import StockLevelOrderModel
from desktop_app.ui.tasks import TaskSet

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
        self.inventory_model_id = binder.controller.inventory_model_id
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


class StockLevelReorder(QObject):
    """Moves in a :class:`StockLevelOrderModel` become pushed priority changes, each one step on the undo stack."""

    #: A sentence for the status line: the server's reason for a refusal, or the offline note.
    message = Signal(str)
    #: Every push's outcome (a :class:`ReorderOutcome`), after the list shows it.
    finished = Signal(object)

    def __init__(
        self,
        model: StockLevelOrderModel,
        controller: ReorderController,
        *,
        tasks: TaskSet | None = None,
        undo_stack: QUndoStack | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.controller = controller
        self.undo_stack = undo_stack
        self._tasks = tasks or TaskSet()
        self._push_lock = asyncio.Lock()
        self.outcomes: list[ReorderOutcome] = []
        model.set_reorder_callback(self._moved)

    def load(self) -> None:
        """Show the stock levels of the controller's inventory model as the cache holds them."""
        self.model.set_rows(self.controller.rows())

    def show_inventory_model(self, inventory_model_id: str) -> None:
        """Switch the list to another inventory model (the window's selection changed)."""
        self.controller.inventory_model_id = inventory_model_id
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
        if inventory_model_id is not None and inventory_model_id != self.controller.inventory_model_id:
            self.show_inventory_model(inventory_model_id)
        if sorted(order) != sorted(self.model.order()):
            self.message.emit("The stock levels changed since that move; it cannot be undone.")
            return
        previous = self.model.order()
        self.model.rollback(order)
        self._send(list(order), previous)

    def _send(self, order: list[str], previous: list[str]) -> None:
        try:
            queued = self.controller.queue(self.controller.plan(order))
        except Exception as exc:  # a refused write never leaves the list showing an order nobody will send
            log.exception("could not queue the new stock level order")
            self.model.rollback(previous)
            self.message.emit(str(exc))
            return
        self._tasks.spawn(self._push(queued), name="reorder-push")

    async def _push(self, queued: QueuedReorder) -> None:
        try:
            async with self._push_lock:
                outcome = await self.controller.push(queued)
        except StockroomError as exc:  # e.g. signed out: the edits stay queued, the list shows the cache
            self.message.emit(f"The new order is queued but was not sent: {exc}")
            self.refresh()
            return
        self.outcomes.append(outcome)
        if outcome.failed:
            self.message.emit(f"The new order was not saved: {outcome.error}")
        elif outcome.queued:
            self.message.emit(OFFLINE_NOTE if outcome.offline else BUSY_NOTE)
        self.refresh()
        self.finished.emit(outcome)

    def refresh(self) -> None:
        """Show what the cache holds (the server's values plus queued edits), keeping the selection."""
        rows = self.controller.rows()
        if sorted(row.id for row in rows) != sorted(self.model.order()):
            self.model.set_rows(rows)
            return
        self.model.rollback([row.id for row in rows])
        self.model.update_rows(rows)
