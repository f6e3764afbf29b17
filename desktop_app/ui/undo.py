"""Undo and redo of edits: each step sends the compensating change through the workspace, like the edit itself.

An edit made in a dialog or a cell is queued first (the server may refuse it); only once it stands is its command
pushed on the stack, marked as already done, so the first ``redo`` Qt calls is skipped. Undoing an update writes the
old values back; undoing a create deletes the record; undoing a delete creates it again (the server gives it a new
id, which the command remembers for the next redo). A step the workspace refuses (the record is gone) is reported
by the workspace and leaves the stack as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
    from desktop_app.ui.workspace import Workspace

#: An edit's attributes and relationships.
Values = tuple[dict[str, Any], dict[str, Any]]
#: Edits of a batch undone on the window's thread; a larger batch is undone in the workspace's worker thread.
INLINE_UNDO = 200


class _Command(QUndoCommand):
    def __init__(self, workspace: Workspace, type_: str, record_id: str, text: str) -> None:
        super().__init__(text)
        self.workspace = workspace
        self.type = type_
        self.record_id = record_id
        self.entry_id: str | None = None
        self._done = True

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self.do()

    def do(self) -> None:
        raise NotImplementedError

    def current_id(self) -> str:
        return self.workspace.current_id(self.type, self.record_id, self.entry_id)

    def create(self, values: Values) -> None:
        outcome = self.workspace.create(self.type, *values)
        if outcome.stands:
            self.record_id, self.entry_id = outcome.record_id, outcome.entry_id


class UpdateCommand(_Command):
    def __init__(  # noqa: PLR0917
        self, workspace: Workspace, type_: str, record_id: str, before: Values, after: Values, text: str
    ) -> None:
        super().__init__(workspace, type_, record_id, text)
        self.before, self.after = before, after

    def do(self) -> None:
        self.workspace.update(self.type, self.current_id(), *self.after)

    def undo(self) -> None:
        self.workspace.update(self.type, self.current_id(), *self.before)


class CreateCommand(_Command):
    def __init__(  # noqa: PLR0917
        self, workspace: Workspace, type_: str, record_id: str, entry_id: str | None, values: Values, text: str
    ) -> None:
        super().__init__(workspace, type_, record_id, text)
        self.entry_id, self.values = entry_id, values

    def do(self) -> None:
        self.create(self.values)

    def undo(self) -> None:
        self.workspace.delete(self.type, self.current_id())


class DeleteCommand(_Command):
    def __init__(self, workspace: Workspace, type_: str, record_id: str, values: Values, text: str) -> None:
        super().__init__(workspace, type_, record_id, text)
        self.values = values

    def do(self) -> None:
        self.workspace.delete(self.type, self.current_id())

    def undo(self) -> None:
        self.create(self.values)


class BatchCommand(QUndoCommand):
    """A whole batch as one step: undo sends its compensating batch, redo undoes that one (the batch again)."""

    def __init__(self, workspace: Workspace, batch_id: str, text: str) -> None:
        super().__init__(text)
        self.workspace = workspace
        self.batch_id = batch_id
        self._done = True
        #: The undo or redo running in the worker thread (a large batch), which the next one waits for.
        self._flipping: Any = None

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self._flip()

    def undo(self) -> None:
        self._flip()

    def _flip(self) -> None:
        """A batch of a few hundred edits is undone at once; a larger one in the workspace's worker thread (the
        step after it waits for it, so undo and redo stay in order)."""
        batch = next((b for b in self.workspace.batches() if b.id == self.batch_id), None)
        if batch is None or batch.total <= INLINE_UNDO:
            outcome = self.workspace.undo_batch(self.batch_id)
            if outcome.stands:
                self.batch_id = outcome.batch_id
            return
        previous, self._flipping = self._flipping, None
        self._flipping = self.workspace.tasks.spawn(self._flip_later(previous), name="undo batch")

    async def _flip_later(self, previous: Any) -> None:
        if previous is not None and not previous.done():
            await previous
        outcome = await self.workspace.undo_batch_later(self.batch_id)
        if outcome.stands:
            self.batch_id = outcome.batch_id
