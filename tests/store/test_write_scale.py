"""A full sync's page writes must cost the same with many rows stored as with few (a million items take
forty thousand of them): SQLite's own instruction count per page, read through its progress handler."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from desktop_app.api.records import Record, parse_page
from desktop_app.store import Cache, cache_path

PAGE = 25


def decode(text: str) -> list[Record]:
    return parse_page(json.loads(text), 1).records


def page(ids: list[str]) -> str:
    """A list document of stock items with random-looking ids, their SKU and location included (as the sync asks)."""
    data: list[dict[str, Any]] = []
    for n, record_id in enumerate(ids):
        data.append(
            {
                "id": record_id,
                "type": "stock_items",
                "attributes": {"quantity": n, "updated_at": "2024-01-01T00:00:00.000Z", "metadata": {}},
                "relationships": {
                    "sku": {"data": {"type": "skus", "id": f"sku{n % 40}"}},
                    "stock_location": {"data": {"type": "stock_locations", "id": f"loc{n % 5}"}},
                },
            }
        )
    return json.dumps({"data": data, "meta": {"record_count": len(ids), "page_count": 1}})


def random_ids(generator: random.Random, count: int) -> list[str]:
    return ["".join(generator.choices("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz", k=10)) for _ in range(count)]


def instructions_per_page(cache: Cache, generation: int, generator: random.Random, pages: int = 8) -> float:
    """SQLite virtual-machine steps (in thousands) to write one more page of new items, averaged over ``pages``."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    connection = cache.database.connection
    connection.set_progress_handler(count, 1000)
    try:
        for _ in range(pages):
            cache.records.store_documents(
                "stock_items", [page(random_ids(generator, PAGE))], generation, decode, ["sku", "stock_location"]
            )
    finally:
        connection.set_progress_handler(None, 0)
    return steps / pages


def test_writing_a_page_costs_no_more_with_ten_times_the_rows_stored(tmp_path: Path) -> None:
    generator = random.Random(16)
    cache = Cache.open(cache_path(tmp_path, "scale"))
    try:
        generation = cache.sync_state.begin_full_sync("stock_items")
        cache.records.store_documents(
            "stock_items",
            [page(random_ids(generator, PAGE)) for _ in range(80)],
            generation,
            decode,
            ["sku", "stock_location"],
        )
        few = instructions_per_page(cache, generation, generator)
        cache.records.store_documents(
            "stock_items",
            [page(random_ids(generator, PAGE)) for _ in range(720)],
            generation,
            decode,
            ["sku", "stock_location"],
        )
        many = instructions_per_page(cache, generation, generator)
        assert cache.records.count("stock_items") == 800 * PAGE + 16 * PAGE
    finally:
        cache.close()
    # B-tree inserts grow with the logarithm of the rows: a little, never tenfold.
    assert many < few * 1.5, (few, many)


def resident_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_batches_of_every_size_do_not_leave_copies_of_their_pages_behind(tmp_path: Path) -> None:
    """The writer's batches vary in size; SQLite statements keep their last bound pages, so one statement text
    per size would keep a copy of every batch size's pages for the life of the connection."""
    generator = random.Random(7)
    padding = "x" * 30_000  # a page of stock items with links and metadata is about 35 kB
    cache = Cache.open(cache_path(tmp_path, "memory"))
    try:
        generation = cache.sync_state.begin_full_sync("stock_items")
        before = resident_mb()
        for size in range(1, 61):
            texts = [page(random_ids(generator, 2)).replace('"metadata": {}', f'"metadata": {{"p": "{padding}"}}')]
            cache.records.store_documents("stock_items", texts * size, generation, decode, ["sku"])
        grown = resident_mb() - before
        assert cache.records.count("stock_items") == 120
    finally:
        cache.close()
    # Copies of 1 + 2 + ... + 60 pages of 30 kB would be 55 MB.
    assert grown < 25, grown
