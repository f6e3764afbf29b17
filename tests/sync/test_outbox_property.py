"""Random edit sequences with random faults, restarts and someone else editing the same shelves: afterwards the
outbox is empty or holds only conflicts (on shelves both changed), no edit is lost, no create doubled, and the cache
equals the server."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from desktop_app.api import NotFoundError
from desktop_app.store import OP_KEY, Cache, UnknownRecordError
from desktop_app.sync import Editor, Syncer
from tests.support.sandbox import SandboxProcess
from tests.sync.conftest import clear_faults, dead_url, make_client
from tests.sync.test_sync import deletable

FAULTS: list[dict[str, Any] | None] = [
    None,
    {"method": "POST", "path": "/api/stock_items", "drop": "after"},
    {"method": "POST", "path": "/api/stock_items", "drop": "before"},
    {"method": "PATCH", "path": "/api/stock_items", "drop": "after"},
    {"method": "PATCH", "path": "/api/stock_items", "drop": "before"},
    {"method": "DELETE", "path": "/api/stock_items", "drop": "after"},
    {"method": "*", "path": "/api/stock_items", "status": 503, "count": 2},
    {"method": "GET", "path": "/api/stock_items", "drop": "before", "count": 3},
]

ITEMS = 4
edit = st.one_of(
    st.tuples(st.just("update"), st.integers(0, ITEMS - 1), st.integers(0, 500)),
    st.tuples(st.just("create"), st.integers(0, 2), st.integers(0, 500)),
    st.tuples(st.just("delete"), st.integers(0, ITEMS - 1)),
)
faulty_push = st.tuples(st.just("push"), st.integers(1, len(FAULTS) - 1))
#: Edits and pushes under faults in about equal measure, with the odd offline push and restart.
operation = st.one_of(
    edit,
    faulty_push,
    st.tuples(st.just("push"), st.just(0)),
    st.tuples(st.just("offline_push")),
    st.tuples(st.just("restart")),
    st.tuples(st.just("other"), st.integers(0, ITEMS - 1), st.integers(0, 500)),
)


@pytest.fixture(scope="module")
def template(sandbox: SandboxProcess, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache synced once from the seed; every example starts from a copy (the sandbox is reset to the seed)."""
    sandbox.reset()
    path = tmp_path_factory.mktemp("template") / "cache.sqlite3"

    async def fill() -> None:
        cache = Cache.open(path)
        async with make_client(sandbox.url, sandbox) as client:
            await Syncer(cache, client).sync(["stock_locations", "skus", "stock_items", "reserved_stocks"])
        cache.database.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cache.close()

    asyncio.run(fill())
    return path


def free_pairs(cache: Cache, count: int) -> list[tuple[str, str]]:
    """``count`` (SKU, stock location) pairs without a stock item: room for creates the server accepts."""
    taken = {
        (r.relationships.get("sku"), r.relationships.get("stock_location")) for r in cache.records.find("stock_items")
    }
    found = []
    for sku in cache.records.find("skus"):
        for location in cache.records.find("stock_locations"):
            if (sku.id, location.id) not in taken:
                found.append((sku.id, location.id))
                if len(found) == count:
                    return found
    raise AssertionError("the seed has no room for new stock items")


async def scenario(sandbox: SandboxProcess, path: Path, steps: list[tuple[Any, ...]]) -> None:
    cache = Cache.open(path)
    items = deletable(cache)[:ITEMS]
    pairs = free_pairs(cache, 3)
    used: set[int] = set()
    expected: dict[str, int] = {}
    deleted: set[str] = set()
    creates: dict[str, int] = {}
    contested: dict[str, int] = {}  # items someone else also changed: their last value
    async with make_client(sandbox.url, sandbox, max_retries=1) as client, make_client(sandbox.url, sandbox) as other:
        for step in steps:
            editor = Editor(cache, lambda: client)
            kind = step[0]
            if kind == "update":
                record_id = items[step[1]]
                if record_id in deleted:
                    with pytest.raises(UnknownRecordError):
                        editor.update("stock_items", record_id, attributes={"quantity": step[2]})
                else:
                    editor.update("stock_items", record_id, attributes={"quantity": step[2]})
                    expected[record_id] = step[2]
            elif kind == "create":
                if step[1] in used:
                    continue  # one stock item per (SKU, location): the server would refuse a second
                used.add(step[1])
                sku, location = pairs[step[1]]
                entry = editor.create("stock_items", {"quantity": step[2]}, {"sku": sku, "stock_location": location})
                creates[entry.id] = step[2]
            elif kind == "delete":
                record_id = items[step[1]]
                if record_id not in deleted:
                    editor.delete("stock_items", record_id)
                    deleted.add(record_id)
                    expected.pop(record_id, None)
            elif kind == "push":
                fault = FAULTS[step[1]]
                if fault:
                    sandbox.fault(**fault)
                result = await editor.push()
                event(f"push with fault {step[1]}: offline={result.offline}, sent={result.sent > 0}")
            elif kind == "other":  # another person changes the same shelf count on the server
                try:
                    await other.update("stock_items", items[step[1]], attributes={"quantity": step[2]})
                    contested[items[step[1]]] = step[2]
                except NotFoundError:
                    pass  # our delete already reached the server
            elif kind == "offline_push":
                async with make_client(dead_url(), sandbox, max_retries=0) as offline:
                    result = await Editor(cache, lambda: offline).push()
                assert result.sent == 0  # nothing is confirmed by a server that is not there
            else:  # restart: as if the program was closed and started again on the same file
                cache.close()
                cache = Cache.open(path)
        clear_faults(sandbox)
        for _ in range(6):
            result = await Editor(cache, lambda: client).push()
            if not cache.outbox.entries(states=["pending"]):
                break
            event("final push needed a retry")
        left = cache.outbox.entries()
        held = {e.record_id for e in left if e.state == "conflict"}
        # Only conflicts stay, on shelves both sides changed, plus edits queued behind a conflict on the same record
        # (replay keeps each record's order, so they wait for the decision).
        assert held <= set(contested)
        assert all(e.state == "conflict" or (e.state == "pending" and e.record_id in held) for e in left), [
            (e.op, e.state, e.error) for e in left
        ]
        event(f"conflicts left: {len(held)}")

        await Syncer(cache, client).sync(["stock_items"])
        on_server: dict[str, Any] = {}
        async for page in client.list_all("stock_items"):
            on_server.update({r.id: r for r in page.records})
    for record_id, quantity in expected.items():
        if record_id in held and record_id not in on_server:
            continue
        now = on_server[record_id].attributes["quantity"]
        if record_id not in contested:
            assert now == quantity  # no edit lost
        elif record_id not in held:
            assert now in (quantity, contested[record_id])
    assert not (deleted - held) & set(on_server)
    for entry_id, quantity in creates.items():
        made = [r for r in on_server.values() if (r.attributes.get("metadata") or {}).get(OP_KEY) == entry_id]
        assert len(made) == 1, f"create {entry_id} made {len(made)} times"
        assert made[0].attributes["quantity"] == quantity
    visible = {r.id: r.attributes["quantity"] for r in cache.records.find("stock_items")}
    # Records held by a conflict show the user's values; what the cache knows of the server sits beside them.
    known = {
        record_id: (cache.records.server_version("stock_items", record_id) or {"attributes": {}})["attributes"].get(
            "quantity"
        )
        for record_id in held
    }
    assert {**{k: v for k, v in visible.items() if k not in held}, **known} == {
        record_id: r.attributes["quantity"] for record_id, r in on_server.items()
    }
    assert not any(r.pending for r in cache.records.find("stock_items") if r.id not in held)
    cache.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.tuples(
        st.lists(edit, min_size=1, max_size=3),
        st.lists(st.tuples(st.just("other"), st.integers(0, ITEMS - 1), st.integers(0, 500)), max_size=1),
        st.lists(operation, max_size=6),
        faulty_push,
    )
)
def test_random_edits_faults_and_restarts_converge(
    sandbox: SandboxProcess, template: Path, tmp_path: Path, steps: tuple[list[Any], list[Any], list[Any], Any]
) -> None:
    sandbox.reset()
    path = tmp_path / f"cache-{uuid.uuid4().hex}.sqlite3"
    shutil.copy(template, path)
    first, someone_else, middle, last = steps
    asyncio.run(scenario(sandbox, path, [*first, *someone_else, *middle, last]))
