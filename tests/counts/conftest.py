"""The small warehouse of the inventory tests, in a real cache file, for counts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.store import Cache, cache_path
from tests.inventory.conftest import warehouse_records


def fill(cache: Cache) -> None:
    records = warehouse_records()
    for type_ in dict.fromkeys(r.type for r in records):
        generation = cache.sync_state.begin_full_sync(type_)
        cache.records.store_page([r for r in records if r.type == type_], generation)
        cache.sync_state.finish_full_sync(type_, generation)


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Cache]:
    cache = Cache.open(cache_path(tmp_path, "counts"))
    fill(cache)
    yield cache
    cache.close()
