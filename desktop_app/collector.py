"""Python's cyclic garbage collector paused while a large structure without cycles is built and used.

Thousands of small objects that live a while (a batch's outbox entries, the server's records read back) set off
full collections, and a full collection walks every object the process holds that was not frozen at start: 40-70 ms
holding the interpreter lock, which is the window's event loop's lock too. Such structures hold no reference
cycles (plain dataclasses, dicts and lists), so reference counting frees them without the collector. Pauses nest,
from any thread: the collector runs again once the last one ends, if it ran before the first.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside the block (nor in other threads meanwhile)."""
    global _depth, _was_enabled  # noqa: PLW0603  # one collector per process
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
