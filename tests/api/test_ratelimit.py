"""The client-side limiter's arithmetic, on a fake clock: bookings never exceed either sliding window."""

from __future__ import annotations

import heapq

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.api.ratelimit import LIVE, TEST, Booking, RateLimiter, request_class


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def starts(limiter: RateLimiter, clock: FakeClock, method: str, type_: str, n: int) -> list[float]:
    return [clock.now + limiter.reserve(method, type_) for _ in range(n)]


def max_in_window(times: list[float], interval: float) -> int:
    """The most bookings inside any half-open window of ``interval`` seconds."""
    ordered = sorted(times)
    best = 0
    j = 0
    for i, t in enumerate(ordered):
        while ordered[j] <= t - interval:
            j += 1
        best = max(best, i - j + 1)
    return best


def test_request_classes() -> None:
    assert request_class("GET", "stock_items") == "cacheable_read"
    assert request_class("GET", "skus") == "cacheable_read"
    assert request_class("GET", "inventory_stock_locations") == "uncacheable_read"
    assert request_class("GET", "stock_levels") == "uncacheable_read"
    assert request_class("PATCH", "stock_items") == "write"
    assert request_class("POST", "skus") == "write"


def test_live_cacheable_reads_burst_then_average() -> None:
    clock = FakeClock()
    limiter = RateLimiter("live", clock=clock, margin=0.0)
    times = starts(limiter, clock, "GET", "stock_items", 400)
    assert times[:250] == [1000.0] * 250  # the burst goes at once
    assert times[250] == pytest.approx(1010.0)
    assert max_in_window(times, 10.0) <= 250
    assert max_in_window(times, 60.0) <= 1000
    assert max(times) - 1000.0 == pytest.approx(10.0)


def test_average_limit_is_shared_by_the_class_burst_is_per_endpoint() -> None:
    clock = FakeClock()
    limiter = RateLimiter("test", clock=clock, margin=0.0)
    items = starts(limiter, clock, "GET", "stock_items", 125)
    skus = starts(limiter, clock, "GET", "skus", 125)
    assert max(items) == max(skus) == 1000.0  # separate bursts
    more = starts(limiter, clock, "GET", "stock_locations", 400)
    everything = items + skus + more
    assert max_in_window(everything, 60.0) <= TEST["cacheable_read"].average
    assert max_in_window(more, 10.0) <= TEST["cacheable_read"].burst
    assert max(more) >= 1060.0  # 650 requests exceed 500 a minute


def test_writes_test_figures() -> None:
    clock = FakeClock()
    limiter = RateLimiter("auto", clock=clock, margin=0.0)  # test figures until a live token says otherwise
    times = starts(limiter, clock, "PATCH", "stock_items", 60)
    assert max_in_window(times, 10.0) <= 25
    assert times[25] == pytest.approx(1010.0)
    assert times[50] == pytest.approx(1020.0)
    limiter.set_environment(test=False)
    assert limiter.limits("write") == LIVE["write"]


def test_time_passing_frees_the_window() -> None:
    clock = FakeClock()
    limiter = RateLimiter("test", clock=clock, margin=0.0)
    starts(limiter, clock, "GET", "addresses", 25)
    assert limiter.reserve("GET", "addresses") == pytest.approx(10.0)
    clock.now += 30
    assert limiter.reserve("GET", "addresses") == 0.0


def test_headers_switch_to_live_figures_and_book_unknown_requests() -> None:
    clock = FakeClock()
    limiter = RateLimiter("auto", clock=clock, margin=0.0)
    limiter.reserve("GET", "stock_items")
    headers = {"x-ratelimit-limit": "1000", "x-ratelimit-interval": "60", "x-ratelimit-remaining": "899"}
    limiter.observe("GET", "stock_items", headers)
    assert limiter.limits("cacheable_read") == LIVE["cacheable_read"]
    # The server counted 101 requests, we knew of 1: 100 more are booked, so only 899 remain this minute.
    times = starts(limiter, clock, "GET", "skus", 1000)
    within = [t for t in times if t < clock.now + 60]
    assert len(within) <= 899


def test_block_after_429_and_off_mode() -> None:
    clock = FakeClock()
    limiter = RateLimiter("live", clock=clock)
    limiter.block("GET", "stock_items", 3.0)
    assert limiter.reserve("GET", "stock_items") == pytest.approx(3.0)
    assert limiter.reserve("GET", "addresses") == 0.0  # other classes unaffected
    off = RateLimiter("off", clock=clock)
    assert all(off.reserve("GET", "stock_items") == 0.0 for _ in range(5000))
    with pytest.raises(ValueError, match="rate_limits"):
        RateLimiter("fast")


def test_token_endpoint_limit() -> None:
    clock = FakeClock()
    limiter = RateLimiter("off", clock=clock, margin=0.0)
    waits = [limiter.reserve_token() for _ in range(31)]
    assert waits[:30] == [0.0] * 30
    assert waits[30] == pytest.approx(60.0)


def test_windows_count_from_the_answer() -> None:
    """A slow server counted the requests late: the next window opens a full interval after the answers."""
    clock = FakeClock()
    limiter = RateLimiter("test", clock=clock, margin=0.0)
    bookings = [limiter.book("GET", "addresses") for _ in range(25)]
    assert all(b is not None and b.delay == 0.0 for b in bookings)
    clock.now += 2.0  # the answers arrive two seconds later
    for booking in bookings:
        limiter.complete(booking)
    assert limiter.reserve("GET", "addresses") == pytest.approx(10.0)  # 1012 - 1002
    clock.now += 10.0
    assert limiter.reserve("GET", "addresses") == 0.0
    off = RateLimiter("off", clock=clock)
    assert off.book("GET", "addresses") is None
    off.complete(None)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(0.0, 0.2),  # gap before the caller wants to send
            st.sampled_from(["addresses", "stock_transfers"]),
            st.floats(0.0, 3.0),  # latency: the answer comes this long after sending
            st.floats(0.0, 1.0),  # where in that time the server counted it
        ),
        min_size=30,
        max_size=160,
    )
)
def test_the_server_never_counts_a_window_overrun(requests: list[tuple[float, str, float, float]]) -> None:
    """Simulated in time order: bookings, wake-ups, sends and answers; server arrivals anywhere between send and
    answer. However the latencies fall (below a window's length), no server-side window holds too many."""
    clock = FakeClock()
    limiter = RateLimiter("test", clock=clock, margin=0.001)
    events: list[tuple[float, int, str, int]] = []
    order = 0

    def push(at: float, kind: str, index: int) -> None:
        nonlocal order
        order += 1
        heapq.heappush(events, (at, order, kind, index))

    moment = clock.now
    for index, (gap, _, _, _) in enumerate(requests):
        moment += gap
        push(moment, "want", index)
    bookings: dict[int, Booking] = {}
    arrivals: dict[str, list[float]] = {"addresses": [], "stock_transfers": []}
    while events:
        at, _, kind, index = heapq.heappop(events)
        clock.now = at
        _, type_, latency, fraction = requests[index]
        if kind == "want":
            booking = limiter.book("GET", type_)
            assert booking is not None
            bookings[index] = booking
            push(booking.start, "wake" if booking.delay > 0 else "send", index)
        elif kind == "wake":
            more = limiter.recheck(bookings[index])
            push(at + more, "wake" if more > 0 else "send", index)
        elif kind == "send":
            arrivals[type_].append(at + fraction * latency)
            push(at + latency, "done", index)
        else:
            limiter.complete(bookings[index])
    limits = TEST["uncacheable_read"]
    for times in arrivals.values():
        assert max_in_window(times, limits.burst_interval) <= limits.burst
    everything = arrivals["addresses"] + arrivals["stock_transfers"]
    assert max_in_window(everything, limits.average_interval) <= limits.average
