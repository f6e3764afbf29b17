"""Where-is-my-stock figures on a cache of 100,000 stock items (10,000 SKUs in 10 locations; 30 % of the items
with a reorder point of their own, 20 % of the SKUs with a default, 5 % of the items with reserved stock):

* a SKU's availability, from its code to every model's locations, totals and "ships from" (goal < 20 ms);
* the low-stock list of every location (goal < 200 ms) and the Overview's figures per location (goal < 200 ms);
* the same low-stock list read without the ``stock_item_figures`` index, parsing every row (what the index saves);
* what the index costs a sync: writing 10,000 stock items with it, over writing them without it.

Times are wall-clock medians of several runs in one process (the machine is shared; the CPU time is printed too).
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from desktop_app.inventory import StockFigures, low_stock, overview, sku_availability
from desktop_app.sandbox.seeds import generate
from desktop_app.store import Cache

ROWS = 100_000
WRITE_ROWS = 10_000
RUNS = 7


def figure(name: str, value: float, unit: str, goal: str, ok: bool) -> None:
    print(f"FIGURE {name} = {value:.3f} {unit} goal {goal} {'ok' if ok else 'MISSED'}", flush=True)


def records(seed: dict[str, list[dict[str, Any]]], type_: str) -> list[Any]:
    return [
        SimpleNamespace(type=type_, id=r["id"], attributes=r["attributes"], relationships=r["relationships"])
        for r in seed[type_]
    ]


def build(path: Path) -> list[str]:
    """The bench cache, written through the store as a sync would; returns the SKU codes."""
    seed = generate(f"bench:{ROWS}")
    rng = random.Random(18)
    for item in seed["stock_items"]:
        if rng.random() < 0.3:
            item["attributes"]["metadata"] = {"reorder_point": rng.randrange(40), "target_level": 150}
    for sku in seed["skus"]:
        if rng.random() < 0.2:
            sku["attributes"]["metadata"] = {"reorder_point": rng.randrange(30)}
    seed["reserved_stocks"] = [
        {
            "id": f"RS{index:08d}",
            "attributes": {"quantity": rng.randrange(1, 20), "metadata": {}},
            "relationships": {"stock_item": item["id"], "sku": item["relationships"]["sku"]},
        }
        for index, item in enumerate(seed["stock_items"])
        if rng.random() < 0.05
    ]
    with Cache.open(path) as cache:
        for type_ in ("stock_locations", "skus", "inventory_models", "inventory_stock_locations", "stock_items"):
            store(cache, records(seed, type_))
        store(cache, records(seed, "reserved_stocks"))
    return [sku["attributes"]["code"] for sku in seed["skus"]]


def store(cache: Cache, rows: list[Any]) -> None:
    if not rows:
        return
    generation = cache.sync_state.begin_full_sync(rows[0].type)
    for start in range(0, len(rows), 5000):
        cache.records.store_page(rows[start : start + 5000], generation)
    cache.sync_state.finish_full_sync(rows[0].type, generation, server_count=len(rows))


def timed(work: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    """Median wall and CPU milliseconds of ``work``."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


def unindexed_low_stock(path: Path) -> int:
    """The low-stock candidates the way a query without the figures index reads them: every row's JSON."""
    db = sqlite3.connect(path)
    try:
        rows = db.execute(
            "SELECT i.id, json_extract(i.attributes, '$.quantity'), json_extract(i.attributes, "
            "'$.metadata.reorder_point'), json_extract(s.attributes, '$.metadata.reorder_point') "
            "FROM records AS i NOT INDEXED LEFT JOIN records AS s ON s.type = 'skus' "
            "AND s.id = json_extract(i.relationships, '$.sku') WHERE i.type = 'stock_items' AND i.deleted = 0"
        ).fetchall()
    finally:
        db.close()
    return len(rows)


def write_cost(folder: Path) -> float:
    """CPU seconds to write 10,000 stock items with the figures index, over the same without it; median of
    alternating rounds."""
    rows = records(generate(f"bench:{WRITE_ROWS}"), "stock_items")
    without = "DROP INDEX stock_item_figures"

    def once(name: str, script: str | None) -> float:
        path = folder / f"{name}-{time.monotonic_ns()}.sqlite3"
        with Cache.open(path) as cache:
            if script:
                db = sqlite3.connect(path)
                db.executescript(script)
                db.close()
            generation = cache.sync_state.begin_full_sync("stock_items")
            started = time.process_time()
            for start in range(0, len(rows), 250):
                cache.records.store_page(rows[start : start + 250], generation)
            return time.process_time() - started

    ratios = []
    for _ in range(5):
        ratios.append(once("with", None) / once("without", without))
    return statistics.median(ratios)


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="stockroom-bench-inventory-"))
    try:
        path = folder / "cache.sqlite3"
        started = time.perf_counter()
        codes = build(path)
        print(f"cache of {ROWS:,} stock items written in {time.perf_counter() - started:.1f} s", flush=True)
        rng = random.Random(7)
        with StockFigures(path) as figures:
            picks = iter(rng.sample(codes, RUNS * 3))
            timed(lambda: sku_availability(figures, next(picks)), runs=2)  # the first look-ups open the file
            wall, cpu = timed(lambda: sku_availability(figures, next(picks)), runs=RUNS * 2)
            print(f"availability: {wall:.2f} ms wall, {cpu:.2f} ms CPU", flush=True)
            figure("sku_availability_100k_items", wall, "ms", "< 20", wall < 20)
            count = len(low_stock(figures))
            low_wall, cpu = timed(lambda: low_stock(figures))
            print(f"low stock ({count:,} items): {low_wall:.1f} ms wall, {cpu:.1f} ms CPU", flush=True)
            figure("low_stock_list_100k_items", low_wall, "ms", "< 200", low_wall < 200)
            wall, cpu = timed(lambda: overview(figures))
            print(f"overview: {wall:.1f} ms wall, {cpu:.1f} ms CPU", flush=True)
            figure("overview_figures_100k_items", wall, "ms", "< 200", wall < 200)
        bare, _ = timed(lambda: unindexed_low_stock(path), runs=3)
        print(f"the same rows read without the figures index: {bare:.1f} ms wall", flush=True)
        figure("low_stock_without_index_over_with", bare / low_wall, "x", "> 1 (the index pays)", bare > low_wall)
        ratio = write_cost(folder)
        figure("stock_item_write_cost_with_figures_index", ratio, "x", "<= 1.5", ratio <= 1.5)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
