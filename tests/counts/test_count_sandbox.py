"""A count applied over the real sandbox: one batch of writes (an update per difference, a create for a SKU the
location had no stock item for), a sale that shipped between counting and applying accounted for, nothing twice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.counts import Counting, apply_count, review
from desktop_app.store import Cache, CachedRecord, cache_path
from desktop_app.sync import Editor, Syncer
from tests.support.sandbox import SandboxProcess
from tests.sync.conftest import api_requests, client_of


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[Cache]:
    opened = Cache.open(cache_path(tmp_path, "sandbox"))
    yield opened
    opened.close()


def _stocked(cache: Cache) -> tuple[str, list[CachedRecord], str]:
    """A location with at least two unreserved stock items, and a SKU code it holds no stock item for."""
    reserved = {str(r.relationships.get("stock_item")) for r in cache.records.find("reserved_stocks")}
    by_location: dict[str, list[CachedRecord]] = {}
    for item in cache.records.find("stock_items"):
        if item.id not in reserved and int(item.attributes.get("quantity") or 0) > 3:
            by_location.setdefault(str(item.relationships.get("stock_location")), []).append(item)
    codes = {r.id: str(r.attributes["code"]) for r in cache.records.find("skus")}
    for location, items in by_location.items():
        held = {
            str(i.relationships.get("sku"))
            for i in cache.records.find("stock_items", where={"stock_location": location})
        }
        missing = [code for sku, code in codes.items() if sku not in held]
        if len(items) >= 2 and missing:
            return location, items, missing[0]
    raise AssertionError("the demo seed has no location to count")


@pytest.mark.asyncio
async def test_a_count_applies_as_one_batch_with_a_moved_quantity_adjusted(
    fresh_sandbox: SandboxProcess, cache: Cache
) -> None:
    async with client_of(fresh_sandbox) as client:
        await Syncer(cache, client).sync()
        location_id, items, new_code = _stocked(cache)
        first, moved = items[:2]
        codes = {r.id: str(r.attributes["code"]) for r in cache.records.find("skus")}
        name = str(cache.counts.locations()[location_id])
        counting = Counting.start(cache.counts, location_id, name)
        counting.add(codes[str(first.relationships["sku"])], int(first.attributes["quantity"]) + 5)
        counted_moved = int(moved.attributes["quantity"]) + 1
        counting.add(codes[str(moved.relationships["sku"])], counted_moved)
        counting.add(new_code, 4)
        # Meanwhile two units of the second item leave on the server, and a sync brings that in.
        await client.update("stock_items", moved.id, attributes={"quantity": int(moved.attributes["quantity"]) - 2})
        await Syncer(cache, client).sync(["stock_items"])
        seen = review(cache.counts, counting.count)
        drifted = {line.stock_item_id: line for line in seen.drifted}
        assert list(drifted) == [moved.id] and drifted[moved.id].moved == -2
        before = len(api_requests(fresh_sandbox))
        applied = apply_count(cache, Editor(cache), seen)
        assert applied.batch_name.startswith(f"Count of {name}, ")
        result = await Editor(cache, lambda: client).push()
        assert (result.sent, result.failed, result.conflicts) == (3, 0, 0), result.messages
        assert applied.batch is not None
        (batch,) = cache.batches.batches()
        assert (batch.id, batch.name, batch.total, batch.sent, batch.state) == (
            applied.batch.id,
            applied.batch_name,
            3,
            3,
            "done",
        )
        again = await Editor(cache, lambda: client).push()
        assert again.sent == 0
        writes = [r for r in api_requests(fresh_sandbox)[before:] if r["method"] in ("POST", "PATCH", "DELETE")]
        assert sorted((w["method"], w["path"]) for w in writes) == sorted(
            [
                ("PATCH", f"/api/stock_items/{first.id}"),
                ("PATCH", f"/api/stock_items/{moved.id}"),
                ("POST", "/api/stock_items"),
            ]
        )
        assert (await client.retrieve("stock_items", first.id)).attributes["quantity"] == int(
            first.attributes["quantity"]
        ) + 5
        assert (await client.retrieve("stock_items", moved.id)).attributes["quantity"] == counted_moved - 2
        await Syncer(cache, client).sync(["stock_items"], full=True)
        new_sku = next(r.id for r in cache.records.find("skus") if r.attributes["code"] == new_code)
        made = cache.records.find("stock_items", where={"stock_location": location_id, "sku": new_sku})
        assert [(r.attributes["quantity"], r.local) for r in made] == [(4, False)]
