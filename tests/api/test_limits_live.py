"""The limiter against a sandbox that enforces Commerce Layer's test-mode limits: a normal run meets no 429, and a
run that shares its address with another client's traffic backs off on 429s and still completes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from desktop_app.api import Record
from desktop_app.api.retry import Backoff
from tests.api.conftest import client_for
from tests.support.sandbox import SandboxProcess, start_sandbox


@pytest.fixture(scope="module")
def limited() -> Iterator[SandboxProcess]:
    with start_sandbox(seed="demo", rate_limits="test") as running:
        yield running


def refusals(sandbox: SandboxProcess) -> int:
    return sum(1 for r in sandbox.requests() if r["status"] == 429)


@pytest.mark.slow
@pytest.mark.asyncio
async def test_a_normal_run_never_meets_a_429(limited: SandboxProcess) -> None:
    """40 uncacheable reads and 30 writes at once: test mode allows 25 of each per 10 s, so about 10 s of waiting."""
    limited.reset()
    async with client_for(limited, rate_limits="auto", concurrency=8) as client:
        token = await client.authenticate()
        assert token.test and client.rate_limiter.test
        item = (await client.list_page("stock_items", page_size=1)).records[0]

        async def read(n: int) -> list[Record]:
            return (await client.list_page("inventory_stock_locations", sort="priority", page_size=5)).records

        async def write(n: int) -> Record:
            return await client.update("stock_items", item.id, attributes={"quantity": n})

        loop = asyncio.get_running_loop()
        started = loop.time()
        reads, writes = await asyncio.gather(
            asyncio.gather(*(read(n) for n in range(40))), asyncio.gather(*(write(n) for n in range(30)))
        )
        elapsed = loop.time() - started
        assert client.stats.rate_limited_429s == 0 and client.stats.retries == 0
    assert refusals(limited) == 0
    assert all([r.id for r in page] == [r.id for r in reads[0]] for page in reads)
    assert {w.attributes["quantity"] for w in writes} == set(range(30))
    assert 9.5 < elapsed < 16  # the second burst waited for the window, and not much longer


@pytest.mark.slow
@pytest.mark.asyncio
async def test_traffic_the_limiter_cannot_see_is_backed_off(limited: SandboxProcess) -> None:
    limited.reset()
    patient = Backoff()  # the real schedule: refusals wait for the window to slide
    async with (
        client_for(limited, rate_limits="auto") as other,
        client_for(limited, rate_limits="auto", backoff=patient) as client,
    ):
        await other.authenticate()
        await client.authenticate()
        for _ in range(20):  # 20 of the 25-request burst used by someone else on this address
            await other.list_page("stock_transfers", page_size=1)
        pages = await asyncio.gather(*(client.list_page("stock_transfers", page_size=2, page=n) for n in (1, 2, 3, 4)))
        pages += await asyncio.gather(*(client.list_page("stock_transfers", page_size=2, page=n) for n in (1, 2, 3, 4)))
        assert client.stats.rate_limited_429s > 0
        assert client.stats.retries == client.stats.rate_limited_429s <= 5 * 8
    ids = [r.id for p in pages[:4] for r in p.records]
    assert len(ids) == 7 == len(set(ids))
    assert [r.id for p in pages[4:] for r in p.records] == ids


@pytest.mark.asyncio
async def test_token_requests_within_their_limit_are_not_refused(limited: SandboxProcess) -> None:
    limited.reset()
    async with client_for(limited, rate_limits="auto") as client:
        for _ in range(10):
            await client.authenticate()
        assert client.stats.token_requests == 10 and client.stats.rate_limited_429s == 0
    assert refusals(limited) == 0
