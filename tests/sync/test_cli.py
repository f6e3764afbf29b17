"""The data commands as a person runs them: ``python -m desktop_app ...`` subprocesses against the sandbox."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from desktop_app.api import Endpoint
from desktop_app.connection import cache_key
from desktop_app.store import Cache, cache_path
from tests.support.sandbox import SandboxProcess, start_sandbox


class Cli:
    def __init__(self, sandbox: SandboxProcess, home: Path) -> None:
        self.sandbox = sandbox
        self.env = dict(
            os.environ,
            STOCKROOM_DATA_DIR=str(home / "data"),
            STOCKROOM_CONFIG_DIR=str(home / "config"),
            STOCKROOM_CLIENT_SECRET=sandbox.client_secret,
            PYTHONUNBUFFERED="1",
        )
        self.flags = ["--base-url", sandbox.url, "--client-id", sandbox.client_id]
        key = cache_key(Endpoint.custom(sandbox.url).base_url, sandbox.client_id)
        self.cache_file = cache_path(home / "data", key)

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "desktop_app", *args, *self.flags]

    def run(self, *args: str, secret: bool = True) -> subprocess.CompletedProcess[str]:
        env = dict(self.env)
        if not secret:
            env.pop("STOCKROOM_CLIENT_SECRET")
        done = subprocess.run(self.command(*args), check=False, capture_output=True, text=True, env=env, timeout=120)
        assert "Traceback" not in done.stderr, done.stderr
        return done

    def kill_when(self, args: Sequence[str], seen: Callable[[str], bool], timeout: float = 60) -> None:
        """Run ``stockroom ARGS``, kill it (``SIGKILL``) at the first line of its progress that ``seen`` accepts,
        and check the cache file it leaves is whole."""
        process = subprocess.Popen(
            self.command(*args), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=self.env
        )
        assert process.stderr is not None
        deadline = time.monotonic() + timeout
        for line in process.stderr:
            if seen(line):
                break
            assert time.monotonic() < deadline
        process.send_signal(signal.SIGKILL)
        process.wait()
        with sqlite3.connect(self.cache_file) as db:
            assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"


@pytest.fixture
def cli(fresh_sandbox: SandboxProcess, tmp_path: Path) -> Cli:
    return Cli(fresh_sandbox, tmp_path)


def test_sync_status_and_export_work_offline_afterwards(cli: Cli) -> None:
    synced = cli.run("sync")
    assert synced.returncode == 0, synced.stderr
    assert "stock_items: full" in synced.stdout
    assert "stock_items:" in synced.stderr  # progress, plain lines when not a terminal
    status = cli.run("status", secret=False)
    assert status.returncode == 0 and "pending edits: 0" in status.stdout
    exported = cli.run("export", "stock_levels", secret=False)
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert rows and {"id", "priority", "on_hold", "inventory_model_id", "stock_location_id"} <= set(rows[0])
    assert all(row["inventory_model_id"] for row in rows)
    as_json = cli.run("export", "skus", "--format", "json", secret=False)
    assert len(json.loads(as_json.stdout)) == Cache.open(cli.cache_file).records.count("skus")


def test_sync_loads_neither_qt_nor_the_editor_nor_spreadsheets(cli: Cli) -> None:
    """``stockroom sync`` as a cron job runs it: every module it loads is a cost of each run, so it loads the sync
    engine alone (no Qt, no openpyxl, none of the Editor's push and batch modules)."""
    script = (
        "import sys\nfrom desktop_app.cli import main\ncode = main(sys.argv[1:])\n"
        "print('MODULES', ' '.join(sorted(sys.modules)))\nraise SystemExit(code)"
    )
    command = [sys.executable, "-c", script, "sync", "--resources", "stock_items", *cli.flags]
    done = subprocess.run(command, check=False, capture_output=True, text=True, env=cli.env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("MODULES "))
    loaded = {name.split(".")[0] if not name.startswith("desktop_app") else name for name in line.split()[1:]}
    assert "desktop_app.sync.syncer" in loaded and "desktop_app.store.cache" in loaded
    unwanted = {"PySide6", "qasync", "openpyxl", "desktop_app.sync.editor", "desktop_app.sync.push"}
    unwanted |= {"desktop_app.sync.batches", "desktop_app.sync.bulk", "desktop_app.imports", "desktop_app.app"}
    assert not loaded & unwanted, sorted(loaded & unwanted)


def test_bad_input_is_one_line_naming_the_field_and_exit_2(cli: Cli) -> None:
    assert cli.run("sync", "--resources", "stock_items,skus,stock_locations").returncode == 0
    item = Cache.open(cli.cache_file).records.find("stock_items")[0]
    for args, field in [
        (("update", "stock_items", item.id, "--set", "quantity=lots"), "quantity"),
        (("update", "stock_items", item.id, "--set", "colour=red"), "colour"),
        (("update", "stock_items", "noSuchId00", "--set", "quantity=1"), "id"),
        (("update", "stock_items", item.id, "--rel", "sku=noSuchSku0"), "sku"),
        (("sync", "--resources", "widgets"), "resources"),
    ]:
        done = cli.run(*args)
        assert done.returncode == 2, (args, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and field in lines[0], (args, done.stderr)
    assert Cache.open(cli.cache_file).outbox.entries() == []


def test_offline_update_then_push_and_a_refusal_shows_the_server_message(cli: Cli) -> None:
    assert cli.run("sync").returncode == 0
    cache = Cache.open(cli.cache_file)
    item = cache.records.find("stock_items")[0]
    first, second = [r for r in cache.records.find("stock_locations") if r.attributes.get("code")][:2]
    cache.close()
    queued = cli.run("update", "stock_items", item.id, "--set", "quantity=321", "--offline", secret=False)
    assert queued.returncode == 0 and "queued" in queued.stderr
    assert "pending edits: 1" in cli.run("status", secret=False).stdout
    pushed = cli.run("push")
    assert pushed.returncode == 0 and "sent 1" in pushed.stdout
    exported = cli.run("export", "stock_items", "--format", "json", secret=False)
    assert next(r for r in json.loads(exported.stdout) if r["id"] == item.id)["attributes"]["quantity"] == 321
    refused = cli.run("update", "stock_locations", second.id, "--set", f"code={first.attributes['code']}")
    assert refused.returncode == 1 and "code" in refused.stderr and "refused" in refused.stderr
    status = cli.run("status", secret=False).stdout
    assert "refused: 1" in status and "code" in status


def test_cache_holds_no_secret_or_token(cli: Cli) -> None:
    assert cli.run("sync").returncode == 0
    item = Cache.open(cli.cache_file).records.find("stock_items")[0]
    assert cli.run("update", "stock_items", item.id, "--set", "quantity=5").returncode == 0
    files = [p for p in cli.cache_file.parent.iterdir() if p.name.startswith(cli.cache_file.name)]
    blob = b"".join(p.read_bytes() for p in files)
    assert cli.sandbox.client_secret.encode() not in blob
    assert b"eyJ" not in blob and b"access_token" not in blob and b"Bearer" not in blob


def test_corrupt_cache_is_set_aside_with_a_message(cli: Cli) -> None:
    cli.cache_file.parent.mkdir(parents=True, exist_ok=True)
    cli.cache_file.write_bytes(b"\x00garbage" * 512)
    done = cli.run("status", secret=False)
    assert done.returncode == 0 and "moved to" in done.stderr
    assert any(".corrupt-" in p.name for p in cli.cache_file.parent.iterdir())


@pytest.fixture(scope="module")
def big_sandbox() -> Iterator[SandboxProcess]:
    with start_sandbox(seed="bench:4000") as running:
        yield running


def test_sync_killed_mid_listing_leaves_a_usable_cache_and_the_next_sync_finishes(
    big_sandbox: SandboxProcess, tmp_path: Path
) -> None:
    cli = Cli(big_sandbox, tmp_path)
    cli.kill_when(
        ("sync", "--resources", "stock_items"),
        lambda line: line.startswith("stock_items: ") and "/" in line and not line.startswith("stock_items: 0"),
    )
    cache = Cache.open(cli.cache_file)
    assert cache.recovery_message is None
    assert 0 < cache.records.count("stock_items") < 4000 and cache.sync_state.get("stock_items").full_in_progress
    # A first listing this long builds the stock items' indexes after its rows: still waiting, and queries answer.
    assert "stock_item_figures" in cache.indexes.deferred("stock_items")
    assert cache.records.count("stock_items", where={"sku": cache.records.find("stock_items")[0].relationships["sku"]})
    cache.close()
    again = cli.run("sync", "--resources", "stock_items")
    assert again.returncode == 0 and "stock_items: full" in again.stdout
    cache = Cache.open(cli.cache_file)
    assert cache.records.count("stock_items") == 4000 and not cache.sync_state.get("stock_items").full_in_progress
    assert cache.indexes.deferred("stock_items") == []
    names = {row[0] for row in cache.database.connection.execute("SELECT name FROM sqlite_master")}
    assert {"stock_item_figures", "stock_item_keys_by_quantity", "stock_item_keys_by_sku_code"} <= names


def test_create_prints_the_server_id_and_delete_removes_it(cli: Cli) -> None:
    from tests.sync.test_sync import free_pair

    assert cli.run("sync").returncode == 0
    cache = Cache.open(cli.cache_file)
    sku, location = free_pair(cache)
    cache.close()
    created = cli.run(
        "create", "stock_items", "--set", "quantity=8", "--rel", f"sku={sku}", "--rel", f"stock_location={location}"
    )
    assert created.returncode == 0, created.stderr
    new_id = created.stdout.split()[-1]
    cache = Cache.open(cli.cache_file)
    record = cache.records.get("stock_items", new_id)
    assert record is not None and record.relationships["sku"] == sku and not record.pending
    cache.close()
    missing = cli.run("create", "stock_items", "--set", "quantity=8", "--rel", f"sku={sku}")
    assert missing.returncode == 2 and "stock_location" in missing.stderr
    deleted = cli.run("delete", "stock_items", new_id)
    assert deleted.returncode == 0, deleted.stderr
    assert f'"id": "{new_id}"' not in cli.run("export", "stock_items", "--format", "json", secret=False).stdout
