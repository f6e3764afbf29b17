"""Python's cyclic garbage collector paused while a large structure without cycles is built and used.

Thousands of small objects that live a while (a batch's outbox entries, the server's records read back) set off
full collections, and a full collection walks every object the process holds that was not frozen at start: 40-70 ms
holding the interpreter lock, which is the window's event loop's lock too. Such structures hold no reference
cycles (plain dataclasses, dicts and lists), so reference counting frees them without the collector. Pauses nest,
from any thread: the collector runs again once the last one ends, if it ran before the first.

One pause is not a block: :func:`hold` begins it at the process's first import (``python -m desktop_app``, the
frozen program), and :func:`release` ends it: the window's start at its first frame, a command once its line is
read.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0
_was_enabled = False
_held = False


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside the block (nor in other threads meanwhile)."""
    with _lock:
        _begin()
    try:
        yield
    finally:
        with _lock:
            _end()


def hold() -> None:
    """Pause the collector until :func:`release` (a second hold before it changes nothing). The command line's
    imports and the window plan's set off ~15 collections before its own pause (2-3 ms), of objects its first frame
    freezes anyway."""
    global _held  # noqa: PLW0603  # one collector per process
    with _lock:
        if not _held:
            _held = True
            _begin()


def release() -> None:
    """End the pause :func:`hold` began, if one holds; the collector runs again unless another pause holds it."""
    global _held  # noqa: PLW0603  # one collector per process
    with _lock:
        if _held:
            _held = False
            _end()


def _begin() -> None:
    global _depth, _was_enabled  # noqa: PLW0603  # one collector per process
    if _depth == 0:
        _was_enabled = gc.isenabled()
        gc.disable()
    _depth += 1


def _end() -> None:
    global _depth  # noqa: PLW0603  # one collector per process
    _depth -= 1
    if _depth == 0 and _was_enabled:
        gc.enable()
