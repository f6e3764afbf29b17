"""The preview of a spreadsheet import: 10,000 stock-item rows (a third of them changing the quantity, names and
codes in mixed case) against a cache of 100,000 stock items (goal < 1 s, from the file's text to every change).

Times are wall-clock medians of several runs in one process (the machine is shared; the CPU time is printed too).
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

from desktop_app.imports import build_preview, read_csv_text
from desktop_app.store import Cache
from tests.bench.bench_data import copy_cache

ROWS = 100_000
FILE_ROWS = 10_000
RUNS = 5


def sheet_text(cache: Cache) -> str:
    """A file as a supplier sends it: SKU codes, locations by code or by name, a third of the quantities new."""
    skus = {r[0]: r[1] for r in cache.records.columns("skus", ["code"])}
    locations = {r[0]: (r[1], r[2]) for r in cache.records.columns("stock_locations", ["code", "name"])}
    rng = random.Random(17)
    items = rng.sample(cache.records.find("stock_items"), FILE_ROWS)
    lines = ["SKU code;Stock location;Quantity"]
    for index, item in enumerate(items):
        code, name = locations[str(item.relationships["stock_location"])]
        where = (code or name) if index % 2 else name.upper()
        quantity = int(item.attributes.get("quantity") or 0) + (index % 3 == 0)
        lines.append(f"{skus[str(item.relationships['sku'])]};{where};{quantity}")
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


def main() -> None:
    path = copy_cache(ROWS, Path(tempfile.mkdtemp()) / "imports.sqlite3")
    with Cache.open(path) as cache:
        text = sheet_text(cache)
        walls: list[float] = []
        cpus: list[float] = []
        for _ in range(RUNS):
            wall, cpu = time.perf_counter(), time.process_time()
            preview = build_preview(cache.records, "stock_items", read_csv_text(text.removeprefix("\ufeff")))
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        assert not preview.errors, preview.errors[:3]
        assert len(preview.updates) == FILE_ROWS // 3 + 1, len(preview.updates)
    median = statistics.median(walls)
    print(f"cpu median {statistics.median(cpus):.3f} s; runs {', '.join(f'{w:.3f}' for w in walls)} s")
    ok = median < 1.0
    print(f"FIGURE import preview 10,000 rows / 100,000 items = {median:.3f} s goal < 1 s {'ok' if ok else 'MISSED'}")


if __name__ == "__main__":
    main()
