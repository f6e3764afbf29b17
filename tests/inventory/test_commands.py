"""``stockroom availability`` and ``stockroom low-stock`` as a person or a cron job runs them: subprocesses that read
the cache a sync left, without the secret (offline)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from desktop_app.inventory import StockFigures, low_stock, sku_availability
from desktop_app.sandbox.seeds import SAMPLE_SKU_CODE
from desktop_app.store import Cache
from tests.support.sandbox import SandboxProcess
from tests.sync.test_cli import Cli

LOCATION_KEYS = {"id", "name", "priority", "quantity", "reserved", "available", "on_hold", "counted"}


@pytest.fixture(scope="module")
def synced(sandbox: SandboxProcess, tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """One sync of the demo for the module; every command after it runs without the secret."""
    sandbox.reset()
    cli = Cli(sandbox, tmp_path_factory.mktemp("inventory-cli"))
    done = cli.run("sync")
    assert done.returncode == 0, done.stderr
    return cli


def test_availability_json_has_exactly_the_documented_shape(synced: Cli) -> None:
    done = synced.run("availability", SAMPLE_SKU_CODE, "--format", "json", secret=False)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {"sku", "inventory_models"}
    assert set(data["sku"]) == {"id", "code", "name"} and data["sku"]["code"] == SAMPLE_SKU_CODE
    assert len(data["inventory_models"]) == 3
    for model in data["inventory_models"]:
        assert set(model) == {"id", "name", "strategy", "available", "ships_from", "locations"}
        assert model["ships_from"] is None or set(model["ships_from"]) == {"id", "name"}
        assert all(set(location) == LOCATION_KEYS for location in model["locations"])
        priorities = [location["priority"] for location in model["locations"]]
        assert priorities == sorted(priorities), "shipping order"
        counted = [location["counted"] for location in model["locations"]]
        assert counted == sorted(counted, reverse=True), "the counted ones first, then those past the cutoff"
        assert model["available"] == sum(loc["available"] for loc in model["locations"] if loc["counted"])
        for location in model["locations"]:
            assert location["available"] == location["quantity"] - location["reserved"]
    with Cache.open(synced.cache_file) as cache, StockFigures(cache.path) as figures:
        expected = sku_availability(figures, SAMPLE_SKU_CODE)
    assert [m["id"] for m in data["inventory_models"]] == [m.id for m in expected.models]
    ships = [m.ships_from.location_id if m.ships_from else None for m in expected.models]
    assert [m["ships_from"]["id"] if m["ships_from"] else None for m in data["inventory_models"]] == ships


def test_availability_text_names_the_locations_and_where_the_order_ships_from(synced: Cli) -> None:
    done = synced.run("availability", SAMPLE_SKU_CODE.lower(), "--inventory-model", "EU Warehouses", secret=False)
    assert done.returncode == 0, done.stderr
    assert SAMPLE_SKU_CODE in done.stdout and "EU Warehouses" in done.stdout and "US Fulfilment" not in done.stdout
    assert "Milan Central Warehouse (MIL-01)" in done.stdout and "ships from" in done.stdout
    assert "Total counted" in done.stdout


def test_availability_bad_input_is_one_line_naming_the_field_and_exit_2(synced: Cli) -> None:
    for args, field in [
        (("availability", "NO-SUCH-CODE"), "SKU_CODE"),
        (("availability", SAMPLE_SKU_CODE, "--inventory-model", "Mars"), "inventory-model"),
        (("availability", SAMPLE_SKU_CODE, "--quantity", "0"), "quantity"),
        (("low-stock", "--location", "Atlantis"), "location"),
    ]:
        done = synced.run(*args, secret=False)
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.startswith(f"stockroom: {field} - ") and done.stderr.count("\n") == 1, done.stderr


def test_low_stock_lists_the_same_items_in_every_format_and_exits_0(synced: Cli) -> None:
    with Cache.open(synced.cache_file) as cache, StockFigures(cache.path) as figures:
        expected = low_stock(figures)
    assert expected, "the demo keeps reorder points in metadata"
    as_json = synced.run("low-stock", "--format", "json", secret=False)
    assert as_json.returncode == 0, as_json.stderr
    rows = json.loads(as_json.stdout)
    keys = {"stock_item_id", "sku_code", "stock_location", "available", "reorder_point"}
    assert all(set(row) == keys for row in rows)
    assert [row["stock_item_id"] for row in rows] == [item.stock_item_id for item in expected]
    assert all(row["available"] <= row["reorder_point"] for row in rows)
    as_csv = synced.run("low-stock", "--format", "csv", secret=False)
    table = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [row["stock_item_id"] for row in table] == [item.stock_item_id for item in expected]
    text = synced.run("low-stock", secret=False)
    assert text.returncode == 0 and f"{len(expected):,} stock items at or below the reorder point." in text.stdout


def test_low_stock_of_one_location_by_code(synced: Cli) -> None:
    done = synced.run("low-stock", "--location", "ber-01", "--format", "json", secret=False)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert rows and {row["stock_location"] for row in rows} == {"Berlin Hub"}
