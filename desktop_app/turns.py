"""Handing the event loop back between two slices of long work so that what came due meanwhile runs between them.

A coroutine whose wait ends while a slice runs (an ``asyncio.sleep``, a future set from a thread) is woken through
``call_soon``, once its timer has fired: behind a continuation queued with ``asyncio.sleep(0)`` at the end of the
slice, so it runs only after the next slice too. Two 20 ms slices separated by ``sleep(0)`` kept a coroutine
sleeping 5 ms waiting 40 ms, separated by :func:`turn` 20 ms (qasync 0.28 and plain asyncio alike). Where a push's
slice meets the window's own work (its first reads right after the tables repainted for the batch that started it,
the collection after it right before the tables reload), ``sleep(0)`` made the two one stall for every coroutine of
the window waiting meanwhile. :func:`turn` waits for a timer instead: the waiters' wake-ups are queued first.
"""

from __future__ import annotations

import asyncio

#: The wait of a turn: the shortest a Qt timer has.
TURN_SECONDS = 0.001


async def turn() -> None:
    """Let the loop run what came due (timers, the coroutines they wake, a repaint) before going on."""
    await asyncio.sleep(TURN_SECONDS)
