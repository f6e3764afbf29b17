"""Handing the event loop back between two slices of long work so that the window's due timers run between them.

Under qasync a callback scheduled with no delay (``asyncio.sleep(0)``) is a zero-interval Qt timer, and Qt runs
those ahead of timers already due: two 20 ms slices of work separated by ``sleep(0)`` held a 5 ms timer for 40 ms,
separated by :func:`turn` for 20 ms (qasync 0.28, PySide6 6.11, offscreen). Where a slice meets the window's own
work (a push's first reads right after the tables repainted for the batch that started it, the collection after a
push right before the tables reload), ``sleep(0)`` made the two one stall. Plain asyncio (the command line) only
waits the millisecond.
"""

from __future__ import annotations

import asyncio

#: The wait of a turn: the shortest a Qt timer has.
TURN_SECONDS = 0.001


async def turn() -> None:
    """Let the loop run what is due (timers, input, a repaint) before going on."""
    await asyncio.sleep(TURN_SECONDS)
