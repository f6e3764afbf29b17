"""The window after a sync that keeps only the stock locations' addresses: every location's address reads
"City, CC" in its row and the lookups, and no customer address is offered anywhere. Against the demo sandbox over
HTTP (with customer addresses created as a shop's checkout creates them), synced into SQLite."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from desktop_app.api import CommerceLayerClient, Credentials, Endpoint
from tests.ui.conftest import open_window, settle


async def _add_customer_addresses(sandbox: Any, count: int) -> set[str]:
    credentials = Credentials(sandbox.client_id, sandbox.client_secret)
    made = set()
    async with CommerceLayerClient(Endpoint.custom(sandbox.url), credentials, rate_limits="off") as client:
        for n in range(count):
            attributes = {"first_name": "Ada", "last_name": f"Shopper {n}", "line_1": f"{n} Elm Street"}
            attributes |= {"city": "Springfield", "country_code": "US", "zip_code": "62701", "phone": "+1 555 0100"}
            made.add((await client.create("addresses", attributes=attributes)).id)
    return made


@pytest.mark.asyncio
async def test_location_rows_read_their_address_after_a_sync_that_skips_customer_addresses(
    fresh_sandbox: Any, data_dir: Path
) -> None:
    customers = await _add_customer_addresses(fresh_sandbox, 12)
    async with open_window(fresh_sandbox, data_dir, sync=False) as (window, opened, errors):
        # The locations' tab is on screen before the sync: its rows arrive before their addresses do.
        tab = window.tab_by_type["stock_locations"]
        window.tabs.setCurrentWidget(tab)
        await settle(window)
        task = opened.workspace.start_sync(full=True)
        assert task is not None
        await asyncio.wait({task})
        await settle(window)
        records = opened.workspace.cached.records
        locations = records.find("stock_locations")
        assert tab.model.total == len(locations) == 8
        city_column, country_column = tab.model.column_of("address.city"), tab.model.column_of("address.country_code")
        for row in range(tab.proxy.rowCount()):
            location_id = tab.model.id_at(tab.proxy.mapToSource(tab.proxy.index(row, 0)).row())
            address_id = records.get("stock_locations", location_id).relationships["address"]
            address = records.get("addresses", address_id)
            assert address is not None
            city, country = address.attributes["city"], address.attributes["country_code"]
            assert str(tab.proxy.index(row, city_column).data()) == city
            assert str(tab.proxy.index(row, country_column).data()) == country
            assert window.lookups.label("addresses", address_id) == f"{city}, {country}"
        offered = {address_id for address_id, _ in window.lookups.search("addresses", "")}
        assert offered == {r.relationships["address"] for r in locations}
        assert not customers & offered and not window.lookups.search("addresses", "Springfield")
        assert not errors
