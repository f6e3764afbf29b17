"""When a failed request may be sent again, and how long to wait first.

Reads and idempotent writes (GET, PATCH, DELETE) are retried on connection errors, timeouts, 429 and 5xx. A POST
is retried only when it provably never reached the server (the connection could not be opened) or the server
refused it before acting (429); otherwise a lost answer may hide a created record, and the caller must look it up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import httpx

IDEMPOTENT = frozenset({"GET", "HEAD", "PATCH", "PUT", "DELETE"})
#: Errors raised before a single byte of the request left this machine.
NOT_SENT: tuple[type[Exception], ...] = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class Backoff:
    """Jittered exponential backoff: attempt n waits a random time in [½·d, d], d = base·2ⁿ capped at ``cap``."""

    base: float = 0.2
    cap: float = 10.0

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        ceiling = min(self.cap, self.base * (2.0**attempt))
        jitter: float = (rng or random).random()
        return ceiling * (0.5 + 0.5 * jitter)


def retryable_status(method: str, status: int) -> bool:
    """429 is always safe (the server refused before acting); 5xx only for idempotent methods."""
    if status == 429:
        return True
    return status >= 500 and method.upper() in IDEMPOTENT


def retryable_exception(method: str, error: Exception) -> bool:
    if isinstance(error, NOT_SENT):
        return True
    return isinstance(error, httpx.TransportError) and method.upper() in IDEMPOTENT


def maybe_committed(method: str, error: Exception) -> bool:
    """True when a write was (possibly) delivered before the connection failed."""
    return method.upper() not in ("GET", "HEAD") and not isinstance(error, NOT_SENT)


def retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (seconds form only; Commerce Layer promises none)."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None
