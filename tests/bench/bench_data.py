"""A cache of a ``bench:N`` seed written straight through the store (no sandbox, no HTTP), kept under /tmp.

Building a million stock items takes a minute and a gigabyte (the seed generator holds every record), so the file is
built once per seed size and schema version and copied for each use; every bench that needs it shares it.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

from desktop_app.store import SCHEMA_VERSION, Cache

#: Where built caches are kept between runs (``STOCKROOM_BENCH_DATA`` overrides it).
FOLDER = Path(os.environ.get("STOCKROOM_BENCH_DATA", Path(tempfile.gettempdir()) / "stockroom-bench-data"))
TYPES = ("stock_locations", "skus", "inventory_models", "inventory_stock_locations", "stock_items", "reserved_stocks")
BATCH = 5000


def _write(path: Path, rows: int) -> None:
    from desktop_app.sandbox.seeds import generate

    seed = generate(f"bench:{rows}")
    with Cache.open(path) as cache:
        for type_ in TYPES:
            records = seed.pop(type_, [])
            generation = cache.sync_state.begin_full_sync(type_)
            for start in range(0, len(records), BATCH):
                page = [
                    SimpleNamespace(
                        type=type_, id=r["id"], attributes=r["attributes"], relationships=r["relationships"]
                    )
                    for r in records[start : start + BATCH]
                ]
                cache.records.store_pages([page], generation)
            cache.sync_state.finish_full_sync(type_, generation, server_count=len(records))
            del records


def built_cache(rows: int) -> Path:
    """The kept cache of ``bench:rows`` (built now when missing)."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    path = FOLDER / f"bench-{rows}-v{SCHEMA_VERSION}.sqlite3"
    if not path.exists():
        partial = path.with_name(path.name + f".{os.getpid()}.partial")
        _write(partial, rows)
        for extra in ("-wal", "-shm", ".state"):
            Path(str(partial) + extra).unlink(missing_ok=True)
        os.replace(partial, path)
    return path


def copy_cache(rows: int, target: Path) -> Path:
    """A fresh copy of the kept cache at ``target`` (a bench may change its copy freely)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(built_cache(rows), target)
    return target


if __name__ == "__main__":
    print(built_cache(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
