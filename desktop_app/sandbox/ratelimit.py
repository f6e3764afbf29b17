"""Commerce Layer's rate limits (API-NOTES §6): sliding windows per client address, never reset all at once.

Three classes of request (cacheable reads, other reads, writes), each with an *average* limit summed over all its
endpoints and a *burst* limit per endpoint; ``/oauth/token`` has its own. Only the average limit is advertised in
the ``X-Ratelimit-*`` headers, as Commerce Layer does. Refused requests do not count, so a client that backs off
gets through again as soon as its rate drops.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass

from desktop_app.sandbox.errors import ApiError, error


@dataclass(frozen=True)
class Limit:
    count: int
    interval: float


@dataclass(frozen=True)
class ClassLimits:
    average: Limit
    burst: Limit


LIMITS: dict[str, dict[str, ClassLimits]] = {
    "live": {
        "cacheable": ClassLimits(Limit(1000, 60), Limit(250, 10)),
        "uncacheable": ClassLimits(Limit(200, 60), Limit(50, 10)),
        "write": ClassLimits(Limit(200, 60), Limit(50, 10)),
    },
    "test": {
        "cacheable": ClassLimits(Limit(500, 60), Limit(125, 10)),
        "uncacheable": ClassLimits(Limit(100, 60), Limit(25, 10)),
        "write": ClassLimits(Limit(100, 60), Limit(25, 10)),
    },
}
TOKEN_LIMIT = Limit(30, 60)


class Window:
    """Timestamps of accepted requests within the last ``interval`` seconds."""

    __slots__ = ("hits", "limit")

    def __init__(self, limit: Limit) -> None:
        self.limit = limit
        self.hits: deque[float] = deque()

    def used(self, now: float) -> int:
        horizon = now - self.limit.interval
        while self.hits and self.hits[0] <= horizon:
            self.hits.popleft()
        return len(self.hits)


class RateLimiter:
    """``mode`` is ``off``, ``test`` or ``live``; ``overrides`` replaces a class's limits (``"token"`` takes a
    :class:`Limit`) so tests can use small windows."""

    def __init__(self, mode: str, overrides: dict[str, ClassLimits | Limit] | None = None) -> None:
        if mode not in ("off", "test", "live"):
            raise ValueError(f"rate limits must be off, test or live, not {mode!r}")
        self.mode = mode
        self.classes = dict(LIMITS.get(mode, LIMITS["test"]))
        self.token_limit = TOKEN_LIMIT
        for name, value in (overrides or {}).items():
            if name == "token" and isinstance(value, Limit):
                self.token_limit = value
            elif isinstance(value, ClassLimits):
                self.classes[name] = value
        self._windows: dict[tuple[str, ...], Window] = {}

    @property
    def enabled(self) -> bool:
        return self.mode != "off"

    def reset(self) -> None:
        self._windows.clear()

    def _window(self, key: tuple[str, ...], limit: Limit) -> Window:
        window = self._windows.get(key)
        if window is None:
            window = self._windows[key] = Window(limit)
        return window

    def check(self, client: str, klass: str, endpoint: str) -> dict[str, str]:
        """Count one request or raise a 429; returns the headers to add to the response."""
        limits = self.classes[klass]
        now = time.monotonic()
        average = self._window((client, klass), limits.average)
        burst = self._window((client, klass, endpoint), limits.burst)
        used = average.used(now)
        headers = {
            "X-Ratelimit-Limit": str(limits.average.count),
            "X-Ratelimit-Interval": str(int(limits.average.interval)),
        }
        if used >= limits.average.count or burst.used(now) >= limits.burst.count:
            # The headers describe the average window only (the burst is never surfaced): a burst refusal still
            # says how much of the minute is left, and refused requests do not count against it.
            headers["X-Ratelimit-Remaining"] = str(max(limits.average.count - used, 0))
            raise _too_many(headers)
        average.hits.append(now)
        burst.hits.append(now)
        headers["X-Ratelimit-Remaining"] = str(limits.average.count - used - 1)
        return headers

    def check_token(self, client: str) -> dict[str, str]:
        window = self._window((client, "token"), self.token_limit)
        now = time.monotonic()
        used = window.used(now)
        headers = {
            "X-Ratelimit-Limit": str(self.token_limit.count),
            "X-Ratelimit-Interval": str(int(self.token_limit.interval)),
        }
        if used >= self.token_limit.count:
            headers["X-Ratelimit-Remaining"] = "0"
            raise _too_many(headers)
        window.hits.append(now)
        headers["X-Ratelimit-Remaining"] = str(self.token_limit.count - used - 1)
        return headers


def _too_many(headers: dict[str, str]) -> ApiError:
    refusal = error(429, None, "You have exceeded the rate limit; slow down and retry.")
    refusal.headers = headers
    return refusal


def request_class(method: str, cacheable: bool) -> str:
    if method in ("GET", "HEAD"):
        return "cacheable" if cacheable else "uncacheable"
    return "write"
