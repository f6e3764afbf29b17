"""A client-side copy of Commerce Layer's sliding-window rate limits, so a normal run never meets a 429.

Commerce Layer counts requests per IP in sliding windows: a burst limit per endpoint over 10 seconds and an average
limit per class (cacheable reads, uncacheable reads, writes) over a minute, with lower figures in test mode
(API-NOTES §6). The limiter books a start time for every request before it is sent: the earliest moment at which
both windows still have room. Bookings within a class are handed out in time order, which keeps each window's
timestamps sorted, so "room" is one comparison with the L-th most recent booking. A start is booked when the
request is about to leave and moved to the moment its answer arrives: the server counted it in between, so later
requests never start less than a full window after the server's count, however slow the server was.
"""

from __future__ import annotations

import asyncio
import bisect
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from desktop_app.schema import get_resource

CACHEABLE_READ = "cacheable_read"
UNCACHEABLE_READ = "uncacheable_read"
WRITE = "write"
CLASSES = (CACHEABLE_READ, UNCACHEABLE_READ, WRITE)


@dataclass(frozen=True)
class Limits:
    """One row of Commerce Layer's table: ``average`` requests per ``average_interval`` seconds for the class,
    ``burst`` requests per ``burst_interval`` seconds for one endpoint."""

    average: int
    burst: int
    average_interval: float = 60.0
    burst_interval: float = 10.0


LIVE: Mapping[str, Limits] = {
    CACHEABLE_READ: Limits(1000, 250),
    UNCACHEABLE_READ: Limits(200, 50),
    WRITE: Limits(200, 50),
}
TEST: Mapping[str, Limits] = {
    CACHEABLE_READ: Limits(500, 125),
    UNCACHEABLE_READ: Limits(100, 25),
    WRITE: Limits(100, 25),
}
#: The token endpoint's own limit (live and test alike).
TOKEN_LIMIT = (30, 60.0)


def request_class(method: str, resource_type: str) -> str:
    """Which limit class a request counts against."""
    if method.upper() not in ("GET", "HEAD"):
        return WRITE
    try:
        cacheable = get_resource(resource_type).cacheable
    except KeyError:
        cacheable = False
    return CACHEABLE_READ if cacheable else UNCACHEABLE_READ


class Window:
    """Timestamps of booked requests for one sliding window (sorted; old ones dropped lazily)."""

    def __init__(self, limit: int, interval: float) -> None:
        self.limit = limit
        self.interval = interval
        self.times: deque[float] = deque()

    def prune(self, now: float) -> None:
        while self.times and self.times[0] <= now - self.interval:
            self.times.popleft()

    def earliest(self, at: float, margin: float) -> float:
        """The first moment ≥ ``at`` at which one more request fits, assuming it is booked after all others."""
        if len(self.times) < self.limit:
            return at
        return max(at, self.times[-self.limit] + self.interval + margin)

    def used(self, now: float) -> int:
        """Requests counted in the window ending ``now`` (bookings in the future excluded)."""
        self.prune(now)
        return bisect.bisect_right(self.times, now)

    def book(self, moment: float) -> None:
        if not self.times or moment >= self.times[-1]:
            self.times.append(moment)
        else:
            bisect.insort(self.times, moment)

    def required_start(self, at: float, margin: float) -> float:
        """The earliest moment ≥ ``at`` a booking already in the window (at or before ``at``) may be sent, given
        every other booking up to ``at``."""
        before = bisect.bisect_right(self.times, at) - 1  # bookings up to ``at``, the one asking excluded
        if before < self.limit:
            return at
        return max(at, self.times[before - self.limit] + self.interval + margin)

    def move(self, old: float, new: float) -> None:
        """Re-time one booking (already pruned bookings are left alone)."""
        index = bisect.bisect_left(self.times, old)
        if index < len(self.times) and self.times[index] == old:
            del self.times[index]
            self.book(new)


@dataclass
class Booking:
    """One request's booked start, kept so its answer can re-time it (:meth:`RateLimiter.complete`)."""

    start: float
    delay: float
    state: _ClassState
    burst: Window

    @property
    def windows(self) -> tuple[Window, Window]:
        return (self.state.average, self.burst)


@dataclass
class _ClassState:
    limits: Limits
    average: Window
    bursts: dict[str, Window] = field(default_factory=dict)
    last: float = 0.0
    blocked_until: float = 0.0

    def burst(self, endpoint: str) -> Window:
        window = self.bursts.get(endpoint)
        if window is None:
            window = self.bursts[endpoint] = Window(self.limits.burst, self.limits.burst_interval)
        return window


class RateLimiter:
    """Books request start times within the limits; ``mode`` is ``auto`` (figures from the token's ``test`` claim),
    ``live``, ``test`` or ``off``."""

    def __init__(
        self,
        mode: str = "auto",
        *,
        test: bool = True,
        clock: Callable[[], float] = time.monotonic,
        margin: float = 0.05,
        max_margin: float = 2.0,
    ) -> None:
        if mode not in ("auto", "live", "test", "off"):
            raise ValueError(f"rate_limits must be auto, live, test or off, not {mode!r}")
        self.mode = mode
        self.clock = clock
        self.margin = margin
        self.max_margin = max_margin
        self._classes: dict[str, _ClassState] = {}
        self.token_window = Window(*TOKEN_LIMIT)
        self.set_environment(test if mode == "auto" else mode == "test")

    @property
    def enabled(self) -> bool:
        return self.mode != "off"

    def set_environment(self, test: bool) -> None:
        """Use the live or test figures (the token's ``test`` claim decides in ``auto`` mode)."""
        table = TEST if test else LIVE
        if self.mode in ("live", "test"):
            table = TEST if self.mode == "test" else LIVE
        self.test = table is TEST
        for name in CLASSES:
            self._set_limits(name, table[name])

    def _set_limits(self, name: str, limits: Limits) -> None:
        state = self._classes.get(name)
        if state is None:
            self._classes[name] = _ClassState(limits, Window(limits.average, limits.average_interval))
            return
        state.limits = limits
        state.average.limit, state.average.interval = limits.average, limits.average_interval
        for window in state.bursts.values():
            window.limit, window.interval = limits.burst, limits.burst_interval

    def limits(self, name: str) -> Limits:
        return self._classes[name].limits

    def book(self, method: str, resource_type: str) -> Booking | None:
        """Book a start for one request (``None`` when limits are off)."""
        if not self.enabled:
            return None
        now = self.clock()
        state = self._classes[request_class(method, resource_type)]
        burst = state.burst(resource_type)
        # Only the present may drop old bookings: one still in flight must stay to be re-timed by its answer.
        state.average.prune(now)
        burst.prune(now)
        start = max(now, state.last, state.blocked_until)
        # Each window's answer can only move the start later; one more pass settles the other window.
        for _ in range(2):
            start = max(start, state.average.earliest(start, self.margin), burst.earliest(start, self.margin))
        state.average.book(start)
        burst.book(start)
        state.last = start
        return Booking(start, start - now, state, burst)

    def seconds_for(self, method: str, resource_type: str, count: int) -> float:
        """The least time ``count`` more requests to one endpoint take from now, given the bookings made so far:
        booked on a copy of the windows, so asking changes nothing (the "time left" of a batch being sent)."""
        if not self.enabled or count <= 0:
            return 0.0
        now = self.clock()
        state = self._classes[request_class(method, resource_type)]
        average, burst = _copy(state.average), _copy(state.burst(resource_type))
        start = max(now, state.last, state.blocked_until)
        for _ in range(count):
            for _ in range(2):
                start = max(start, average.earliest(start, self.margin), burst.earliest(start, self.margin))
            average.book(start)
            burst.book(start)
        return start - now

    def reserve(self, method: str, resource_type: str) -> float:
        """Book a start for one request and return how many seconds to wait before sending it."""
        booking = self.book(method, resource_type)
        return booking.delay if booking else 0.0

    async def acquire(self, method: str, resource_type: str) -> Booking | None:
        """Wait for the booked start; on waking, wait more if answers meanwhile re-timed earlier requests."""
        booking = self.book(method, resource_type)
        delay = booking.delay if booking is not None else 0.0
        while booking is not None and delay > 0:
            await asyncio.sleep(delay)
            delay = self.recheck(booking)
            booking.delay += delay
        return booking

    def recheck(self, booking: Booking) -> float:
        """Seconds still to wait for ``booking``: an answer that came in while it slept moved an earlier request
        later, which may have put one request too many in the window ending at this start."""
        now = max(self.clock(), booking.start)
        start = now
        for window in booking.windows:
            start = max(start, window.required_start(now, self.margin))
        if start == now:
            return 0.0
        for window in booking.windows:
            window.move(booking.start, start)
        booking.start = start
        booking.state.last = max(booking.state.last, start)
        return max(0.0, start - self.clock())

    def complete(self, booking: Booking | None) -> None:
        """The answer (or the failure) is in: count the request at this moment instead of its start.

        The server counted it on arrival, somewhere between the two, and may have been slow to get to it; counting
        from the answer keeps every later request at least a full window behind the server's own count.
        """
        if booking is None:
            return
        now = max(self.clock(), booking.start)
        for window in booking.windows:
            window.move(booking.start, now)
        booking.start = now

    def reserve_token(self) -> float:
        """Book a token request within the token endpoint's 30 a minute (kept even when limits are off)."""
        now = self.clock()
        self.token_window.prune(now)
        start = max(now, self.token_window.earliest(now, self.margin))
        self.token_window.book(start)
        return start - now

    def block(self, method: str, resource_type: str, seconds: float) -> None:
        """Start nothing more of this class for ``seconds``."""
        if not self.enabled:
            return
        state = self._classes[request_class(method, resource_type)]
        state.blocked_until = max(state.blocked_until, self.clock() + seconds)

    def refused(self, method: str, resource_type: str, seconds: float) -> None:
        """After a 429 despite the bookings: pause the class, and keep a wider safety gap from now on (the server
        saw our requests closer together than we sent them, or counted some we do not know about)."""
        self.block(method, resource_type, seconds)
        self.margin = min(self.max_margin, max(self.margin * 2, 0.1))

    def observe(self, method: str, resource_type: str, headers: Mapping[str, str]) -> None:
        """Adapt to ``X-Ratelimit-Limit/Interval/Remaining`` (they describe the class's average limit).

        A limit matching the other environment's figure switches the class to that row (burst included, since the
        server never reports it); a count higher than ours books the requests we did not know about.
        """
        if not self.enabled:
            return
        try:
            limit = int(headers["x-ratelimit-limit"])
            interval = float(headers.get("x-ratelimit-interval", "60"))
            remaining = int(headers["x-ratelimit-remaining"])
        except (KeyError, ValueError):
            return
        name = request_class(method, resource_type)
        state = self._classes[name]
        if limit != state.limits.average or interval != state.limits.average_interval:
            known = [t[name] for t in (LIVE, TEST) if (t[name].average, t[name].average_interval) == (limit, interval)]
            if known:
                self._set_limits(name, known[0])
            elif limit > 0 and interval > 0:
                ratio = limit / max(state.limits.average, 1)
                burst = max(1, round(state.limits.burst * ratio))
                self._set_limits(name, Limits(limit, burst, interval, state.limits.burst_interval))
        now = self.clock()
        missing = (limit - remaining) - state.average.used(now)
        for _ in range(max(0, min(missing, limit))):
            state.average.book(now)


def _copy(window: Window) -> Window:
    copied = Window(window.limit, window.interval)
    copied.times = deque(window.times)
    return copied


def floor_seconds(count: int, method: str, resource_type: str, mode: str = "live") -> float:
    """The least time ``count`` requests to one endpoint can take under ``mode``'s limits from a quiet start: the
    floor a paced batch is measured against."""
    return RateLimiter(mode, clock=lambda: 0.0, margin=0.0).seconds_for(method, resource_type, count)
