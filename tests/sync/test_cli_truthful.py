"""What a command says when an edit does not go: refused earlier, rate limited, held by another process, locked."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.store import Cache
from desktop_app.store.lease import Holder
from tests.support.sandbox import SandboxProcess, start_sandbox
from tests.sync.test_cli import Cli


@pytest.fixture
def cli(fresh_sandbox: SandboxProcess, tmp_path: Path) -> Cli:
    return Cli(fresh_sandbox, tmp_path)


def _two_locations(cli: Cli) -> tuple[str, str, str]:
    """Two stock locations with codes: the second's id, the first's code, the second's id again for clarity."""
    cache = Cache.open(cli.cache_file)
    first, second = [r for r in cache.records.find("stock_locations") if r.attributes.get("code")][:2]
    cache.close()
    return second.id, str(first.attributes["code"]), str(second.attributes["name"])


def test_a_refused_edit_holding_back_later_edits_is_named_and_push_counts_it(cli: Cli) -> None:
    assert cli.run("sync").returncode == 0
    location, taken_code, _ = _two_locations(cli)
    refused = cli.run("update", "stock_locations", location, "--set", f"code={taken_code}")
    assert refused.returncode == 1 and "refused" in refused.stderr
    waiting = Cache.open(cli.cache_file).outbox.entries(states=["failed"])[0]
    later = cli.run("update", "stock_locations", location, "--set", "name=Renamed later")
    assert later.returncode == 1, later.stderr
    assert "not reachable" not in later.stderr
    assert f"refused update waiting ({waiting.id}" in later.stderr and f"stockroom discard {waiting.id}" in later.stderr
    assert "code" in later.stderr
    pushed = cli.run("push")
    assert pushed.returncode == 1
    assert "refused 1 (1 from earlier pushes" in pushed.stdout and "still queued 1" in pushed.stdout
    assert cli.run("discard", waiting.id).returncode == 0
    again = cli.run("push")
    assert again.returncode == 0 and "sent 1, refused 0" in again.stdout


def test_a_refused_delete_shows_the_server_message_and_a_delete_names_the_id_once(cli: Cli) -> None:
    assert cli.run("sync").returncode == 0
    cache = Cache.open(cli.cache_file)
    used = {r.relationships.get("stock_location") for r in cache.records.find("stock_items")}
    location = next(r.id for r in cache.records.find("stock_locations") if r.id in used)
    cache.close()
    locked = cli.run("delete", "stock_locations", location)
    assert locked.returncode == 1
    assert "HTTP 423" not in locked.stderr and "refused" in locked.stderr
    assert len(locked.stderr.strip().splitlines()) == 1
    # A record nothing points at: the command names it once.
    from tests.sync.test_sync import free_pair

    cache = Cache.open(cli.cache_file)
    sku, place = free_pair(cache)
    cache.close()
    made = cli.run(
        "create", "stock_items", "--set", "quantity=1", "--rel", f"sku={sku}", "--rel", f"stock_location={place}"
    )
    new_id = made.stdout.split()[-1]
    deleted = cli.run("delete", "stock_items", new_id)
    assert deleted.returncode == 0 and deleted.stdout.count(new_id) == 1, deleted.stdout


def test_a_rate_limited_token_request_is_reported_as_such_and_exits_non_zero(cli: Cli) -> None:
    assert cli.run("sync").returncode == 0
    item = Cache.open(cli.cache_file).records.find("stock_items")[0]
    cli.sandbox.fault(path="/api/", expire_token=True)  # the kept token is refused: a new one is needed
    cli.sandbox.fault(path="/oauth/token", status=429, count=20)
    done = cli.run("update", "stock_items", item.id, "--set", "quantity=77")
    assert done.returncode != 0
    assert "not reachable" not in done.stderr
    assert "limiting token requests" in done.stderr and "try again in" in done.stderr
    pushed = cli.run("push")  # the limit has passed (the fault is used up): the queued edit goes
    assert pushed.returncode == 0 and "sent 1" in pushed.stdout, pushed.stderr


def test_a_push_left_to_a_live_process_says_so(cli: Cli) -> None:
    assert cli.run("sync").returncode == 0
    item = Cache.open(cli.cache_file).records.find("stock_items")[0]
    assert cli.run("update", "stock_items", item.id, "--set", "quantity=5", "--offline", secret=False).returncode == 0
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        cache = Cache.open(cli.cache_file)
        holder = Holder.this_process()
        alive = Holder(holder.host, sleeper.pid, "", "live0000").owner
        cache.outbox.claim(cache.outbox.entries()[0].id, alive)
        cache.close()
        pushed = cli.run("push")
        assert pushed.returncode == 1 and f"process {sleeper.pid} is sending" in pushed.stderr
        assert "sent 0" in pushed.stdout
    finally:
        sleeper.kill()
        sleeper.wait()
    started = time.monotonic()
    pushed = cli.run("push")  # the holder is gone: its claim is taken over at once, not after 120 s
    assert pushed.returncode == 0 and "sent 1" in pushed.stdout, pushed.stderr
    assert time.monotonic() - started < 30


@pytest.fixture(scope="module")
def limited_sandbox() -> Iterator[SandboxProcess]:
    with start_sandbox(seed="demo", rate_limits="live") as running:
        yield running


def test_a_script_of_34_updates_spends_few_token_requests(limited_sandbox: SandboxProcess, tmp_path: Path) -> None:
    limited_sandbox.reset()
    cli = Cli(limited_sandbox, tmp_path)
    assert cli.run("sync", "--resources", "stock_items").returncode == 0
    item = Cache.open(cli.cache_file).records.find("stock_items")[0]
    for quantity in range(34):
        done = cli.run("update", "stock_items", item.id, "--set", f"quantity={quantity}")
        assert done.returncode == 0, (quantity, done.stderr)
    tokens = [r for r in limited_sandbox.requests() if r["path"] == "/oauth/token"]
    assert len(tokens) <= 2, len(tokens)


def test_export_leaves_out_creates_the_server_refused_or_never_received(cli: Cli) -> None:
    from tests.sync.test_sync import free_pair

    assert cli.run("sync").returncode == 0
    cache = Cache.open(cli.cache_file)
    sku, place = free_pair(cache)
    taken = cache.records.find("stock_items")[0].relationships
    cache.close()
    never_sent = cli.run(
        "create",
        "stock_items",
        "--set",
        "quantity=3",
        "--rel",
        f"sku={sku}",
        "--rel",
        f"stock_location={place}",
        "--offline",
        secret=False,
    )
    assert never_sent.returncode == 0, never_sent.stderr
    refused = cli.run(  # a second stock item of the same SKU in the same place
        "create",
        "stock_items",
        "--set",
        "quantity=4",
        "--rel",
        f"sku={taken['sku']}",
        "--rel",
        f"stock_location={taken['stock_location']}",
        "--offline",
        secret=False,
    )
    assert refused.returncode == 0
    assert cli.run("push").returncode == 1  # the duplicate is refused, the other one goes
    pushed_ids = {e.record_id for e in Cache.open(cli.cache_file).outbox.entries()}
    assert len(pushed_ids) == 1 and next(iter(pushed_ids)).startswith("local-")
    assert (
        cli.run(
            "create",
            "stock_items",
            "--set",
            "quantity=5",
            "--rel",
            f"sku={sku}",
            "--rel",
            f"stock_location={place}",
            "--offline",
            secret=False,
        ).returncode
        == 0
    )
    for fmt in ("csv", "json"):
        exported = cli.run("export", "stock_items", "--format", fmt, secret=False)
        assert exported.returncode == 0
        assert "local-" not in exported.stdout
        assert "left out 2 records created here" in exported.stderr, exported.stderr
