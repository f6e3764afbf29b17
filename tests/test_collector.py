"""The collector's pause nests, across threads, and leaves the collector as it found it."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from desktop_app.collector import collector_paused


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.enable()
    yield
    if not enabled:
        gc.disable()


def test_the_collector_runs_again_once_the_last_pause_ends_in_any_thread() -> None:
    inner_in, inner_out = threading.Event(), threading.Event()

    def other() -> None:
        with collector_paused():
            inner_in.set()
            inner_out.wait(5)

    with collector_paused():
        assert not gc.isenabled()
        worker = threading.Thread(target=other)
        worker.start()
        assert inner_in.wait(5)
    assert not gc.isenabled()  # the other thread's pause still holds
    inner_out.set()
    worker.join(5)
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()
