"""Back online by itself: after the connection is lost the window asks the server again (back-off, Retry now, the
system's network-up signal) and sends what is queued, with no F5."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.ui.conftest import open_window, settle, wait_until
from tests.ui.shots import shoot


async def _lose_the_connection(window: Any, sandbox: Any, bump: int) -> tuple[str, int]:
    """An edit whose sending meets a cut connection: the window goes offline with it queued."""
    workspace = window.workspace
    record = workspace.cached.records.find("stock_items")[0]
    quantity = (record.attributes["quantity"] or 0) + bump
    sandbox.fault(method="GET", path="/api/", drop="before", count=1000)  # every probe fails until cleared
    sandbox.fault(method="PATCH", path="/api/stock_items", drop="before", count=1000)
    assert workspace.update("stock_items", record.id, {"quantity": quantity}).stands
    await wait_until(lambda: not workspace.online, what="offline")
    assert workspace.cached.outbox.pending_count() == 1
    return record.id, quantity


@pytest.mark.asyncio
async def test_back_off_probe_sends_the_queue_when_the_server_is_back(fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, _, errors):
        window.reconnector.delays = (0.3,)
        record_id, quantity = await _lose_the_connection(window, fresh_sandbox, 11)
        assert window.status.retry_button.isVisible()
        await shoot(window, "offline-with-retry-now")
        probes = len(fresh_sandbox.requests())
        await wait_until(lambda: len(fresh_sandbox.requests()) > probes + 1, what="two probes while still offline")
        assert not window.workspace.online
        fresh_sandbox.clear_faults()
        await wait_until(lambda: window.workspace.online, what="online again without F5")
        await wait_until(lambda: not window.workspace.cached.outbox.pending_count(), what="the queue sent")
        await settle(window)
        assert not window.status.retry_button.isVisible()
        server = await window.workspace.make_client().retrieve("stock_items", record_id)
        assert server.attributes["quantity"] == quantity
        assert not errors


@pytest.mark.asyncio
async def test_retry_now_and_the_network_up_signal_ask_at_once(fresh_sandbox: Any, data_dir: Path) -> None:
    async with open_window(fresh_sandbox, data_dir) as (window, _, errors):
        window.reconnector.delays = (600.0,)  # the back-off alone would wait ten minutes
        await _lose_the_connection(window, fresh_sandbox, 5)
        fresh_sandbox.clear_faults()
        window.status.retry_button.click()
        await wait_until(lambda: window.workspace.online, timeout=10, what="online after Retry now")
        await wait_until(lambda: not window.workspace.cached.outbox.pending_count(), what="the queue sent")
        await settle(window)
        await _lose_the_connection(window, fresh_sandbox, 9)
        fresh_sandbox.clear_faults()
        assert window.reconnector.network_information is not None  # QNetworkInformation has a backend here
        window.reconnector.network_information.reachabilityChanged.emit(
            type(window.reconnector.network_information).Reachability.Online
        )
        await wait_until(lambda: window.workspace.online, timeout=10, what="online when the network comes up")
        await wait_until(lambda: not window.workspace.cached.outbox.pending_count(), what="the queue sent")
        await settle(window)
        assert not errors
