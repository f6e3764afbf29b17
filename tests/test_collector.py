"""The collector's pause nests, across threads, and leaves the collector as it found it."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import SimpleNamespace

import pytest

from desktop_app.collector import collector_paused
from desktop_app.store import Cache
from desktop_app.sync import BatchEdit, Editor
from desktop_app.sync.batch_worker import queue_batch_at


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.enable()
    yield
    if enabled:
        gc.enable()
    else:
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


def test_the_writer_threads_batch_work_runs_with_the_collector_paused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Cache.open(tmp_path / "cache.sqlite3").close()
    seen: list[bool] = []

    def queue_batch(editor: Editor, name: str, edits: Sequence[BatchEdit]) -> SimpleNamespace:
        seen.append(gc.isenabled())
        return SimpleNamespace(id="batch")

    monkeypatch.setattr(Editor, "queue_batch", queue_batch)

    def edits() -> list[BatchEdit]:  # a preview's changes, made in the worker
        seen.append(gc.isenabled())
        return []

    assert queue_batch_at(tmp_path / "cache.sqlite3", "Paused", edits) == "batch"
    assert seen == [False, False] and gc.isenabled()


def test_decoding_rows_does_not_end_a_pause_another_thread_took_meanwhile() -> None:
    """The cache's row decoding pauses through the same counter: a pause another thread takes while rows are decoded
    still holds when the decoding ends."""
    from desktop_app.store.record_store import _decode_rows

    entered, leave = threading.Event(), threading.Event()

    def other() -> None:
        with collector_paused():
            entered.set()
            leave.wait(5)

    worker = threading.Thread(target=other)

    class Row(tuple):  # type: ignore[type-arg]
        def __getitem__(self, index: object) -> object:
            if index == 4 and not worker.is_alive():  # mid-decoding: the other thread pauses now
                worker.start()
                assert entered.wait(5)
            return tuple.__getitem__(self, index)  # type: ignore[index]

    rows = [Row(("id1", "stock_items", '{"quantity": 1}', "{}", None, "2026-12-06T10:00:00Z", 0, 0))]
    assert gc.isenabled()
    records = _decode_rows(rows)
    assert records[0].attributes == {"quantity": 1}
    assert not gc.isenabled(), "the other thread's pause still holds"
    leave.set()
    worker.join(5)
    assert gc.isenabled()


def test_a_hold_lasts_until_its_release_whatever_pauses_end_inside_it() -> None:
    """``python -m desktop_app`` holds the collector from its first import; a pause begun and ended meanwhile (the
    window plan's, which releases the hold after the first frame) does not end it, and a second release does nothing."""
    from desktop_app import collector

    collector.hold()
    collector.hold()
    with collector_paused():
        pass
    assert not gc.isenabled()
    collector.release()
    assert gc.isenabled()
    collector.release()
    assert gc.isenabled()


def test_a_command_runs_with_the_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    from desktop_app import cli, collector

    seen: list[bool] = []

    def handler(args: argparse.Namespace) -> int:
        seen.append(gc.isenabled())
        return 0

    parser = argparse.ArgumentParser()
    parser.add_argument("command")
    parser.set_defaults(handler=handler, verbose=0)
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    collector.hold()
    assert cli.main(["anything"]) == 0
    assert seen == [True]
