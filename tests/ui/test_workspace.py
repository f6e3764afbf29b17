"""The workspace as the one door for edits: a cell edited in the table is traced, step by step, to its PATCH on the
sandbox; each edit method answers with a typed outcome; refusals name the field and never reach the server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QLineEdit
from pytestqt.qtbot import QtBot

from desktop_app.schema import STOCK_LEVELS
from desktop_app.ui.models.resource_table import ResourceTableModel
from desktop_app.ui.outcome import Outcome, Status
from tests.ui.conftest import open_window, settle, wait_until


def patches(sandbox: Any, path: str) -> list[dict[str, Any]]:
    return [r for r in sandbox.requests() if r["method"] == "PATCH" and r["path"] == path]


def type_into_editor(qtbot: QtBot, view: Any, index: Any, text: str) -> str:
    """Open the table's own inline editor for ``index`` (what a double-click opens), type ``text``, press Enter;
    returns the editor's class name (the editor itself is deleted once it has committed)."""
    view.setFocus()
    view.setCurrentIndex(index)
    assert view.edit(index, view.EditTrigger.AllEditTriggers, None)
    editor = view.focusWidget()
    kind = type(editor).__name__
    assert isinstance(editor, QLineEdit | QAbstractSpinBox) and editor.parentWidget() is view.viewport(), kind
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the loop's next turn
    return kind


@pytest.mark.asyncio
async def test_an_edit_in_a_table_cell_is_traced_to_its_patch(qtbot: QtBot, fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        workspace = opened.workspace
        tab = window.tab_by_type["stock_items"]
        window.tabs.setCurrentWidget(tab)
        column = tab.model.column_of("quantity")
        index = tab.proxy.index(0, column)
        record_id = index.data(ResourceTableModel.IdRole)
        wanted = int(index.data(ResourceTableModel.SortRole)) + 7
        path = f"/api/stock_items/{record_id}"
        assert patches(fresh_sandbox, path) == []

        # Every step the edit takes is heard: the model's request, the workspace's answer and its signals.
        requested: list[tuple[str, dict[str, Any]]] = []
        tab.model.inline_edit_requested.connect(lambda rid, changes: requested.append((rid, changes)))
        answered: list[Outcome] = []
        update = workspace.update

        def heard_update(*args: Any, **kwargs: Any) -> Outcome:
            answered.append(update(*args, **kwargs))
            return answered[-1]

        workspace.update = heard_update  # type: ignore[method-assign]  # listens, then goes through the real one
        changed: list[tuple[str, list[str]]] = []
        workspace.records_changed.connect(lambda type_, ids: changed.append((type_, list(ids))))

        type_into_editor(qtbot, tab.table, index, str(wanted))
        await wait_until(lambda: bool(requested), what="the editor to commit")  # setData on the proxy, then the model

        # Queued: in the cache and the outbox in one step, the row repainted, nothing sent yet.
        assert requested == [(record_id, {"quantity": wanted})]
        assert [(o.status, o.type, o.record_id) for o in answered] == [(Status.QUEUED, "stock_items", record_id)]
        entry = workspace.cached.outbox.entry(answered[0].entry_id or "")
        assert entry is not None and entry.op == "update" and entry.attributes["quantity"] == wanted
        assert ("stock_items", [record_id]) in changed
        assert tab.model.index(tab.model.row_of(record_id), column).data(ResourceTableModel.SortRole) == wanted
        assert patches(fresh_sandbox, path) == []

        # Pushed in the background: one PATCH of that record, confirmed, and the outbox empty again.
        await settle(window)
        assert [r["status"] for r in patches(fresh_sandbox, path)] == [200]
        assert workspace.cached.outbox.entries() == []
        server = await workspace.make_client().retrieve("stock_items", record_id)
        assert server.attributes["quantity"] == wanted
        assert (await workspace.verdict(answered[0])).status is Status.SENT
        assert window.undo_stack.count() == 1
        assert not errors


@pytest.mark.asyncio
async def test_each_edit_method_answers_with_an_outcome(fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        workspace = opened.workspace
        refusals: list[str] = []
        workspace.edit_refused.connect(refusals.append)
        before = len(fresh_sandbox.requests())

        missing = workspace.update("stock_items", "no-such-id", {"quantity": 3})
        assert missing.status is Status.REFUSED and list(missing.errors) == ["id"]
        item = workspace.cached.records.find("stock_items")[0]
        refused = workspace.update("stock_items", item.id, {"quantity": "a dozen"})
        assert refused.status is Status.REFUSED and not refused.stands
        assert list(refused.errors) == ["quantity"] and refused.message.startswith("quantity: ")
        assert refusals == [missing.message, refused.message]
        nameless = workspace.create("inventory_models", {"strategy": "split_shipments"})
        assert nameless.status is Status.REFUSED and dict(nameless.errors) == {"name": "is required"}
        assert workspace.cached.outbox.entries() == [] and len(fresh_sandbox.requests()) == before

        created = workspace.create("inventory_models", {"name": "Nordics", "strategy": "split_shipments"})
        assert created.status is Status.QUEUED and created.stands and created.record_id.startswith("local")
        sent = await workspace.verdict(created)
        assert sent.status is Status.SENT and not sent.record_id.startswith("local")
        assert workspace.current_id("inventory_models", created.record_id, created.entry_id) == sent.record_id
        deleted = await workspace.verdict(workspace.delete("inventory_models", sent.record_id))
        assert (
            deleted.status is Status.SENT and workspace.cached.records.get("inventory_models", sent.record_id) is None
        )

        workspace.forced_offline = True
        level = workspace.cached.records.find(STOCK_LEVELS)[0]
        queued = workspace.update(STOCK_LEVELS, level.id, {"on_hold": not level.attributes.get("on_hold")})
        offline = await workspace.verdict(queued)
        assert offline.status is Status.OFFLINE and offline.message.startswith("Saved here")
        assert workspace.discard(queued.entry_id or "").status is Status.DISCARDED
        assert workspace.cached.outbox.entries() == []
        await settle(window)
        assert not errors
