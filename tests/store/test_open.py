"""When opening a cache checks every page: only when the file may have changed outside a clean session."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from desktop_app.store import Cache, cache_path, database


@pytest.fixture
def full_checks(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each open ran ``PRAGMA quick_check`` over the whole file."""
    seen: list[bool] = []
    check = database._check

    def recording(db: sqlite3.Connection, *, full: bool = True) -> int:
        seen.append(full)
        return check(db, full=full)

    monkeypatch.setattr(database, "_check", recording)
    return seen


def filled(tmp_path: Path) -> Path:
    path = cache_path(tmp_path, "p")
    with Cache.open(path) as cache:
        cache.records.store_page([_Item(f"i{n}") for n in range(50)])
    return path


class _Item:
    type = "stock_items"

    def __init__(self, record_id: str) -> None:
        self.id = record_id
        self.attributes = {"quantity": 1, "updated_at": "2024-01-01T00:00:00.000Z"}
        self.relationships: dict[str, str | list[str] | None] = {"sku": "s"}


def test_a_file_left_by_a_clean_close_opens_without_the_full_check(tmp_path: Path, full_checks: list[bool]) -> None:
    path = filled(tmp_path)  # created here: nothing to check
    assert full_checks == []
    Cache.open(path).close()
    with Cache.open(path) as cache:
        assert cache.records.count("stock_items") == 50
    assert full_checks == [False, False]


def test_a_session_that_did_not_close_is_followed_by_the_full_check(tmp_path: Path, full_checks: list[bool]) -> None:
    path = filled(tmp_path)
    crashed = Cache.open(path)
    crashed.database.connection.close()  # the process died: the sidecar still says the file is in use
    Cache.open(path).close()
    assert full_checks == [False, True]


def test_a_file_changed_by_another_program_or_not_checked_for_a_week_is_checked(
    tmp_path: Path, full_checks: list[bool]
) -> None:
    path = filled(tmp_path)
    Cache.open(path).close()
    other = sqlite3.connect(path)
    other.execute("UPDATE records SET seen_at = 'x'")
    other.commit()
    other.close()
    Cache.open(path).close()
    Cache.open(path).close()
    state_file = path.with_name(path.name + ".state")
    state = json.loads(state_file.read_text())
    state_file.write_text(json.dumps({**state, "checked_at": state["checked_at"] - database.CHECK_EVERY - 1}))
    Cache.open(path).close()
    assert full_checks == [False, True, False, True]


def test_another_session_still_open_means_the_full_check(tmp_path: Path, full_checks: list[bool]) -> None:
    path = filled(tmp_path)
    window = Cache.open(path)
    window.records.store_page([_Item("new")])
    Cache.open(path).close()  # the command line while the window runs: the window's WAL is there
    window.close()
    assert full_checks == [False, True]
