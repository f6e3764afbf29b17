"""Fixtures for the reorder tests: a cache file, a client of the session sandbox and the stock levels synced."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from desktop_app.api import CommerceLayerClient, Credentials, Endpoint
from desktop_app.api.retry import Backoff
from desktop_app.store import Cache, cache_path
from desktop_app.sync import Syncer
from tests.support.sandbox import SandboxProcess

#: Demo seed: EU Warehouses has six stock levels at 1..6, US Fulfilment three at 10, 20, 30.
CONTIGUOUS_MODEL = "s3wDVO719r"
SPREAD_MODEL = "AASiFflQbX"


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[Cache]:
    opened = Cache.open(cache_path(tmp_path, "sandbox"))
    yield opened
    opened.close()


def make_client(sandbox: SandboxProcess, url: str | None = None) -> CommerceLayerClient:
    """A client of the sandbox (or of ``url``, a dead port to play offline) with the sandbox's credentials."""
    endpoint = Endpoint.custom(url or sandbox.url)
    credentials = Credentials(sandbox.client_id, sandbox.client_secret)
    return CommerceLayerClient(endpoint, credentials, rate_limits="off", backoff=Backoff(base=0.05, cap=0.2))


@pytest_asyncio.fixture
async def client(fresh_sandbox: SandboxProcess) -> AsyncIterator[CommerceLayerClient]:
    async with make_client(fresh_sandbox) as opened:
        yield opened


@pytest_asyncio.fixture
async def synced(cache: Cache, client: CommerceLayerClient, fresh_sandbox: SandboxProcess) -> Cache:
    """The cache with stock locations and stock levels synced, and the sandbox's request log cleared after."""
    await Syncer(cache, client).sync(["stock_locations", "inventory_stock_locations"])
    clear_requests(fresh_sandbox)
    return cache


def clear_requests(sandbox: SandboxProcess) -> None:
    import urllib.request

    request = urllib.request.Request(sandbox.url + "/_sandbox/requests", method="DELETE")
    with urllib.request.urlopen(request, timeout=30):
        pass


def patches(sandbox: SandboxProcess) -> list[dict[str, Any]]:
    return [r for r in sandbox.requests() if r["method"] == "PATCH" and r["path"].startswith("/api/")]
