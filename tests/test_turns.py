"""A turn of the loop between two slices of work lets a coroutine whose wait ended during the first slice run
before the second; ``asyncio.sleep(0)`` queues the second slice ahead of that coroutine's wake-up."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import pytest

from desktop_app.turns import turn


def _busy(seconds: float) -> None:
    """A slice of work: the loop's thread busy, as with a repaint or a read."""
    until = time.perf_counter() + seconds
    while time.perf_counter() < until:
        pass


async def _order(handover: Callable[[], Awaitable[None]]) -> list[str]:
    done: list[str] = []

    async def waiter() -> None:
        await asyncio.sleep(0.002)
        done.append("waiter")

    waiting = asyncio.create_task(waiter())
    await asyncio.sleep(0)  # its sleep has begun
    _busy(0.01)  # its wait ends in here
    done.append("first slice")
    await handover()
    done.append("second slice")
    await waiting
    return done


@pytest.mark.asyncio
async def test_a_waiter_due_during_a_slice_runs_before_the_next_one_after_a_turn() -> None:
    assert await _order(turn) == ["first slice", "waiter", "second slice"]


@pytest.mark.asyncio
async def test_after_sleep_zero_it_waits_for_the_next_slice_too() -> None:
    """Why :func:`turn` is not ``asyncio.sleep(0)``."""
    assert await _order(lambda: asyncio.sleep(0)) == ["first slice", "second slice", "waiter"]
