"""The stock level list wired to the sandbox: moves in the list become the planner's PATCHes, refusals roll back,
offline rows show as pending, and undo/redo go through the same planner. Runs on qasync's loop."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import shiboken6
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QUndoStack
from pytestqt.qtbot import QtBot

from desktop_app.api import CommerceLayerClient, Credentials, Endpoint
from desktop_app.api.retry import Backoff
from desktop_app.connection import Connection
from desktop_app.reorder import plan_priorities
from desktop_app.store import Cache, cache_path
from desktop_app.sync import Syncer
from desktop_app.ui.reorder.controller import OFFLINE_NOTE, StockLevelReorder, describe_move, ordinal
from desktop_app.ui.reorder.model import WAITING, Column, StockLevelOrderModel
from desktop_app.ui.reorder.view import StockLevelOrderView
from desktop_app.ui.tasks import TaskSet
from desktop_app.ui.workspace import Workspace
from tests.support.sandbox import SandboxProcess
from tests.ui.conftest import wait_until

CONTIGUOUS_MODEL = "s3wDVO719r"  # demo seed: six stock levels at 1..6
SPREAD_MODEL = "AASiFflQbX"  # demo seed: three stock levels at 10, 20, 30


@dataclass
class Wired:
    model: StockLevelOrderModel
    view: StockLevelOrderView
    binder: StockLevelReorder
    workspace: Workspace
    undo: QUndoStack
    messages: list[str]
    errors: list[BaseException]


def client_of(sandbox: SandboxProcess, url: str | None = None) -> CommerceLayerClient:
    credentials = Credentials(sandbox.client_id, sandbox.client_secret)
    return CommerceLayerClient(
        Endpoint.custom(url or sandbox.url), credentials, rate_limits="off", backoff=Backoff(base=0.05, cap=0.2)
    )


def dead_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest_asyncio.fixture
async def cache(fresh_sandbox: SandboxProcess, tmp_path: Path) -> AsyncIterator[Cache]:
    opened = Cache.open(cache_path(tmp_path, "reorder-ui"))
    async with client_of(fresh_sandbox) as client:
        await Syncer(opened, client).sync(["stock_locations", "inventory_stock_locations"])
    try:
        yield opened
    finally:
        opened.close()


@pytest_asyncio.fixture
async def online(fresh_sandbox: SandboxProcess) -> AsyncIterator[CommerceLayerClient]:
    async with client_of(fresh_sandbox) as client:
        yield client


Wire = Callable[..., Wired]


@pytest_asyncio.fixture
async def wire(qtbot: QtBot, cache: Cache, fresh_sandbox: SandboxProcess) -> AsyncIterator[Wire]:
    """``wire(model_id, url=None)``: the list of one inventory model bound to a workspace over ``cache`` that
    reaches the sandbox (or ``url``); each workspace is closed after the test."""
    made: list[Workspace] = []

    def make(model_id: str, url: str | None = None) -> Wired:
        errors: list[BaseException] = []
        connection = Connection(
            name="reorder-ui",
            endpoint=Endpoint.custom(url or fresh_sandbox.url),
            credentials=Credentials(fresh_sandbox.client_id, fresh_sandbox.client_secret),
            cache_key="reorder-ui",
        )
        workspace = Workspace(connection, cache, cache.path, tasks=TaskSet(errors.append))
        made.append(workspace)
        model = StockLevelOrderModel()
        view = StockLevelOrderView(model)
        qtbot.addWidget(view)
        undo = QUndoStack()
        binder = StockLevelReorder(model, workspace, model_id, tasks=TaskSet(errors.append), undo_stack=undo)
        messages: list[str] = []
        binder.message.connect(messages.append)
        binder.load()
        view.show()
        return Wired(model, view, binder, workspace, undo, messages, errors)

    yield make
    for workspace in made:
        workspace.close()
        await workspace.tasks.wait_idle()
        await workspace.aclose()


async def settled(wired: Wired) -> None:
    await wired.binder.wait_idle()
    await wired.workspace.tasks.wait_idle()
    assert wired.errors == []


async def server_levels(client: CommerceLayerClient, model_id: str) -> dict[str, int]:
    result: dict[str, int] = {}
    async for page in client.list_all("inventory_stock_locations", filters={"inventory_model_id_eq": model_id}):
        result.update({record.id: record.attributes["priority"] for record in page.records})
    return result


def by_priority(priorities: dict[str, int]) -> list[str]:
    return sorted(priorities, key=lambda level_id: priorities[level_id])


def patch_count(sandbox: SandboxProcess) -> int:
    return sum(1 for r in sandbox.requests() if r["method"] == "PATCH" and r["path"].startswith("/api/"))


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "case",
    [(model, where) for model in (CONTIGUOUS_MODEL, SPREAD_MODEL) for where in ("top", "bottom", "middle")],
    ids=[f"{kind}-{where}" for kind in ("contiguous", "spread") for where in ("top", "bottom", "middle")],
)
async def test_patches_sent_equal_the_plan(
    wire: Wire, online: CommerceLayerClient, fresh_sandbox: SandboxProcess, case: tuple[str, str]
) -> None:
    model_id, where = case
    wired = wire(model_id)
    rows = wired.model.rows()
    count = len(rows)
    source, destination = {"top": (count - 1, 0), "bottom": (0, count), "middle": (0, count // 2 + 1)}[where]
    before_patches = patch_count(fresh_sandbox)
    assert wired.model.moveRows(QModelIndex(), source, 1, QModelIndex(), destination)
    wanted = wired.model.order()
    expected = plan_priorities([(row.id, row.priority) for row in rows], wanted).patch_count
    await settled(wired)
    assert patch_count(fresh_sandbox) - before_patches == expected >= 1
    assert by_priority(await server_levels(online, model_id)) == wanted
    assert wired.model.order() == wanted
    shown = [int(wired.model.data(wired.model.index(row, Column.PRIORITY))) for row in range(count)]
    assert shown == sorted(shown) and len(set(shown)) == count
    assert not any(row.pending for row in wired.model.rows())
    print(f"PATCH count {model_id} {where}: {expected}")


@pytest.mark.asyncio
async def test_refused_patch_rolls_the_list_back(
    wire: Wire, cache: Cache, online: CommerceLayerClient, fresh_sandbox: SandboxProcess
) -> None:
    wired = wire(CONTIGUOUS_MODEL)
    original = await server_levels(online, CONTIGUOUS_MODEL)
    before = wired.model.order()
    fresh_sandbox.fault(method="PATCH", path="/api/inventory_stock_locations", status=422, count=1)
    assert wired.model.moveRows(QModelIndex(), 5, 1, QModelIndex(), 0)  # last to top: five PATCHes on 1..6
    assert wired.model.order() != before  # optimistic
    await settled(wired)
    assert wired.model.order() == before
    assert await server_levels(online, CONTIGUOUS_MODEL) == original
    assert [row.priority for row in wired.model.rows()] == [original[level_id] for level_id in before]
    assert len(wired.messages) == 1 and wired.messages[0].startswith("The new order was not saved:")
    assert cache.outbox.pending_count() == 0


@pytest.mark.asyncio
async def test_offline_moves_are_pending(qtbot: QtBot, wire: Wire, cache: Cache) -> None:
    wired = wire(SPREAD_MODEL, url=dead_url())
    wired.view.selectRow(2)
    qtbot.keyClick(wired.view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    wanted = wired.model.order()
    await settled(wired)
    rows = wired.model.rows()
    assert [row.id for row in rows] == wanted == [row.id for row in wired.workspace.stock_levels(SPREAD_MODEL)]
    marked = [row for row in range(3) if wired.model.data(wired.model.index(row, Column.PENDING)) == WAITING]
    assert len(marked) == 1 and sum(row.pending for row in rows) == 1  # the one PATCH the plan needs waits
    assert wired.messages == [OFFLINE_NOTE]
    assert cache.outbox.pending_count() == 1


@pytest.mark.asyncio
async def test_undo_and_redo_go_through_the_planner(
    qtbot: QtBot, wire: Wire, online: CommerceLayerClient, fresh_sandbox: SandboxProcess
) -> None:
    wired = wire(SPREAD_MODEL)
    original = wired.model.order()
    wired.view.selectRow(0)
    qtbot.keyClick(wired.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    moved = wired.model.order()
    await settled(wired)
    assert wired.undo.count() == 1 and by_priority(await server_levels(online, SPREAD_MODEL)) == moved
    sent = patch_count(fresh_sandbox)
    wired.binder.show_inventory_model(CONTIGUOUS_MODEL)  # the selection moved on; undo brings the list back
    assert len(wired.model.order()) == 6
    wired.undo.undo()
    assert wired.binder.inventory_model_id == SPREAD_MODEL
    assert wired.model.order() == original
    await settled(wired)
    assert by_priority(await server_levels(online, SPREAD_MODEL)) == original
    assert patch_count(fresh_sandbox) - sent == 1  # the planner again: one PATCH brings the swap back
    wired.undo.redo()
    await settled(wired)
    assert wired.model.order() == moved
    assert by_priority(await server_levels(online, SPREAD_MODEL)) == moved
    await wait_until(lambda: not wired.binder.busy, what="pushes")


@pytest.mark.asyncio
async def test_undo_step_of_a_list_that_is_gone_drops_out(wire: Wire, fresh_sandbox: SandboxProcess) -> None:
    wired = wire(SPREAD_MODEL)
    assert wired.model.moveRows(QModelIndex(), 0, 1, QModelIndex(), 3)
    await settled(wired)
    sent = patch_count(fresh_sandbox)
    shiboken6.delete(wired.binder)  # the tab bound a new list for another inventory model
    wired.undo.undo()
    assert wired.undo.count() == 0
    assert patch_count(fresh_sandbox) == sent


@pytest.mark.asyncio
async def test_window_stock_levels_tab_reorders_through_the_planner(
    qtbot: QtBot, fresh_sandbox: SandboxProcess, data_dir: Path
) -> None:
    from desktop_app.schema import STOCK_LEVELS
    from tests.ui.conftest import open_window, settle

    async with open_window(fresh_sandbox, data_dir) as (window, _opened, errors):
        tab: Any = window.tab_by_type[STOCK_LEVELS]
        window.tabs.setCurrentWidget(tab)
        tab.load_from_cache()
        tab.select_inventory_model(CONTIGUOUS_MODEL)
        await settle(window)
        assert tab.showing_order_view()
        view: StockLevelOrderView = tab.order_view
        rows = view.order_model().rows()
        assert [row.priority for row in rows] == [1, 2, 3, 4, 5, 6]
        before = patch_count(fresh_sandbox)
        view.selectRow(5)
        qtbot.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)  # 6th above 5th: one PATCH
        wanted = view.order_model().order()
        expected = plan_priorities([(row.id, row.priority) for row in rows], wanted).patch_count
        await wait_until(lambda: tab.reorder.outcomes, what="the reorder push")
        await settle(window)
        assert errors == []
        assert expected == 1 and patch_count(fresh_sandbox) - before == expected
        async with client_of(fresh_sandbox) as client:
            assert by_priority(await server_levels(client, CONTIGUOUS_MODEL)) == wanted
        window.window_actions.undo.trigger()
        await wait_until(lambda: len(tab.reorder.outcomes) == 2, what="the undo push")
        await settle(window)
        assert view.order_model().order() == [row.id for row in rows]


@pytest.mark.asyncio
async def test_a_move_says_what_it_did(wire: Wire, online: CommerceLayerClient, fresh_sandbox: SandboxProcess) -> None:
    wired = wire(CONTIGUOUS_MODEL)
    rows = wired.model.rows()
    last = rows[-1]
    before_patches = patch_count(fresh_sandbox)
    assert wired.model.moveRows(QModelIndex(), len(rows) - 1, 1, QModelIndex(), 1)  # last to 2nd
    await settled(wired)
    sent = patch_count(fresh_sandbox) - before_patches
    change = "change" if sent == 1 else "changes"
    assert wired.messages == [f"{last.location_name} moved to 2nd: {sent} priority {change} sent"], wired.messages


def test_ordinals_and_descriptions() -> None:
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "101st",
        "111th",
    ]
    names = {"a": "Milan", "b": "Berlin", "c": "Manchester Depot"}
    assert describe_move(names, ["a", "b", "c"], ["a", "c", "b"]) == "Manchester Depot moved to 2nd"
    assert describe_move(names, ["a", "b", "c"], ["b", "c", "a"]) == "Milan moved to 3rd"
    assert describe_move(names, ["a", "b", "c"], ["c", "b", "a"]) == "2 stock levels moved"
