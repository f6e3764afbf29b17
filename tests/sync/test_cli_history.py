"""``stockroom history`` and ``stockroom changes`` as a person runs them: subprocesses over the sandbox, then
offline (without the secret) from what the cache kept."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from desktop_app.store import Cache
from tests.support.sandbox import SandboxProcess
from tests.sync.test_cli import Cli


@pytest.fixture
def cli(fresh_sandbox: SandboxProcess, tmp_path: Path) -> Cli:
    return Cli(fresh_sandbox, tmp_path)


def _first_item(cli: Cli) -> tuple[str, int]:
    with Cache.open(cli.cache_file) as cache:
        item = cache.records.find("stock_items", order_by="id")[0]
        return item.id, int(item.attributes["quantity"])


def test_history_text_and_json_then_offline_from_the_cache(cli: Cli) -> None:
    assert cli.run("sync").returncode == 0
    item_id, before = _first_item(cli)
    assert cli.run("update", "stock_items", item_id, "--set", "quantity=12345").returncode == 0
    done = cli.run("history", "stock_items", item_id)
    assert done.returncode == 0, done.stderr
    assert f"Quantity {before:,} → 12,345" in done.stdout and "updated by" in done.stdout
    shown = json.loads(cli.run("history", "stock_items", item_id, "--format", "json").stdout)
    assert shown["versions"][0]["changes"]["quantity"] == [before, 12345] and shown["not_sent"] == []
    # Who: the API client by its name (what ``GET /api/application`` calls it), never its id.
    application = shown["versions"][0]["who"]["application"]
    assert shown["versions"][0]["by"] == application["name"] == "Stockroom sandbox"
    assert "updated by Stockroom sandbox" in done.stdout and application["id"] not in done.stdout
    # Offline: a queued edit on top as not sent yet, then the versions kept by the fetch.
    assert cli.run("update", "stock_items", item_id, "--set", "quantity=7", "--offline").returncode == 0
    offline = cli.run("history", "stock_items", item_id, secret=False)
    assert offline.returncode == 0, offline.stderr
    lines = offline.stdout.splitlines()
    assert lines[1].startswith("not sent yet") and "Quantity 12,345 → 7" in lines[2]
    assert f"Quantity {before:,} → 12,345" in offline.stdout
    assert "updated by Stockroom sandbox" in offline.stdout, "the name is kept with the history, for offline"


def test_changes_lists_what_the_last_sync_changed_in_every_format(cli: Cli) -> None:
    assert cli.run("sync").returncode == 0
    none = cli.run("changes", secret=False)
    assert none.returncode == 0 and "No changes recorded" in none.stdout
    with Cache.open(cli.cache_file) as cache:
        items = cache.records.find("stock_items", order_by="id")[:2]
    big, small = items
    # Changed on the server by someone else: a second profile's cache would not see it, so edit through a
    # separate data folder's command (its own cache), then sync ours.
    other = Cli(cli.sandbox, cli.cache_file.parents[2] / "other")
    assert other.run("sync", "--resources", "stock_items").returncode == 0
    assert other.run("update", "stock_items", big.id, "--set", "quantity=0").returncode == 0
    assert (
        other.run("update", "stock_items", small.id, "--set", f"quantity={small.attributes['quantity'] + 1}").returncode
        == 0
    )
    synced = cli.run("sync")
    assert synced.returncode == 0 and "2 stock items changed" in synced.stdout
    text = cli.run("changes", secret=False)
    assert text.returncode == 0 and "Stock items (2)" in text.stdout
    assert f"Quantity {big.attributes['quantity']:,} → 0" in text.stdout
    rows = list(csv.DictReader(io.StringIO(cli.run("changes", "--format", "csv", secret=False).stdout)))
    assert [r["id"] for r in rows] == [big.id, small.id], "biggest drop first"
    assert int(rows[0]["quantity_change"]) == -big.attributes["quantity"]
    data = json.loads(cli.run("changes", "--last", "3", "--format", "json", secret=False).stdout)
    assert {d["id"] for d in data} == {big.id, small.id} and all(d["event"] == "update" for d in data)
    assert json.loads(cli.run("changes", "--since", "2999-01-01", "--format", "json", secret=False).stdout) == []
    bad = cli.run("changes", "--since", "yesterday-ish", secret=False)
    assert bad.returncode == 2 and "since" in bad.stderr
