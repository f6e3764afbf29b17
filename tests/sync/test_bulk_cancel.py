"""Cancelling a batch while its bulk import runs: the job is told to stop (``_interrupt``), what it applied is
confirmed and shown sent, the rest is dropped and shown cancelled, and nothing is applied twice or sent again."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from desktop_app.store import Cache, cache_path
from desktop_app.sync import BatchEdit, Editor, Syncer
from desktop_app.sync.bulk import interrupt
from tests.support.sandbox import start_sandbox
from tests.sync.conftest import client_of

ITEMS = 200


async def _processed(client: Any) -> int:
    jobs = (await client.list_page("imports")).records
    return int(jobs[0].attributes["processed_count"]) if jobs else 0


@pytest.mark.asyncio
async def test_cancel_stops_the_import_and_each_record_is_sent_or_cancelled_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("STOCKROOM_SANDBOX_IMPORT_PACE", "0.3")  # 50 inputs every 0.3 s: still running when cancelled
    with start_sandbox(seed="bench:400") as sandbox, Cache.open(cache_path(tmp_path, "cancel")) as cache:
        async with client_of(sandbox) as client:
            await Syncer(cache, client).sync(["skus", "stock_locations", "stock_items"])
            items = cache.records.find("stock_items")[:ITEMS]
            before = {r.id: r.attributes["quantity"] for r in items}
            wanted = {r.id: 6000 + n for n, r in enumerate(items)}
            editor = Editor(cache, lambda: client)
            edits = [BatchEdit("update", "stock_items", i, {"quantity": q}, line_label=i) for i, q in wanted.items()]
            batch = editor.queue_batch("Import of supplier.csv", edits)
            sandbox.requests()
            pushing = asyncio.create_task(editor.push())
            deadline = time.monotonic() + 30
            while await _processed(client) < 50:
                assert time.monotonic() < deadline and not pushing.done(), "the import never got going"
                await asyncio.sleep(0.05)

            editor.cancel_batch(batch.id)
            references = cache.batches.import_references(batch.id)
            assert len(references) == 1
            assert await interrupt(client, references) == []
            await pushing

            (job,) = (await client.list_page("imports")).records
            assert job.attributes["status"] == "interrupted"
            processed = int(job.attributes["processed_count"])
            assert 50 <= processed < ITEMS
            summary = cache.batches.batch(batch.id)
            assert summary is not None
            assert (summary.sent, summary.cancelled, summary.failed, summary.waiting) == (
                processed,
                ITEMS - processed,
                0,
                0,
            )
            assert not cache.outbox.entries()  # nothing left to send: the rest is cancelled, not sent singly
            lines = {line.record_id: line.state for line in cache.batches.lines(batch.id)}
            server = {}
            for start in range(0, ITEMS, 25):
                chunk = list(wanted)[start : start + 25]
                page = await client.list_page("stock_items", filters={"id_in": chunk}, page_size=25)
                server.update({r.id: r.attributes["quantity"] for r in page.records})
            for item_id, quantity in wanted.items():
                shown = cache.records.get("stock_items", item_id)
                assert shown is not None and not shown.pending
                if lines[item_id] == "sent":
                    assert server[item_id] == quantity == shown.attributes["quantity"]
                else:
                    assert lines[item_id] == "cancelled"
                    assert server[item_id] == before[item_id] == shown.attributes["quantity"]
            writes = [
                r for r in sandbox.requests() if r["method"] in ("POST", "PATCH") and r["path"].startswith("/api/")
            ]
            assert [(r["method"], r["path"].split("/")[2]) for r in writes] == [
                ("POST", "imports"),
                ("PATCH", "imports"),
            ]  # one import, one interrupt: no change sent on its own afterwards

            assert await interrupt(client, references) == ["the import had already ended"]  # a 422, said so
