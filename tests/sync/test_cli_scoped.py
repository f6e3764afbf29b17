"""``stockroom sync`` and the addresses the stock locations point at: a person's view, as subprocesses."""

from __future__ import annotations

from desktop_app.store import Cache
from tests.sync.test_cli import Cli, cli  # noqa: F401  (the fixture)


def test_addresses_alone_need_the_stock_locations_synced_first(cli: Cli) -> None:  # noqa: F811
    refused = cli.run("sync", "--resources", "addresses")
    assert refused.returncode == 2
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "resources" in lines[0] and "sync stock_locations first" in lines[0], lines
    assert cli.run("sync", "--resources", "stock_locations").returncode == 0
    synced = cli.run("sync", "--resources", "addresses")
    assert synced.returncode == 0, synced.stderr
    assert "addresses: full, 8 fetched, 8 used by the stock locations" in synced.stdout
    again = cli.run("sync", "--resources", "addresses")
    assert again.returncode == 0 and "addresses: incremental" in again.stdout


def test_sync_killed_while_fetching_addresses_finishes_them_next_time(cli: Cli) -> None:  # noqa: F811
    cli.sandbox.fault(method="GET", path="/api/addresses", delay=30, count=1)
    # Killed once the pass began: its one request is held by the server.
    cli.kill_when(("sync",), lambda line: line.startswith("addresses: "))
    cache = Cache.open(cli.cache_file)
    assert cache.sync_state.get("addresses").full_in_progress
    assert cache.records.count("addresses") == 0 and cache.records.count("stock_locations") == 8
    cache.close()
    cli.sandbox.clear_faults()
    again = cli.run("sync", "--resources", "addresses")
    assert again.returncode == 0 and "addresses: full, 8 fetched" in again.stdout, again.stdout
    cache = Cache.open(cli.cache_file)
    held = {r.id for r in cache.records.find("addresses")}
    assert held == {r.relationships["address"] for r in cache.records.find("stock_locations")}
    assert not cache.sync_state.get("addresses").full_in_progress
    cache.close()


def test_a_location_moved_to_an_address_the_cache_lacks_is_sent_and_the_address_synced(cli: Cli) -> None:  # noqa: F811
    import asyncio

    from tests.sync.conftest import client_of
    from tests.sync.test_scoped_sync import new_depot_address

    async def make() -> str:
        async with client_of(cli.sandbox) as client:
            return await new_depot_address(client, "Bordeaux")

    assert cli.run("sync").returncode == 0
    address = asyncio.run(make())
    cache = Cache.open(cli.cache_file)
    location = cache.records.find("stock_locations")[0]
    cache.close()
    moved = cli.run("update", "stock_locations", location.id, "--rel", f"address={address}")
    assert moved.returncode == 0, moved.stderr
    synced = cli.run("sync")
    assert synced.returncode == 0 and "addresses: incremental" in synced.stdout
    cache = Cache.open(cli.cache_file)
    held = cache.records.get("addresses", address)
    assert held is not None and held.attributes["city"] == "Bordeaux"
    cache.close()
