"""How fast the sandbox serves list pages, so it is never what limits a sync.

A full sync of a large organisation is a stream of ``GET /api/stock_items?page[size]=25`` requests; the goal is at
least 300 such pages a second to one keep-alive client. The sandbox runs as its own process (``stockroom sandbox
--seed bench:10000``), as the tests and the demo run it. Absolute rates are noisy on a shared machine, so a
second figure compares the sandbox with the same HTTP stack (uvicorn + Starlette) returning a fixed page of the
same size: the share of the bare stack's speed the sandbox keeps after auth, query, paging and encoding.

A third figure serves a ``bench:1000000`` seed (40,000 pages) the same way: its pages/s over the 10,000-item seed's
(goal within 1.5x), with pages picked all over the table, so a page deep in a big table must cost what the first does.
"""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.support.sandbox import start_sandbox

SEED = "bench:10000"
BIG_SEED = "bench:1000000"
#: Pages are visited in this stride through the table (a prime: every page once per round), deep pages as often as
#: the first ones.
STRIDE = 7919
PAGE_SIZE = 25
DURATION = 3.0
#: The machine is shared: the best of three one-second windows is the figure, the others are printed beside it.
WINDOWS = 3
WARM_UP = 30
GOAL_PAGES_PER_SECOND = 300
JSONAPI = "application/vnd.api+json"

_STATIC_APP = """
import sys, uvicorn
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
body = open(sys.argv[1], "rb").read()
async def page(request):
    return Response(body, media_type="application/vnd.api+json")
app = Starlette(routes=[Route("/api/stock_items", page)])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)
"""


def _measure(client: httpx.Client, url: str, pages: int) -> tuple[list[float], list[float]]:
    """Fetch pages round-robin for ``WINDOWS`` windows of ``DURATION / WINDOWS`` s: (pages/s per window, ms each)."""
    for number in range(1, WARM_UP + 1):
        client.get(url, params={"page[size]": PAGE_SIZE, "page[number]": _page(number, pages)}).raise_for_status()
    latencies: list[float] = []
    rates: list[float] = []
    number = 0
    for _ in range(WINDOWS):
        started = time.perf_counter()
        deadline = started + DURATION / WINDOWS
        count = 0
        while (before := time.perf_counter()) < deadline:
            response = client.get(url, params={"page[size]": PAGE_SIZE, "page[number]": _page(number, pages)})
            after = time.perf_counter()
            if response.status_code != 200:
                raise SystemExit(f"page {_page(number, pages)} failed: {response.status_code} {response.text[:300]}")
            latencies.append((after - before) * 1000)
            number += 1
            count += 1
        rates.append(count / (time.perf_counter() - started))
    return rates, latencies


def _page(number: int, pages: int) -> int:
    return number * STRIDE % pages + 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def _static_server(body: bytes) -> Iterator[str]:
    """The same HTTP stack serving one fixed page: the ceiling the sandbox is compared with."""
    with tempfile.TemporaryDirectory() as directory:
        page = Path(directory) / "page.json"
        page.write_bytes(body)
        port = _free_port()
        process = subprocess.Popen([sys.executable, "-c", _STATIC_APP, str(page), str(port)], env=dict(os.environ))
        try:
            url = f"http://127.0.0.1:{port}/api/stock_items"
            for _ in range(200):
                with contextlib.suppress(httpx.TransportError):
                    httpx.get(url, timeout=1).raise_for_status()
                    break
                time.sleep(0.05)
            yield url
        finally:
            process.terminate()
            process.wait(10)


def _serve(seed: str, items: int) -> tuple[list[float], list[float], bytes, dict[str, str], int, float]:
    """Pages/s per window and latencies of ``seed``'s sandbox, its first page, the headers, the page count and the
    seconds the sandbox took to start."""
    started = time.perf_counter()
    with start_sandbox(seed=seed) as sandbox:
        ready = time.perf_counter() - started
        token = httpx.post(
            sandbox.token_url,
            json={
                "grant_type": "client_credentials",
                "client_id": sandbox.client_id,
                "client_secret": sandbox.client_secret,
            },
            headers={"Accept": "application/json"},
            timeout=30,
        )
        token.raise_for_status()
        headers = {"Accept": JSONAPI, "Authorization": f"Bearer {token.json()['access_token']}"}
        url = sandbox.api_url + "/stock_items"
        with httpx.Client(headers=headers, timeout=30) as client:
            first = client.get(url, params={"page[size]": PAGE_SIZE})
            first.raise_for_status()
            pages = int(first.json()["meta"]["page_count"])
            if first.json()["meta"]["record_count"] != items:
                raise SystemExit(f"{seed} should hold {items} stock items, got {first.json()['meta']['record_count']}")
            rates, latencies = _measure(client, url, pages)
    return rates, latencies, first.content, headers, pages, ready


def main() -> int:
    rates, latencies, body, headers, pages, _ = _serve(SEED, 10_000)
    rate = max(rates)
    median = statistics.median(latencies)
    verdict = "ok" if rate >= GOAL_PAGES_PER_SECOND else "MISSED"
    windows = ", ".join(f"{r:.0f}" for r in rates)
    print(f"pages/s per window: {windows}; p90 latency {statistics.quantiles(latencies, n=10)[-1]:.2f} ms")
    print(f"FIGURE sandbox_pages_per_second = {rate:.0f} pages/s goal >= {GOAL_PAGES_PER_SECOND} {verdict}")
    print(f"FIGURE sandbox_median_latency = {median:.2f} ms")

    with _static_server(body) as static_url, httpx.Client(headers=headers, timeout=30) as client:
        static_rates, _ = _measure(client, static_url, pages)
    ratio = rate / max(static_rates)
    print(f"fixed page over the same stack, pages/s per window: {', '.join(f'{r:.0f}' for r in static_rates)}")
    print(f"FIGURE sandbox_vs_bare_stack_ratio = {ratio:.2f} x goal >= 0.25 {'ok' if ratio >= 0.25 else 'MISSED'}")

    big_rates, big_latencies, _, _, big_pages, ready = _serve(BIG_SEED, 1_000_000)
    big = max(big_rates)
    print(
        f"{BIG_SEED}: started in {ready:.0f} s; {big_pages:,} pages; pages/s per window: "
        f"{', '.join(f'{r:.0f}' for r in big_rates)}; median latency {statistics.median(big_latencies):.2f} ms"
    )
    slower = rate / big
    print(f"FIGURE sandbox_pages_per_second_1m = {big:.0f} pages/s")
    verdict = "ok" if slower <= 1.5 else "MISSED"
    print(f"FIGURE sandbox_10k_over_1m_pages_per_second = {slower:.2f} x goal <= 1.5 {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
