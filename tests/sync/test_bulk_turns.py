"""A large batch sent through a bulk import lets the event loop (the window's) turn while it is settled: the outbox
is read a slice at a time, and the import's confirms are written by the writer thread on a connection of its own a
slice at a time (or, by a push that does not know the cache's file, on the loop's thread with its turn between
slices), never thousands in one go."""

from __future__ import annotations

import asyncio
import gc
import threading
from typing import Any

import pytest

from desktop_app.store import Cache, Outbox
from desktop_app.sync import BatchEdit, Editor
from desktop_app.sync.bulk import BULK_THRESHOLD
from desktop_app.sync.push import Pusher
from tests.support.sandbox import SandboxProcess
from tests.sync.conftest import client_of
from tests.sync.test_push import synced

#: Confirms per transaction here: several slices over the sandbox's stock items.
CONFIRM_SLICE = 25


@pytest.mark.asyncio
async def test_the_loop_turns_between_slices_of_an_imports_confirms(
    fresh_sandbox: SandboxProcess, cache: Cache, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("desktop_app.sync.push.ENTRY_SLICE", 20)
    monkeypatch.setattr("desktop_app.sync.bulk.CONFIRM_SLICE", CONFIRM_SLICE)
    async with client_of(fresh_sandbox) as client:
        await synced(cache, client)
        items = cache.records.find("stock_items")
        assert len(items) > BULK_THRESHOLD > 2 * CONFIRM_SLICE
        edits = [BatchEdit("update", "stock_items", r.id, {"quantity": 3000 + n}) for n, r in enumerate(items)]
        editor = Editor(cache, lambda: client)
        editor.queue_batch("Turns", edits)

        turns = 0
        stop = False

        async def ticker() -> None:
            nonlocal turns
            while not stop:
                turns += 1
                await asyncio.sleep(0)

        seen: list[int] = []  # the loop's turns counted at each confirm
        reads: list[int] = []  # the loop's turns counted at each read of the outbox
        confirm, read = cache.outbox.confirm, cache.outbox.entries_after

        def counted_confirm(*args: Any) -> str:
            seen.append(turns)
            return confirm(*args)

        def counted_read(*args: Any) -> Any:
            reads.append(turns)
            return read(*args)

        monkeypatch.setattr(cache.outbox, "confirm", counted_confirm)
        monkeypatch.setattr(cache.outbox, "entries_after", counted_read)
        running = asyncio.create_task(ticker())
        result = await Pusher(cache.outbox, cache.records, client).push()  # no cache file: on the loop's thread
        stop = True
        await running

    assert result.sent == len(items) and len(seen) == len(items)
    in_a_row = max(sum(1 for _ in run) for run in _runs(seen))
    assert in_a_row <= CONFIRM_SLICE, f"{in_a_row} confirms without the loop turning"
    first_round = reads[: len(items) // 20 + 1]
    assert len(set(first_round)) == len(first_round), "the outbox was read in one go"


@pytest.mark.asyncio
async def test_an_imports_confirms_are_written_by_the_writer_thread_a_slice_per_transaction(
    fresh_sandbox: SandboxProcess, cache: Cache, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("desktop_app.sync.bulk.CONFIRM_SLICE", CONFIRM_SLICE)
    async with client_of(fresh_sandbox) as client:
        await synced(cache, client)
        items = cache.records.find("stock_items")
        edits = [BatchEdit("update", "stock_items", r.id, {"quantity": 4000 + n}) for n, r in enumerate(items)]
        editor = Editor(cache, lambda: client)
        editor.queue_batch("Writer", edits)

        confirms: list[tuple[str, bool]] = []  # (thread, through the loop's own connection) of each confirm
        collecting: list[bool] = []  # whether the cyclic collector ran at each confirm
        commits: list[int] = []  # confirms per transaction of the writer's
        confirm, grouped = Outbox.confirm, Outbox.grouped

        def watched_confirm(outbox: Outbox, *args: Any) -> str:
            confirms.append((threading.current_thread().name, outbox is cache.outbox))
            collecting.append(gc.isenabled())
            return confirm(outbox, *args)

        def watched_grouped(outbox: Outbox) -> Any:
            commits.append(len(confirms))
            return grouped(outbox)

        monkeypatch.setattr(Outbox, "confirm", watched_confirm)
        monkeypatch.setattr(Outbox, "grouped", watched_grouped)
        result = await editor.push()

    assert result.sent == len(items) and len(confirms) == len(items)
    assert {thread for thread, _ in confirms} == {"stockroom-writer_0"}
    assert not any(on_the_loops for _, on_the_loops in confirms), "confirmed through the window's connection"
    assert not any(collecting) and gc.isenabled(), "the collector ran during the import, or did not run again after"
    sizes = [b - a for a, b in zip(commits, [*commits[1:], len(confirms)], strict=True)]
    assert max(sizes) == CONFIRM_SLICE and sum(sizes) == len(items), sizes
    assert {r.attributes["quantity"] for r in cache.records.find("stock_items")} == {
        4000 + n for n in range(len(items))
    }
    assert cache.outbox.pending_count() == 0


def _runs(values: list[int]) -> list[list[int]]:
    """Consecutive equal values grouped: confirms made without the loop turning between them."""
    runs: list[list[int]] = []
    for value in values:
        if runs and runs[-1][-1] == value:
            runs[-1].append(value)
        else:
            runs.append([value])
    return runs
