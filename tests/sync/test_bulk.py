"""Large batches through the sandbox's bulk imports: one POST instead of a write per record, the outcome still known
and shown per record, conflicts held as single sends hold them, and a push killed mid-import never imports twice."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from typing import Any

import pytest

from desktop_app.store import Cache
from desktop_app.sync import BatchEdit, Editor
from desktop_app.sync.bulk import BULK_THRESHOLD
from tests.support.sandbox import SandboxProcess
from tests.sync.conftest import client_of
from tests.sync.test_cli import Cli
from tests.sync.test_push import synced
from tests.sync.test_sync import free_pair


def _writes(sandbox: SandboxProcess) -> list[tuple[str, str, Any]]:
    return [
        (r["method"], r["path"], r["status"])
        for r in sandbox.requests()
        if r["method"] in ("POST", "PATCH", "DELETE") and r["path"].startswith("/api/")
    ]


@pytest.mark.asyncio
async def test_a_large_batch_goes_as_one_import_and_each_record_is_accounted_for(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    async with client_of(fresh_sandbox) as client:
        await synced(cache, client)
        items = cache.records.find("stock_items")[: BULK_THRESHOLD + 5]
        assert len(items) == BULK_THRESHOLD + 5, "the demo has too few stock items for a bulk batch"
        taken = items[0]
        twin = {"sku": str(taken.relationships["sku"]), "stock_location": str(taken.relationships["stock_location"])}
        sku, location = free_pair(cache)
        edits = [
            BatchEdit("update", "stock_items", r.id, {"quantity": 4000 + n}, line_label=f"item {n}")
            for n, r in enumerate(items)
        ]
        edits.append(
            BatchEdit("create", "stock_items", None, {"quantity": 5}, {"sku": sku, "stock_location": location}, "new")
        )
        edits.append(BatchEdit("create", "stock_items", None, {"quantity": 1}, twin, "a twin of item 0"))
        editor = Editor(cache, lambda: client)
        batch = editor.queue_batch("Import of supplier.xlsx", edits)
        fresh_sandbox.requests()  # (the log is read below from here on)
        before = len(_writes(fresh_sandbox))
        result = await editor.push()

        writes = _writes(fresh_sandbox)[before:]
        assert writes == [("POST", "/api/imports", 201)], writes  # one write for the whole batch
        assert (result.sent, result.failed) == (len(edits) - 1, 1)
        summary = cache.batches.batch(batch.id)
        assert summary is not None and (summary.sent, summary.failed, summary.state) == (len(edits) - 1, 1, "errors")
        lines = cache.batches.lines(batch.id)
        (refused,) = [line for line in lines if line.state == "failed"]
        assert refused.line_label == "a twin of item 0" and refused.error
        created = lines[-2]
        assert created.state == "sent" and not created.record_id.startswith("local-")
        assert (await client.retrieve("stock_items", created.record_id)).attributes["quantity"] == 5
        mine = cache.records.get("stock_items", items[7].id)
        assert mine is not None and mine.attributes["quantity"] == 4007 and not mine.pending
        assert (await client.retrieve("stock_items", items[7].id)).attributes["quantity"] == 4007
        (job,) = (await client.list_page("imports")).records
        assert (job.attributes["processed_count"], job.attributes["errors_count"]) == (len(edits) - 1, 1)


@pytest.mark.asyncio
async def test_a_record_changed_on_the_server_meanwhile_is_held_not_imported(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    async with client_of(fresh_sandbox) as client:
        await synced(cache, client)
        items = cache.records.find("stock_items")[:BULK_THRESHOLD]
        editor = Editor(cache, lambda: client)
        edits = [BatchEdit("update", "stock_items", r.id, {"quantity": 3000 + n}) for n, r in enumerate(items)]
        batch = editor.queue_batch("Count of Berlin Hub", edits)
        await client.update("stock_items", items[3].id, attributes={"quantity": 17})  # someone else's count
        result = await editor.push()
        assert result.conflicts == 1 and result.sent == len(items) - 1
        assert (await client.retrieve("stock_items", items[3].id)).attributes["quantity"] == 17
        (job,) = (await client.list_page("imports")).records
        assert job.attributes["inputs_size"] == len(items) - 1
        summary = cache.batches.batch(batch.id)
        assert summary is not None and summary.failed == 1
        assert [line.state for line in cache.batches.lines(batch.id)].count("conflict") == 1


def test_a_push_killed_during_an_import_never_imports_twice(fresh_sandbox: SandboxProcess, tmp_path: Any) -> None:
    rng = random.Random(617)
    cli = Cli(fresh_sandbox, tmp_path)
    assert cli.run("sync", "--resources", "stock_items,skus,stock_locations").returncode == 0
    with Cache.open(cli.cache_file) as cache:
        items = cache.records.find("stock_items")[: BULK_THRESHOLD + 20]
        wanted = {r.id: 6000 + n for n, r in enumerate(items)}
        Editor(cache).queue_batch(
            "Killed import", [BatchEdit("update", "stock_items", i, {"quantity": q}) for i, q in wanted.items()]
        )
    # The job is slow to look at: a push is killed while it waits for the job, or while it posts it.
    fresh_sandbox.fault(method="GET", path="/api/imports", delay=0.6, count=1000)
    fresh_sandbox.fault(method="POST", path="/api/imports", drop="after", count=1)
    kills = 0
    for _ in range(4):
        push = subprocess.Popen(cli.command("push"), env=cli.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.8, 2.0))
        if push.poll() is None:
            push.send_signal(signal.SIGKILL)
            kills += 1
        push.wait()
    assert kills >= 2, "the pushes ended before they could be killed"
    fresh_sandbox.clear_faults()
    pushed = cli.run("push")
    assert "refused 0, conflicts 0, still queued 0" in pushed.stdout, pushed.stdout + pushed.stderr
    jobs = [r for r in fresh_sandbox.requests() if r["method"] == "POST" and r["path"] == "/api/imports"]
    import asyncio

    async def server() -> tuple[list[Any], dict[str, int]]:
        async with client_of(fresh_sandbox) as client:
            found = [j async for page in client.list_all("imports") for j in page.records]
            quantities = {
                r.id: r.attributes["quantity"] async for page in client.list_all("stock_items") for r in page.records
            }
        return found, quantities

    imports, quantities = asyncio.run(server())
    assert all(quantities[i] == q for i, q in wanted.items())  # nothing lost
    # No input applied twice: every job that reached the server together processed each edit once.
    assert sum(int(j.attributes["processed_count"]) for j in imports) == len(wanted), [j.attributes for j in imports]
    assert len(imports) <= len(jobs)
    with Cache.open(cli.cache_file) as cache:
        (batch,) = cache.batches.batches()
        assert (batch.sent, batch.total, batch.state) == (len(wanted), len(wanted), "done")
