"""A batch pushed by a process killed at random moments: no change lost, none applied twice, no duplicate stock item.

Over the sandbox (slow writes, some answers lost after the change was made) and a real cache file; the batch is
queued once, then ``stockroom push`` is started and killed with SIGKILL again and again before a last push ends it.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import signal
import subprocess
import time
from typing import Any

import pytest

from desktop_app.history.fetch import history_type
from desktop_app.store import Cache
from desktop_app.sync import BatchEdit, Editor
from tests.support.sandbox import SandboxProcess
from tests.sync.conftest import client_of
from tests.sync.test_cli import Cli
from tests.sync.test_sync import deletable

UPDATES, CREATES, DELETES = 12, 8, 4


def _free_pairs(cache: Cache, count: int) -> list[tuple[str, str]]:
    taken = {
        (r.relationships.get("sku"), r.relationships.get("stock_location")) for r in cache.records.find("stock_items")
    }
    pairs = itertools.product(cache.records.find("skus"), cache.records.find("stock_locations"))
    free = [(s.id, loc.id) for s, loc in pairs if (s.id, loc.id) not in taken]
    assert len(free) >= count, "the seed has too few free (sku, stock location) pairs"
    return free[:count]


def _queue(cli: Cli) -> tuple[str, dict[str, int], list[tuple[str, str]], list[str]]:
    """The batch, queued offline: its id, the wanted quantities, the created pairs and the deleted ids."""
    with Cache.open(cli.cache_file) as cache:
        gone = deletable(cache)[-DELETES:]
        kept = [r for r in cache.records.find("stock_items") if r.id not in gone][:UPDATES]
        wanted = {r.id: 8000 + n for n, r in enumerate(kept)}
        pairs = _free_pairs(cache, CREATES)
        edits = [BatchEdit("update", "stock_items", i, {"quantity": q}, line_label=i) for i, q in wanted.items()]
        edits += [
            BatchEdit("create", "stock_items", None, {"quantity": 3}, {"sku": s, "stock_location": loc}, f"{s}@{loc}")
            for s, loc in pairs
        ]
        edits += [BatchEdit("delete", "stock_items", i, line_label=i) for i in gone]
        batch = Editor(cache).queue_batch("Killed batch", edits)
    return batch.id, wanted, pairs, gone


def _waiting(cli: Cli) -> int:
    with Cache.open(cli.cache_file) as cache:
        return len(cache.outbox.entries())


async def _server_state(sandbox: SandboxProcess) -> tuple[list[Any], dict[str, list[Any]]]:
    """Every stock item on the server, and the versions of each (what was applied, and how often)."""
    async with client_of(sandbox) as client:
        items = [
            r async for page in client.list_all("stock_items", include=["sku", "stock_location"]) for r in page.records
        ]
        versions: dict[str, list[Any]] = {}
        async for page in client.list_all(history_type() or "", filters={"resource_type_eq": "stock_items"}):
            for record in page.records:
                versions.setdefault(str(record.attributes["resource_id"]), []).append(record.attributes)
    return items, versions


@pytest.mark.parametrize("seed", [1711, 2026])
def test_a_batch_survives_kills_without_loss_or_double_application(
    fresh_sandbox: SandboxProcess, tmp_path: Any, seed: int
) -> None:
    rng = random.Random(seed)
    cli = Cli(fresh_sandbox, tmp_path)
    assert cli.run("sync", "--resources", "stock_items,skus,stock_locations,reserved_stocks").returncode == 0
    batch_id, wanted, pairs, gone = _queue(cli)
    total = UPDATES + CREATES + DELETES
    # Writes take 0.4 s each, four at a time: the batch needs about 2.4 s, longer than any kill below waits; two
    # creates and two updates are made on the server with their answers lost.
    for method in ("POST", "PATCH", "DELETE"):
        fresh_sandbox.fault(method=method, path="/api/stock_items", delay=0.4, count=1000)
    fresh_sandbox.fault(method="POST", path="/api/stock_items", drop="after", count=2)
    fresh_sandbox.fault(method="PATCH", path="/api/stock_items", drop="after", count=2)
    kills = 0
    for _ in range(6):
        if not _waiting(cli):
            break
        push = subprocess.Popen(cli.command("push"), env=cli.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.4, 1.6))
        if push.poll() is None:
            push.send_signal(signal.SIGKILL)
            kills += 1
        push.wait()
    assert kills >= 2, "the pushes ended before they could be killed: slow the writes down"
    for _ in range(5):
        pushed = cli.run("push")
        if "still queued 0" in pushed.stdout:
            break
    assert "refused 0, conflicts 0, still queued 0" in pushed.stdout, pushed.stdout + pushed.stderr

    with Cache.open(cli.cache_file) as cache:
        batch = cache.batches.batch(batch_id)
        assert batch is not None and (batch.sent, batch.failed, batch.cancelled, batch.state) == (total, 0, 0, "done")
    items, versions = asyncio.run(_server_state(fresh_sandbox))
    by_id = {r.id: r for r in items}
    for item_id, quantity in wanted.items():  # no change lost, and each applied once
        assert by_id[item_id].attributes["quantity"] == quantity
        landed = [v for v in versions.get(item_id, []) if v["changes"].get("quantity", [None, None])[1] == quantity]
        assert len(landed) == 1, (item_id, versions.get(item_id))
    for sku, location in pairs:  # each create made exactly once
        made = [
            r for r in items if (r.relationships.get("sku"), r.relationships.get("stock_location")) == (sku, location)
        ]
        assert len(made) == 1, (sku, location, made)
        assert sum(v["event"] == "create" for v in versions.get(made[0].id, [])) == 1
    for item_id in gone:
        assert item_id not in by_id
        assert sum(v["event"] == "destroy" for v in versions.get(item_id, [])) == 1
