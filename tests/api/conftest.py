"""Clients for the session's sandbox, and a sandbox seeded with 1,000 stock items for paging tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from desktop_app.api import CommerceLayerClient, Credentials, Endpoint
from desktop_app.api.retry import Backoff
from tests.support.sandbox import SandboxProcess, start_sandbox

ClientFactory = Callable[..., CommerceLayerClient]


def client_for(running: SandboxProcess, **options: Any) -> CommerceLayerClient:
    """A client of ``running`` with limits off and short backoffs unless a test asks otherwise."""
    options.setdefault("rate_limits", "off")
    options.setdefault("backoff", Backoff(base=0.05, cap=0.5, refused_base=0.05, refused_cap=0.5))
    return CommerceLayerClient(
        Endpoint.custom(running.url), Credentials(running.client_id, running.client_secret), **options
    )


@pytest.fixture
def make_client(fresh_sandbox: SandboxProcess) -> ClientFactory:
    return lambda **options: client_for(fresh_sandbox, **options)


@pytest.fixture(scope="session")
def bench_sandbox() -> Iterator[SandboxProcess]:
    with start_sandbox(seed="bench:1000") as running:
        yield running
