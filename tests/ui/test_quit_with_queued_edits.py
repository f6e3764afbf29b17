"""Quitting with edits not yet sent: the window says how many and what becomes of them, and can wait for them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desktop_app.ui.views import quit_guard
from desktop_app.ui.views.quit_guard import QuitChoice, quit_box, quit_question
from tests.ui.conftest import open_window, settle, wait_until
from tests.ui.shots import shoot


@pytest.mark.asyncio
async def test_quit_says_what_is_queued_and_can_wait_for_it(
    fresh_sandbox: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, str, bool]] = []
    replies = [QuitChoice.STAY, QuitChoice.WAIT]

    def fake_ask(parent: Any, title: str, text: str, can_wait: bool) -> QuitChoice:
        asked.append((title, text, can_wait))
        return replies.pop(0)

    monkeypatch.setattr(quit_guard, "ask_quit", fake_ask)
    async with open_window(fresh_sandbox, data_dir) as (window, _, errors):
        workspace = window.workspace
        assert window.quit_guard.allows_quit() and not asked  # nothing queued: no question
        workspace.forced_offline = True  # the edit waits in the outbox
        record = workspace.cached.records.find("stock_items")[0]
        quantity = (record.attributes["quantity"] or 0) + 7
        assert workspace.update("stock_items", record.id, {"quantity": quantity}).stands
        workspace.forced_offline = False
        window.quit_requested()
        title, text, can_wait = asked[0]
        assert "1 edit has not been sent" in text and "sent the next time Stockroom starts" in text
        assert can_wait and window.isVisible()  # Cancel: the window stays
        box = quit_box(window, title, text, can_wait)
        box.show()
        await shoot(box, "quit-with-queued-edits", size=None)
        box.close()
        window.quit_requested()  # Wait and quit: sent, then the window closes by itself
        await wait_until(lambda: not window.isVisible(), what="the window to close once the edit is sent")
        assert not workspace.cached.outbox.pending_count()
        await settle(window)
        server = await workspace.make_client().retrieve("stock_items", record.id)
        assert server.attributes["quantity"] == quantity
        assert not errors


@pytest.mark.asyncio
async def test_the_demo_says_its_queued_edits_go_with_it(sandbox: Any, data_dir: Path) -> None:
    async with open_window(sandbox, data_dir, sync=False) as (window, _, _errors):
        window.workspace.discards_cache_on_close = True
        title, text, can_wait = quit_question(window.workspace, 3)
        assert title == "Close the demo?" and "3 edits have not been sent" in text and "lost" in text
        assert not can_wait
        box = quit_box(window, title, text, can_wait)
        assert [b.text() for b in box.buttons()].count("Close") == 1
        box.show()
        await shoot(box, "quit-demo-with-queued-edits", size=None)
        box.close()
