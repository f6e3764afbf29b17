"""The reorder controller against the sandbox over HTTP and a real cache file: PATCH counts, refusals, offline."""

from __future__ import annotations

import pytest

from desktop_app.api import CommerceLayerClient
from desktop_app.reorder.controller import ReorderController, fetch_levels
from desktop_app.reorder.planner import PlanError
from desktop_app.store import Cache
from desktop_app.sync import Editor
from tests.reorder.conftest import CONTIGUOUS_MODEL, SPREAD_MODEL, make_client, patches
from tests.support.sandbox import SandboxProcess


async def server_priorities(client: CommerceLayerClient, model_id: str) -> dict[str, int]:
    result: dict[str, int] = {}
    async for page in client.list_all("inventory_stock_locations", filters={"inventory_model_id_eq": model_id}):
        result.update({record.id: record.attributes["priority"] for record in page.records})
    return result


def server_order(priorities: dict[str, int]) -> list[str]:
    return sorted(priorities, key=lambda level_id: priorities[level_id])


def moved(order: list[str], where: str) -> list[str]:
    """The order after one classic move: last to top, first to bottom, or first into the middle."""
    if where == "top":
        return [order[-1], *order[:-1]]
    if where == "bottom":
        return [*order[1:], order[0]]
    rest, middle = order[1:], len(order) // 2
    return [*rest[:middle], order[0], *rest[middle:]]


@pytest.mark.asyncio
@pytest.mark.parametrize("model_id", [CONTIGUOUS_MODEL, SPREAD_MODEL], ids=["contiguous", "spread"])
@pytest.mark.parametrize("where", ["top", "bottom", "middle"])
async def test_patch_count_equals_plan(
    synced: Cache, client: CommerceLayerClient, fresh_sandbox: SandboxProcess, model_id: str, where: str
) -> None:
    controller = ReorderController(synced, Editor(synced, lambda: client), model_id)
    before = [row.id for row in controller.rows()]
    wanted = moved(before, where)
    plan = controller.plan(wanted)
    outcome = await controller.reorder(wanted)
    assert not outcome.failed and outcome.queued == 0
    assert outcome.sent == plan.patch_count == len(patches(fresh_sandbox)) >= 1
    assert [row.id for row in outcome.rows] == wanted
    assert server_order(await server_priorities(client, model_id)) == wanted
    # the planner kept everything it could: a second identical request sends nothing
    again = await controller.reorder(wanted)
    assert again.sent == 0 and len(patches(fresh_sandbox)) == plan.patch_count


@pytest.mark.asyncio
async def test_refused_patch_puts_the_server_back(
    synced: Cache, client: CommerceLayerClient, fresh_sandbox: SandboxProcess
) -> None:
    controller = ReorderController(synced, Editor(synced, lambda: client), CONTIGUOUS_MODEL)
    original = await server_priorities(client, CONTIGUOUS_MODEL)
    before = [row.id for row in controller.rows()]
    wanted = moved(before, "top")  # five PATCHes on 1..6
    fresh_sandbox.fault(method="PATCH", path="/api/inventory_stock_locations", status=422, count=1)
    outcome = await controller.reorder(wanted)
    assert outcome.failed and outcome.error
    assert await server_priorities(client, CONTIGUOUS_MODEL) == original
    assert [row.id for row in outcome.rows] == before
    assert [row.id for row in controller.rows()] == before
    assert not any(row.pending for row in controller.rows())
    assert synced.outbox.pending_count() == 0
    # the refused one plus the move's confirmed ones plus one put-back per confirmed one
    assert len(patches(fresh_sandbox)) == 1 + outcome.sent + outcome.reverted
    assert outcome.reverted == outcome.sent == 4


@pytest.mark.asyncio
async def test_offline_queues_and_marks_pending(synced: Cache, fresh_sandbox: SandboxProcess) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    async with make_client(fresh_sandbox, dead) as offline_client:
        controller = ReorderController(synced, Editor(synced, lambda: offline_client), SPREAD_MODEL)
        before = [row.id for row in controller.rows()]
        wanted = moved(before, "top")
        outcome = await controller.reorder(wanted)
    assert not outcome.failed
    assert outcome.queued == 1 and outcome.sent == 0 and outcome.offline
    rows = controller.rows()
    assert [row.id for row in rows] == wanted
    assert [row.pending for row in rows] == [True, False, False]
    # back online, the queued change goes out as the one PATCH the plan asked for
    async with make_client(fresh_sandbox) as online:
        result = await Editor(synced, lambda: online).push()
        assert result.sent == 1
        assert server_order(await server_priorities(online, SPREAD_MODEL)) == wanted
    assert len(patches(fresh_sandbox)) == 1


@pytest.mark.asyncio
async def test_bad_orders_are_refused_before_anything_is_queued(synced: Cache, client: CommerceLayerClient) -> None:
    controller = ReorderController(synced, Editor(synced, lambda: client), SPREAD_MODEL)
    ids = [row.id for row in controller.rows()]
    other = ReorderController(synced, Editor(synced, lambda: client), CONTIGUOUS_MODEL).rows()[0].id
    for bad, message in [
        ([*ids, other], "not a stock level of this inventory model"),
        (ids[:2], "leaves out"),
        ([ids[0], *ids], "more than once"),
    ]:
        with pytest.raises(PlanError, match=message):
            controller.plan(bad)
    assert synced.outbox.pending_count() == 0


@pytest.mark.asyncio
async def test_fetch_levels_reads_one_model_with_locations(cache: Cache, client: CommerceLayerClient) -> None:
    ids = await fetch_levels(client, cache.records, CONTIGUOUS_MODEL)
    assert len(ids) == 6
    rows = ReorderController(cache, Editor(cache), CONTIGUOUS_MODEL).rows()
    assert [row.priority for row in rows] == [1, 2, 3, 4, 5, 6]
    assert all(row.location_name and row.location_code for row in rows)
