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
    """Jittered exponential backoff: attempt n waits a random time in [½·d, d], d = base·2ⁿ⁻¹ capped at ``cap``.

    Refusals (429) follow their own, slower schedule: Commerce Layer's windows slide, so a refused client must wait
    for old requests to leave a 10-second burst window; ``refused_base`` 1.25 s doubling to the 10 s cap makes five
    retries span at least one whole window. Left unset, ``refused_base`` follows ``base`` (6.25 times it), so a
    quick schedule for tests stays quick for refusals too.
    """

    base: float = 0.2
    cap: float = 10.0
    refused_base: float | None = None
    refused_cap: float = 10.0

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        return _jittered(min(self.cap, self.base * (2.0 ** max(0, attempt - 1))), rng)

    def refused_delay(self, attempt: int, rng: random.Random | None = None) -> float:
        first = self.refused_base if self.refused_base is not None else self.base * 6.25
        return _jittered(min(self.refused_cap, first * (2.0 ** max(0, attempt - 1))), rng)


def _jittered(ceiling: float, rng: random.Random | None) -> float:
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
