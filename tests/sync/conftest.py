"""Fixtures for the sync and outbox tests: a cache file in tmp_path and clients of the session sandbox."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.api import CommerceLayerClient, Credentials, Endpoint
from desktop_app.api.retry import Backoff
from desktop_app.store import Cache, cache_path
from tests.support.sandbox import SandboxProcess


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[Cache]:
    opened = Cache.open(cache_path(tmp_path, "sandbox"))
    yield opened
    opened.close()


def make_client(url: str, sandbox: SandboxProcess, **options: Any) -> CommerceLayerClient:
    """A client of ``url`` (the sandbox's, or a dead port to play offline) with the sandbox's credentials."""
    options.setdefault("rate_limits", "off")
    options.setdefault("backoff", Backoff(base=0.05, cap=0.5))
    return CommerceLayerClient(Endpoint.custom(url), Credentials(sandbox.client_id, sandbox.client_secret), **options)


@contextlib.asynccontextmanager
async def client_of(sandbox: SandboxProcess, **options: Any) -> AsyncIterator[CommerceLayerClient]:
    async with make_client(sandbox.url, sandbox, **options) as client:
        yield client


def dead_url() -> str:
    """A loopback port nobody listens on: connection refused, the way a laptop without network fails fast."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def api_requests(sandbox: SandboxProcess, prefix: str = "/api/") -> list[dict[str, Any]]:
    return [r for r in sandbox.requests() if r["path"].startswith(prefix)]


def clear_faults(sandbox: SandboxProcess) -> None:
    """Disarm what is left of the faults (the network is healthy again) without resetting the data."""
    import urllib.request

    request = urllib.request.Request(sandbox.url + "/_sandbox/faults", method="DELETE")
    with urllib.request.urlopen(request, timeout=30):
        pass
