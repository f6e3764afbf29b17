"""Stock transfers from the command line, as a person runs it against the sandbox: created and moved through their
life cycle with the same commands and rules as every other type, synced, exported and counted in the status."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from desktop_app.store import Cache
from tests.support.sandbox import SandboxProcess
from tests.sync.test_cli import Cli


@pytest.fixture
def cli(fresh_sandbox: SandboxProcess, tmp_path: Path) -> Cli:
    return Cli(fresh_sandbox, tmp_path)


def quantities(cli: Cli, sku: str) -> dict[str, int]:
    """The SKU's stock per location, as ``export stock_items`` prints it from the cache (no server asked)."""
    done = cli.run("export", "stock_items", secret=False)
    assert done.returncode == 0, done.stderr
    rows = csv.DictReader(io.StringIO(done.stdout))
    return {row["stock_location_id"]: int(row["quantity"]) for row in rows if row["sku_id"] == sku}


def test_sync_status_and_export_include_stock_transfers(cli: Cli) -> None:
    synced = cli.run("sync")
    assert synced.returncode == 0, synced.stderr
    assert "stock_transfers: full" in synced.stdout
    assert "stock_transfers" in cli.run("status", secret=False).stdout
    exported = cli.run("export", "stock_transfers", "--format", "json", secret=False)
    transfers: list[dict[str, Any]] = json.loads(exported.stdout)
    assert len(transfers) == Cache.open(cli.cache_file).records.count("stock_transfers") > 0
    assert {t["attributes"]["status"] for t in transfers} >= {"draft", "in_transit", "completed"}


def test_a_transfer_created_and_completed_from_the_command_line_moves_the_stock(cli: Cli) -> None:
    assert cli.run("sync").returncode == 0
    cache = Cache.open(cli.cache_file)
    item = max(cache.records.find("stock_items"), key=lambda r: r.attributes["quantity"])
    sku, origin = item.relationships["sku"], item.relationships["stock_location"]
    destination = next(r.id for r in cache.records.find("stock_locations") if r.id != origin)
    cache.close()
    before = quantities(cli, sku)

    created = cli.run(
        "create",
        "stock_transfers",
        "--set",
        "quantity=5",
        "--rel",
        f"sku={sku}",
        "--rel",
        f"origin_stock_location={origin}",
        "--rel",
        f"destination_stock_location={destination}",
    )
    assert created.returncode == 0, created.stderr
    transfer_id = created.stdout.split()[-1]
    exported = json.loads(cli.run("export", "stock_transfers", "--format", "json", secret=False).stdout)
    assert next(t for t in exported if t["id"] == transfer_id)["attributes"]["status"] == "draft"

    for trigger in ("_upcoming", "_picking", "_in_transit", "_complete"):
        done = cli.run("update", "stock_transfers", transfer_id, "--set", f"{trigger}=true")
        assert done.returncode == 0, (trigger, done.stderr)
    assert "refreshed stock_items" in done.stderr
    after = quantities(cli, sku)
    assert after[origin] == before[origin] - 5
    assert after[destination] == before.get(destination, 0) + 5

    refused = cli.run("update", "stock_transfers", transfer_id, "--set", "_cancel=true")
    assert refused.returncode == 1 and "refused" in refused.stderr, refused.stderr
    assert quantities(cli, sku) == after


def test_a_transfer_missing_a_location_is_refused_naming_it(cli: Cli) -> None:
    assert cli.run("sync", "--resources", "skus,stock_locations,stock_transfers").returncode == 0
    sku = Cache.open(cli.cache_file).records.find("skus")[0].id
    done = cli.run("create", "stock_transfers", "--set", "quantity=5", "--rel", f"sku={sku}")
    assert done.returncode == 2
    assert "stock_location" in done.stderr and len(done.stderr.strip().splitlines()) == 1
