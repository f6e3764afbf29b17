"""The API client's cost: fetching 10,000 stock items (400 pages) from a ``bench:10000`` sandbox.

1. Rate limits off: the client's ``list_all`` against a bare concurrent ``httpx`` loop fetching and decoding the
   same 400 pages with the same concurrency, the same token and the same server, in the same run: each round runs
   both, in alternating order, so both meet the same machine load; the figure is the median of the rounds' ratios.
   Goal ≤ 1.15.
2. A sandbox at ``--rate-limits live``: the client (``rate_limits="auto"``, learning the live figures from the
   ``X-Ratelimit-*`` headers) against the floor the limits allow. Stock items are cacheable reads: 250 per 10 s
   per endpoint, 1000 a minute, so the last 150 of the 400 requests cannot start before 10 s after the first;
   the floor is those 10 s plus the time the bare loop of part 1 needed for 150 pages. Goals: ratio ≤ 1.10 and
   no 429 at all.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

import httpx

from desktop_app.api import CommerceLayerClient, Credentials, Endpoint, Token
from desktop_app.api.ratelimit import LIVE, RateLimiter
from tests.support.sandbox import SandboxProcess, start_sandbox

PAGES = 400
CONCURRENCY = 8
ROUNDS = 10


def figure(name: str, value: float, unit: str, goal: str, ok: bool) -> None:
    print(f"FIGURE {name} = {value:.3f} {unit} goal {goal} {'ok' if ok else 'MISSED'}", flush=True)


def client_of(sandbox: SandboxProcess, **options: Any) -> CommerceLayerClient:
    return CommerceLayerClient(
        Endpoint.custom(sandbox.url),
        Credentials(sandbox.client_id, sandbox.client_secret),
        concurrency=CONCURRENCY,
        **options,
    )


async def with_client(sandbox: SandboxProcess, token: Token | None, rate_limits: str) -> tuple[float, int, Any]:
    async with client_of(sandbox, token=token, rate_limits=rate_limits) as client:
        started = time.perf_counter()
        count = 0
        async for page in client.list_all("stock_items"):
            count += len(page.records)
        return time.perf_counter() - started, count, client.stats


async def bare(sandbox: SandboxProcess, token: Token) -> tuple[float, int]:
    """The least a program can do: the same GETs, concurrently, each body decoded."""
    headers = {"Accept": "application/vnd.api+json", "Authorization": f"Bearer {token.access_token}"}
    limits = httpx.Limits(max_connections=CONCURRENCY + 2, max_keepalive_connections=CONCURRENCY + 2)
    url = sandbox.url + "/api/stock_items"
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=30) as http:
        started = time.perf_counter()
        gate = asyncio.Semaphore(CONCURRENCY)

        async def fetch(number: int) -> int:
            async with gate:
                response = await http.get(url, params={"page[number]": str(number), "page[size]": "25"})
                response.raise_for_status()
                return len(response.json()["data"])

        first = (await http.get(url, params={"page[number]": "1", "page[size]": "25"})).json()
        pages = int(first["meta"]["page_count"])
        counts = await asyncio.gather(*(fetch(n) for n in range(2, pages + 1)))
        return time.perf_counter() - started, len(first["data"]) + sum(counts)


def limits_floor(requests: int) -> float:
    """When the last of ``requests`` cacheable reads may start under the live limits (the limiter's own arithmetic
    on a fake clock, without its safety margin)."""
    now = [0.0]
    limiter = RateLimiter("live", clock=lambda: now[0], margin=0.0)
    return max(limiter.reserve("GET", "stock_items") for _ in range(requests))


async def part_one() -> float:
    with start_sandbox(seed="bench:10000", rate_limits="off") as sandbox:
        async with client_of(sandbox) as signer:
            token = await signer.authenticate()
        await bare(sandbox, token)  # warm the server's caches and connections for both
        client_times: list[float] = []
        bare_times: list[float] = []
        client_cpu: list[float] = []
        bare_cpu: list[float] = []
        for round_ in range(ROUNDS):
            for which in ("bare", "client") if round_ % 2 == 0 else ("client", "bare"):
                cpu = time.process_time()
                if which == "bare":
                    seconds, count = await bare(sandbox, token)
                    bare_times.append(seconds)
                    bare_cpu.append(time.process_time() - cpu)
                else:
                    seconds, count, stats = await with_client(sandbox, token, "off")
                    assert stats.requests == PAGES, stats
                    client_times.append(seconds)
                    client_cpu.append(time.process_time() - cpu)
                assert count == 10_000, count
    ratios = sorted(c / b for c, b in zip(client_times, bare_times, strict=True))
    ratio = statistics.median(ratios)
    print(f"client {[round(t, 2) for t in client_times]} s, bare httpx {[round(t, 2) for t in bare_times]} s")
    print(f"per-round ratios {[round(r, 3) for r in ratios]}; best-of ratio {min(client_times) / min(bare_times):.3f}")
    print(
        f"CPU in this process (the sandbox runs in its own): client {statistics.median(client_cpu):.3f} s, "
        f"bare {statistics.median(bare_cpu):.3f} s (medians)"
    )
    figure("client_list_all_vs_bare_httpx", ratio, "ratio", "<= 1.15", ratio <= 1.15)
    return statistics.median(bare_times)


async def part_two(bare_seconds: float) -> None:
    with start_sandbox(seed="bench:10000", rate_limits="live") as sandbox:
        seconds, count, stats = await with_client(sandbox, None, "auto")
        refused = sum(1 for r in sandbox.requests() if r["status"] == 429)
    assert count == 10_000, count
    window = limits_floor(PAGES)
    tail = PAGES - LIVE["cacheable_read"].burst
    floor = window + bare_seconds * tail / PAGES
    print(
        f"live limits: client {seconds:.2f} s, floor {floor:.2f} s ({window:.1f} s of windows + {tail} pages), "
        f"throttled {stats.throttled_seconds:.1f} s in total over {stats.requests} requests"
    )
    figure("client_live_limits_over_floor", seconds / floor, "ratio", "<= 1.10", seconds / floor <= 1.10)
    print(f"429s: {refused} in the server's log, {stats.rate_limited_429s} seen by the client, {stats.retries} retries")
    figure("client_live_limits_429s", float(refused), "count", "== 0", refused == 0)


async def main() -> None:
    bare_seconds = await part_one()
    await part_two(bare_seconds)


if __name__ == "__main__":
    asyncio.run(main())
