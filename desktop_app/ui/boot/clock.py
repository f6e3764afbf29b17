"""The start's own clock: how long each step of the plan took, so a slow start says where its time went.

:func:`mark` notes the end of a step (a list append: cheap enough to leave in); the first-paint report
(:mod:`desktop_app.ui.boot.first_paint`) prints :func:`steps` beside its figure. Qt-free: the plan's first steps run
before PySide6 is imported.
"""

from __future__ import annotations

import os
import time

_IMPORTED = time.perf_counter()
_marks: list[tuple[str, float]] = []


def process_age() -> float:
    """Seconds since this process started (from ``/proc/self/stat``; since this module's import elsewhere)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            start_ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as uptime:
            now = float(uptime.read().split()[0])
        return now - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.perf_counter() - _IMPORTED


_AGE_AT_IMPORT = process_age()


def mark(step: str) -> None:
    """``step`` ends now."""
    _marks.append((step, time.perf_counter()))


def steps() -> str:
    """``step ms`` for each step marked so far, each from the end of the one before; ``python`` is the time before
    this module was imported (the interpreter's start, the command line's parsing), the next from that import."""
    parts, before = [f"python {_AGE_AT_IMPORT * 1000:.0f}"], _IMPORTED
    for step, at in _marks:
        parts.append(f"{step} {(at - before) * 1000:.0f}")
        before = at
    return " ".join(parts)
