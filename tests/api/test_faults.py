"""Faults injected through ``/_sandbox/faults``: reads complete with the right records, retries stay in bound,
and a create whose answer is lost is reported as possibly committed instead of being sent twice."""

from __future__ import annotations

import pytest

from desktop_app.api import NetworkError, Record, ServerError
from tests.api.conftest import ClientFactory
from tests.support.sandbox import SandboxProcess


async def all_items(client: object) -> list[Record]:
    return [r async for page in client.list_all("stock_items", sort="id") for r in page.records]  # type: ignore[attr-defined]


def sent(sandbox: SandboxProcess, method: str, prefix: str) -> list[dict[str, object]]:
    return [r for r in sandbox.requests() if r["method"] == method and str(r["path"]).startswith(prefix)]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "fault",
    [
        {"status": 503, "count": 4},
        {"status": 500, "count": 2},
        {"status": 429, "count": 3},
        {"drop": "before", "count": 2},
        {"drop": "after", "count": 2},
        {"delay": 1.5, "count": 1},
    ],
    ids=["503", "500", "429", "drop-before", "drop-after", "slow"],
)
async def test_reads_survive_faults(
    make_client: ClientFactory, fresh_sandbox: SandboxProcess, fault: dict[str, object]
) -> None:
    async with make_client() as reference:
        baseline = [r.id for r in await all_items(reference)]
    async with make_client(max_retries=5, timeout=0.8) as client:
        await client.authenticate()
        fresh_sandbox.fault(method="GET", path="/api/stock_items", **fault)
        ids = [r.id for r in await all_items(client)]
        assert ids == baseline and len(ids) == 1098
        count = int(fault["count"])  # type: ignore[call-overload]
        assert client.stats.retries == count
        assert client.stats.requests == 44 + count
        if fault.get("status") == 429:
            assert client.stats.rate_limited_429s == count


@pytest.mark.asyncio
async def test_retries_are_bounded(make_client: ClientFactory, fresh_sandbox: SandboxProcess) -> None:
    async with make_client(max_retries=3) as client:
        await client.authenticate()
        fresh_sandbox.fault(method="GET", path="/api/skus", status=503, count=10)
        with pytest.raises(ServerError) as caught:
            await client.list_page("skus")
        assert caught.value.status == 503
        assert client.stats.retries == 3
    assert len(sent(fresh_sandbox, "GET", "/api/skus")) == 4


@pytest.mark.asyncio
async def test_dropped_connections_beyond_the_bound_are_network_errors(
    make_client: ClientFactory, fresh_sandbox: SandboxProcess
) -> None:
    async with make_client(max_retries=2) as client:
        await client.authenticate()
        fresh_sandbox.fault(method="GET", path="/api/skus", drop="before", count=5)
        with pytest.raises(NetworkError) as caught:
            await client.list_page("skus")
        assert caught.value.maybe_committed is False
    assert len(sent(fresh_sandbox, "GET", "/api/skus")) == 3


@pytest.mark.asyncio
async def test_patch_and_delete_are_retried(make_client: ClientFactory, fresh_sandbox: SandboxProcess) -> None:
    async with make_client() as client:
        item = (await client.list_page("stock_items", page_size=1)).records[0]
        fresh_sandbox.fault(method="PATCH", path="/api/stock_items", status=503, count=1)
        fresh_sandbox.fault(method="PATCH", path="/api/stock_items", drop="after", count=1)
        updated = await client.update("stock_items", item.id, attributes={"quantity": 321})
        assert updated.attributes["quantity"] == 321
        category = await client.create("shipping_categories", attributes={"name": "Temp", "code": "TEMP-1"})
        fresh_sandbox.fault(method="DELETE", path="/api/shipping_categories", drop="after", count=1)
        await client.delete("shipping_categories", category.id)  # applied, answer lost; the retry finds it gone
        assert client.stats.retries == 3
    assert len(sent(fresh_sandbox, "PATCH", "/api/stock_items")) == 3
    assert len(sent(fresh_sandbox, "DELETE", "/api/shipping_categories")) == 2


@pytest.mark.asyncio
async def test_create_is_never_sent_twice_blindly(make_client: ClientFactory, fresh_sandbox: SandboxProcess) -> None:
    async with make_client() as client:
        await client.authenticate()
        fresh_sandbox.fault(method="POST", path="/api/shipping_categories", status=503)
        with pytest.raises(ServerError):
            await client.create("shipping_categories", attributes={"name": "A", "code": "POST-503"})
        assert len(sent(fresh_sandbox, "POST", "/api/shipping_categories")) == 1

        fresh_sandbox.fault(method="POST", path="/api/shipping_categories", drop="after")
        with pytest.raises(NetworkError) as caught:
            await client.create("shipping_categories", attributes={"name": "B", "code": "POST-DROP"})
        assert caught.value.maybe_committed is True
        assert len(sent(fresh_sandbox, "POST", "/api/shipping_categories")) == 2
        found = await client.list_page("shipping_categories", filters={"code_eq": "POST-DROP"})
        assert len(found.records) == 1  # committed once; the caller can find it

        fresh_sandbox.fault(method="POST", path="/api/shipping_categories", status=429)
        made = await client.create("shipping_categories", attributes={"name": "C", "code": "POST-429"})
        assert made.attributes["code"] == "POST-429"
        assert len(sent(fresh_sandbox, "POST", "/api/shipping_categories")) == 4  # refused, then sent again
        again = await client.list_page("shipping_categories", filters={"code_eq": "POST-429"})
        assert len(again.records) == 1


@pytest.mark.asyncio
async def test_slow_answers_within_the_timeout_are_waited_for(
    make_client: ClientFactory, fresh_sandbox: SandboxProcess
) -> None:
    async with make_client(timeout=5) as client:
        await client.authenticate()
        fresh_sandbox.fault(method="GET", path="/api/skus", delay=0.5, count=2)
        page = await client.list_page("skus")
        assert len(page.records) == 25 and client.stats.retries == 0


@pytest.mark.asyncio
async def test_token_endpoint_faults(make_client: ClientFactory, fresh_sandbox: SandboxProcess) -> None:
    fresh_sandbox.fault(method="POST", path="/oauth/token", status=503, count=2)
    async with make_client() as client:
        token = await client.authenticate()
        assert token.test and client.stats.retries == 2
