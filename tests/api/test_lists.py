"""Lists against the sandbox: sorting, includes, sparse fieldsets, paging 1,000 records, both stock-level dialects."""

from __future__ import annotations

import asyncio

import pytest

from desktop_app.api import DIALECTS, NotFoundError, Page, Record
from desktop_app.schema import FieldError, QueryError
from tests.api.conftest import ClientFactory, client_for
from tests.support.sandbox import SandboxProcess


async def everything(pages: object) -> list[Record]:
    return [r async for page in pages for r in page.records]  # type: ignore[attr-defined]


@pytest.mark.asyncio
async def test_sorting(make_client: ClientFactory) -> None:
    async with make_client() as client:
        up = await everything(client.list_all("stock_items", sort="quantity,id"))
        down = await everything(client.list_all("stock_items", sort=["-quantity", "id"]))
        names = await everything(client.list_all("skus", sort="-name"))
    assert [r.attributes["quantity"] for r in up] == sorted(r.attributes["quantity"] for r in up)
    assert [(r.attributes["quantity"], r.id) for r in up] == sorted((r.attributes["quantity"], r.id) for r in up)
    assert [r.attributes["quantity"] for r in down] == sorted((r.attributes["quantity"] for r in down), reverse=True)
    assert len(up) == len(down) == 1098
    assert [r.attributes["name"] for r in names] == sorted((r.attributes["name"] for r in names), reverse=True)


@pytest.mark.asyncio
async def test_includes_resolve_related_records(make_client: ClientFactory) -> None:
    async with make_client() as client:
        page = await client.list_page("stock_items", include=["sku", "stock_location.address"], page_size=10)
        levels = await client.list_page("stock_levels", include="inventory_model,stock_location")
        single = await client.retrieve("stock_items", page.records[0].id, include=["sku"])
    for record in page.records:
        sku = page.related(record, "sku")
        assert isinstance(sku, Record) and sku.type == "skus"
        assert sku.attributes["code"] == record.attributes["sku_code"]
        location = page.related(record, "stock_location")
        assert isinstance(location, Record)
        assert ("addresses", location.relationships["address"]) in page.included
    assert {t for t, _ in levels.included} == {"inventory_models", "stock_locations"}
    assert all(r.type == "inventory_stock_locations" for r in levels.records)
    assert single.relationships["sku"] == page.records[0].relationships["sku"]


@pytest.mark.asyncio
async def test_sparse_fieldsets(make_client: ClientFactory) -> None:
    async with make_client() as client:
        page = await client.list_page("skus", fields=["code", "name"])
        both = await client.list_page(
            "stock_items", include="sku", fields={"stock_items": ["quantity"], "skus": ["code"]}
        )
    assert all(set(r.attributes) == {"code", "name"} for r in page.records)
    assert all(set(r.attributes) == {"quantity"} for r in both.records)
    assert all(set(r.attributes) == {"code"} for r in both.included.values())


@pytest.mark.asyncio
async def test_bad_queries_are_refused_before_sending(
    make_client: ClientFactory, fresh_sandbox: SandboxProcess
) -> None:
    async with make_client() as client:
        with pytest.raises(QueryError):
            await client.list_page("stock_items", filters={"colour_eq": "red"})
        with pytest.raises(QueryError):
            await client.list_page("stock_items", sort="name")
        with pytest.raises(FieldError):
            await client.list_page("orders")
    assert [r for r in fresh_sandbox.requests() if r["path"].startswith("/api")] == []


@pytest.mark.asyncio
async def test_paging_across_1000_records(bench_sandbox: SandboxProcess) -> None:
    async with client_for(bench_sandbox, concurrency=6) as client:
        numbers: list[int] = []
        records: list[Record] = []
        async for page in client.list_all("stock_items", sort="id"):
            numbers.append(page.number)
            records.extend(page.records)
        first = await client.list_page("stock_items", page=40, page_size=25)
        beyond = await client.list_page("stock_items", page=41, page_size=25)
        small = await client.list_page("stock_items", page=3, page_size=7, sort="id")
    assert numbers == list(range(1, 41))
    assert len(records) == 1000 and len({r.id for r in records}) == 1000
    assert [r.id for r in records] == sorted(r.id for r in records)  # pages came in order
    assert (first.record_count, first.page_count, len(first.records)) == (1000, 40, 25)
    assert beyond.records == []
    assert [r.id for r in small.records] == [r.id for r in records[14:21]]


@pytest.mark.asyncio
async def test_list_all_streams_pages_before_the_last_is_asked_for(bench_sandbox: SandboxProcess) -> None:
    """When page 2 reaches the caller, most pages have not even been requested: pages stream, bounded."""
    bench_sandbox.reset()
    async with client_for(bench_sandbox, concurrency=2) as client:
        asked_when_second_arrived = -1
        numbers = []
        async for page in client.list_all("stock_items"):
            numbers.append(page.number)
            if page.number == 2:
                asked_when_second_arrived = client.stats.requests
    assert numbers == list(range(1, 41))
    assert 2 <= asked_when_second_arrived <= 1 + 4 * 2  # page 1, then at most four times the concurrency ahead
    assert client.stats.requests == 40


@pytest.mark.asyncio
async def test_leaving_list_all_early_cancels_the_rest(bench_sandbox: SandboxProcess) -> None:
    bench_sandbox.reset()
    async with client_for(bench_sandbox, concurrency=3) as client:
        seen = 0
        pages = client.list_all("stock_items")
        async for _page in pages:
            seen += 1
            if seen == 3:
                break
        await pages.aclose()  # type: ignore[attr-defined]
        requests_sent = client.stats.requests
    assert requests_sent <= 3 + 4 * 3  # far fewer than the 40 pages: the rest were never asked for
    await asyncio.sleep(0.2)
    assert len([r for r in bench_sandbox.requests() if r["path"] == "/api/stock_items"]) <= requests_sent


@pytest.mark.asyncio
async def test_modern_dialect_is_discovered_once(make_client: ClientFactory, fresh_sandbox: SandboxProcess) -> None:
    async with make_client() as client:
        assert client.dialect is None
        levels = await everything(client.list_all("stock_levels"))  # the first list is the discovery
        assert client.dialect == "inventory_stock_locations"
        assert await client.stock_levels_path() == "inventory_stock_locations"
        same = await client.retrieve("inventory_stock_locations", levels[0].id)
    async with make_client() as other:
        assert await other.stock_levels_path() == "inventory_stock_locations"  # discovery on its own
        assert other.dialect == "inventory_stock_locations"
    paths = [r["path"] for r in fresh_sandbox.requests() if r["path"].startswith("/api")]
    assert paths == [
        "/api/inventory_stock_locations",
        f"/api/inventory_stock_locations/{levels[0].id}",
        "/api/inventory_stock_locations",
    ]
    assert len(levels) == 12 and same.type == "inventory_stock_locations"


@pytest.mark.asyncio
async def test_legacy_dialect_when_the_new_path_is_missing(
    make_client: ClientFactory, fresh_sandbox: SandboxProcess
) -> None:
    fresh_sandbox.fault(path="/api/inventory_stock_locations", status=404, count=1)
    async with make_client() as client:
        levels = await everything(
            client.list_all("inventory_stock_locations", include="stock_location,inventory_model")
        )
        assert client.dialect == "stock_levels"
        one = await client.retrieve("stock_levels", levels[0].id)
        models = await everything(client.list_all("inventory_models"))
        locations = await everything(client.list_all("stock_locations"))
        pairs = {(r.relationships["inventory_model"], r.relationships["stock_location"]) for r in levels}
        model, location = next((m.id, s.id) for m in models for s in locations if (m.id, s.id) not in pairs)
        made = await client.create(
            "inventory_stock_locations",
            attributes={"priority": 40},
            relationships={"stock_location": location, "inventory_model": model},
        )
        changed = await client.update("stock_levels", made.id, attributes={"on_hold": True})
        await client.delete("inventory_stock_locations", made.id)
    paths = [r["path"] for r in fresh_sandbox.requests() if r["path"].startswith(("/api/stock_l", "/api/inv"))]
    paths = [p for p in paths if not p.startswith(("/api/stock_locations", "/api/inventory_models"))]
    assert paths[0] == "/api/inventory_stock_locations"
    assert all(p.startswith("/api/stock_levels") for p in paths[1:])
    assert len(levels) == 12 and all(r.type == "inventory_stock_locations" for r in levels)
    assert one.type == "inventory_stock_locations"
    assert made.type == changed.type == "inventory_stock_locations"
    assert made.attributes["priority"] == 40 and changed.attributes["on_hold"] is True
    assert ("POST", "/api/stock_levels") in {(r["method"], r["path"]) for r in fresh_sandbox.requests()}


@pytest.mark.asyncio
@pytest.mark.parametrize("dialect", DIALECTS)
async def test_remembered_dialect_is_used_without_discovery(
    make_client: ClientFactory, fresh_sandbox: SandboxProcess, dialect: str
) -> None:
    async with make_client(dialect=dialect) as client:
        page: Page = await client.list_page("stock_levels", sort="-priority")
    paths = [r["path"] for r in fresh_sandbox.requests() if r["path"].startswith("/api")]
    assert paths == [f"/api/{dialect}"]
    assert [r.attributes["priority"] for r in page.records] == sorted(
        (r.attributes["priority"] for r in page.records), reverse=True
    )


@pytest.mark.asyncio
async def test_missing_record(make_client: ClientFactory) -> None:
    async with make_client() as client:
        with pytest.raises(NotFoundError) as caught:
            await client.retrieve("skus", "NoSuchSku0")
    assert caught.value.code == "RECORD_NOT_FOUND"


@pytest.mark.asyncio
async def test_a_remembered_dialect_the_server_dropped_is_replaced(
    make_client: ClientFactory, fresh_sandbox: SandboxProcess
) -> None:
    fresh_sandbox.fault(path="/api/stock_levels", status=404, count=1)
    async with make_client(dialect="stock_levels") as client:
        page = await client.list_page("stock_levels")
        assert client.dialect == "inventory_stock_locations"
        assert len(page.records) == 12
        fresh_sandbox.fault(path="/api/inventory_stock_locations", status=404, count=1)
        with pytest.raises(NotFoundError):  # switched once; a second 404 is the caller's to see
            await client.list_page("stock_levels")
    paths = [r["path"] for r in fresh_sandbox.requests() if r["path"].startswith("/api")]
    assert paths == ["/api/stock_levels", "/api/inventory_stock_locations", "/api/inventory_stock_locations"]
