"""The status bar says in words what holds edits back that is nobody's mistake: another Stockroom process sending
this cache's edits (it holds their lease), or Commerce Layer's rate limit and how long it asks to wait."""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.sandbox import start_background
from desktop_app.sandbox.ratelimit import ClassLimits, Limit
from desktop_app.store import Cache
from desktop_app.store.lease import Holder, _start_time
from desktop_app.ui.views.status_bar import StatusBar
from tests.ui.conftest import open_window, settle, wait_until


@pytest.fixture
def another_process() -> Iterator[Holder]:
    """A live process that is not this one, to hold a lease as another Stockroom would."""
    process = subprocess.Popen(["sleep", "60"])
    try:
        yield Holder(socket.gethostname(), process.pid, _start_time(process.pid), "0ther000")
    finally:
        process.kill()
        process.wait()


def _item(window: Any) -> Any:
    return window.workspace.cached.records.find("stock_items")[0]


@pytest.mark.asyncio
async def test_edits_another_stockroom_is_sending_are_named_in_the_status_bar(
    fresh_sandbox: Any, synced_dir: Path, data_dir: Path, another_process: Holder
) -> None:
    # The sandbox reset to its seed, which the synced cache holds: an earlier test may have deleted its first item.
    shutil.copytree(synced_dir, data_dir, dirs_exist_ok=True)
    async with open_window(fresh_sandbox, data_dir, sync=False) as (window, opened, errors):
        assert window.status.notice_label.isHidden()
        item = _item(window)
        outcome = opened.workspace.update("stock_items", item.id, {"quantity": item.attributes["quantity"] + 1})
        with Cache.open(opened.workspace.cache_file) as other:  # the other process's own connection to the file
            assert other.outbox.claim(outcome.entry_id or "", another_process.owner) is None
        await settle(window)
        notice = window.status.notice_label
        assert notice.isVisible()
        assert notice.text().startswith("Another Stockroom is syncing this cache")
        assert f"process {another_process.pid}" in notice.text() and "1 of the queued edits" in notice.text()
        assert opened.workspace.cached.outbox.entry(outcome.entry_id or "") is not None, "left to its holder"
        with Cache.open(opened.workspace.cache_file) as other:
            other.outbox.release(outcome.entry_id or "", another_process.owner)
        await opened.workspace.push()  # the lease is free again: this window sends it, and the notice goes
        assert opened.workspace.cached.outbox.entry(outcome.entry_id or "") is None
        assert notice.isHidden()
        assert not errors


@pytest.mark.asyncio
async def test_a_rate_limited_push_says_how_long_commerce_layer_asks_to_wait(synced_dir: Path, data_dir: Path) -> None:
    refuse_writes = {"write": ClassLimits(Limit(0, 12), Limit(0, 12))}
    shutil.copytree(synced_dir, data_dir, dirs_exist_ok=True)
    with start_background(seed="demo", rate_limits="test", rate_limit_overrides=refuse_writes) as limited:
        async with open_window(limited, data_dir, sync=False) as (window, opened, errors):
            opened.workspace.make_client()._transport.max_retries = 0  # the refusal at once, not after 30 s of retries
            item = _item(window)
            outcome = opened.workspace.update("stock_items", item.id, {"quantity": item.attributes["quantity"] + 1})
            await settle(window)
            notice = window.status.notice_label
            await wait_until(notice.isVisible, what="the rate-limit notice")
            assert notice.text() == "Commerce Layer asks to wait 12 seconds; edits stay queued"
            assert opened.workspace.cached.outbox.entry(outcome.entry_id or "") is not None
            assert window.status.online_label.text().endswith("Online"), "rate limited is not offline"
            assert not errors


def test_a_notice_with_a_wait_clears_itself(qtbot: Any) -> None:
    bar = StatusBar()
    qtbot.addWidget(bar)
    bar.show()
    bar.set_notice("Commerce Layer asks to wait 1 second; edits stay queued", 0.05)
    assert bar.notice_label.isVisible()
    qtbot.waitUntil(bar.notice_label.isHidden, timeout=2000)
    bar.set_notice("Another Stockroom is syncing this cache (process 1); it is sending 1 of the queued edits")
    qtbot.wait(100)
    assert bar.notice_label.isVisible(), "no wait given: it stays until a push says otherwise"


@pytest.mark.asyncio
async def test_a_rate_limited_sync_says_how_long_commerce_layer_asks_to_wait(synced_dir: Path, data_dir: Path) -> None:
    refuse_reads = {"cacheable": ClassLimits(Limit(0, 20), Limit(0, 20))}
    shutil.copytree(synced_dir, data_dir, dirs_exist_ok=True)
    with start_background(seed="demo", rate_limits="test", rate_limit_overrides=refuse_reads) as limited:
        async with open_window(limited, data_dir, sync=False) as (window, opened, errors):
            opened.workspace.make_client()._transport.max_retries = 0
            task = opened.workspace.start_sync(["stock_items"])
            assert task is not None
            await settle(window)
            notice = window.status.notice_label
            assert notice.isVisible() and notice.text() == "Commerce Layer asks to wait 20 seconds; edits stay queued"
            assert window.status.currentMessage() == notice.text(), "the sync's own line says it too"
            assert not errors
