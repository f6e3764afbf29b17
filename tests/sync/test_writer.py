"""The page writer: pages that pile up behind a slow write still go out in bounded transactions, in order."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest

from desktop_app.sync.writer import CATCH_UP, PageWriter


@pytest.mark.asyncio
async def test_a_backlog_is_written_in_steps_and_in_order() -> None:
    release = threading.Event()
    batches: list[list[str]] = []
    written: list[int] = []

    def store(texts: Sequence[str]) -> int:
        release.wait(5)  # the first write holds the thread while every other page arrives
        batches.append(list(texts))
        return len(texts)

    writer = PageWriter(store, written.append)
    writer.expect(40)  # four pages to a batch
    try:
        for number in range(40):
            await writer.put(str(number))
        release.set()
        await writer.flush()
    finally:
        writer.close()
    assert [text for batch in batches for text in batch] == [str(n) for n in range(40)]
    assert max(len(batch) for batch in batches) <= CATCH_UP * writer.batch
    assert len(written) >= 40 // (CATCH_UP * writer.batch) and sum(written) == 40
