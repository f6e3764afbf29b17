"""Undo and redo of edits: each step sends the compensating change through the same edit path as the edit.

An edit made in a dialog or a cell is queued first (the server may refuse it); only once it stands is its command
pushed on the stack, marked as already done, so the first ``redo`` Qt calls is skipped. Undoing an update writes the
old values back; undoing a create deletes the record; undoing a delete creates it again (the server gives it a new
id, which the command remembers for the next redo).
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtGui import QUndoCommand

Values = tuple[dict[str, Any], dict[str, Any]]


class EditPath(Protocol):
    """What the commands need of the window's edit controller."""

    def apply_update(self, type_: str, record_id: str, values: Values) -> None: ...

    def apply_create(self, type_: str, values: Values) -> tuple[str, str]: ...

    def apply_delete(self, type_: str, record_id: str) -> None: ...

    def current_id(self, type_: str, record_id: str, entry_id: str | None) -> str: ...


class _Command(QUndoCommand):
    def __init__(self, path: EditPath, text: str) -> None:
        super().__init__(text)
        self.path = path
        self._done = True

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self.do()

    def do(self) -> None:
        raise NotImplementedError


class UpdateCommand(_Command):
    def __init__(  # noqa: PLR0917
        self, path: EditPath, type_: str, record_id: str, before: Values, after: Values, text: str
    ) -> None:
        super().__init__(path, text)
        self.type, self.record_id, self.before, self.after = type_, record_id, before, after

    def do(self) -> None:
        self.path.apply_update(self.type, self.path.current_id(self.type, self.record_id, None), self.after)

    def undo(self) -> None:
        self.path.apply_update(self.type, self.path.current_id(self.type, self.record_id, None), self.before)


class CreateCommand(_Command):
    def __init__(  # noqa: PLR0917
        self, path: EditPath, type_: str, record_id: str, entry_id: str, values: Values, text: str
    ) -> None:
        super().__init__(path, text)
        self.type, self.record_id, self.entry_id, self.values = type_, record_id, entry_id, values

    def do(self) -> None:
        self.record_id, self.entry_id = self.path.apply_create(self.type, self.values)

    def undo(self) -> None:
        self.path.apply_delete(self.type, self.path.current_id(self.type, self.record_id, self.entry_id))


class DeleteCommand(_Command):
    def __init__(self, path: EditPath, type_: str, record_id: str, values: Values, text: str) -> None:
        super().__init__(path, text)
        self.type, self.record_id, self.values = type_, record_id, values
        self.entry_id: str | None = None

    def do(self) -> None:
        self.path.apply_delete(self.type, self.path.current_id(self.type, self.record_id, self.entry_id))

    def undo(self) -> None:
        self.record_id, self.entry_id = self.path.apply_create(self.type, self.values)
