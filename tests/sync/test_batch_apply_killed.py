"""A large batch queued the way the window queues it (a worker's own connection, one transaction), by a process
killed at random moments: each batch is then in the cache whole or not at all, and once pushed every change of every
whole batch is applied exactly once (one import input each), none of a batch that never was."""

from __future__ import annotations

import asyncio
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_app.store import Cache
from desktop_app.sync import BatchEdit
from desktop_app.sync.batch_worker import queue_batch_at
from tests.support.sandbox import start_sandbox
from tests.sync.conftest import client_of
from tests.sync.test_cli import Cli

ITEMS = 2000
RUNS = 5

#: The child: queue batch ``name`` setting every stock item's quantity to ``base + n``, as the window does.
CHILD = """
import sys
from desktop_app.store import Cache
from desktop_app.sync import BatchEdit
from desktop_app.sync.batch_worker import queue_batch_at
path, name, base = sys.argv[1], sys.argv[2], int(sys.argv[3])
with Cache.open(path) as cache:
    ids = sorted(r[0] for r in cache.records.columns("stock_items", ["quantity"]))
edits = [BatchEdit("update", "stock_items", i, {"quantity": base + n}, line_label=i) for n, i in enumerate(ids)]
print("queueing", flush=True)
queue_batch_at(path, name, edits)
print("queued", flush=True)
"""


def _batches(path: Path) -> dict[str, tuple[int, int]]:
    """Batch name → (lines, entries still queued) in the cache now."""
    with Cache.open(path) as cache:
        return {b.name: (b.total, len(cache.batches.entry_ids(b.id))) for b in cache.batches.batches()}


def test_a_batch_queued_by_a_killed_process_is_whole_or_absent_and_sent_once(tmp_path: Path) -> None:
    rng = random.Random(3334)
    with start_sandbox(seed=f"bench:{ITEMS * 2}") as sandbox:
        cli = Cli(sandbox, tmp_path)
        assert cli.run("sync", "--resources", "stock_items,skus,stock_locations").returncode == 0
        with Cache.open(cli.cache_file) as cache:
            count = cache.records.count("stock_items")
        assert count >= ITEMS
        whole: list[int] = []
        killed = 0
        for run in range(RUNS):
            base = 10_000 * (run + 1)
            child = subprocess.Popen(
                [sys.executable, "-c", CHILD, str(cli.cache_file), f"Run {run}", str(base)],
                stdout=subprocess.PIPE,
                text=True,
            )
            assert child.stdout is not None and child.stdout.readline().strip() == "queueing"
            time.sleep(rng.uniform(0.0, 0.8))  # a moment inside the transaction, or after it committed
            if child.poll() is None:
                child.send_signal(signal.SIGKILL)
                killed += 1
            child.wait()
            found = _batches(cli.cache_file)
            for name, (lines, entries) in found.items():  # every batch whole: lines and entries all there
                assert (lines, entries) == (count, count), (name, lines, entries)
            if f"Run {run}" in found:
                whole.append(base)
        assert killed >= 2, "the children finished before they could be killed: make the batch larger"
        queue_batch_at(cli.cache_file, "Last", _last(cli))
        whole.append(0)
        for _ in range(3):
            pushed = cli.run("push")
            if "still queued 0" in pushed.stdout:
                break
        assert "refused 0, conflicts 0, still queued 0" in pushed.stdout, pushed.stdout + pushed.stderr
        jobs = asyncio.run(_jobs(sandbox))
        # Each whole batch went as imports whose inputs were each applied once; nothing of a batch that was not whole.
        assert sum(processed for processed, _ in jobs) == count * len(whole), (jobs, whole, count)
        assert all(errors == 0 for _, errors in jobs)
        with Cache.open(cli.cache_file) as cache:
            assert not cache.outbox.entries()
            assert all(b.state == "done" and b.sent == count for b in cache.batches.batches())
            item = sorted(r[0] for r in cache.records.columns("stock_items", ["quantity"]))[5]
        assert asyncio.run(_quantity(sandbox, item)) == 5  # the last batch's value (base 0), applied last


def _last(cli: Cli) -> list[BatchEdit]:
    with Cache.open(cli.cache_file) as cache:
        ids = sorted(r[0] for r in cache.records.columns("stock_items", ["quantity"]))
    return [BatchEdit("update", "stock_items", i, {"quantity": n}) for n, i in enumerate(ids)]


async def _jobs(sandbox: object) -> list[tuple[int, int]]:
    async with client_of(sandbox) as client:  # type: ignore[arg-type]
        pages = [page async for page in client.list_all("imports")]
    return [(int(r.attributes["processed_count"]), int(r.attributes["errors_count"])) for p in pages for r in p.records]


async def _quantity(sandbox: object, item_id: str) -> int:
    async with client_of(sandbox) as client:  # type: ignore[arg-type]
        return int((await client.retrieve("stock_items", item_id)).attributes["quantity"])


pytestmark = pytest.mark.timeout(600)
