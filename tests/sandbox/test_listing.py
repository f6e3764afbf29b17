"""Listing pages of a big table: the sandbox serves page N as fast as page 1, and sees every change."""

from __future__ import annotations

import time

from desktop_app.sandbox.querying import Query, paginate, select
from desktop_app.sandbox.storage import Record, Store

ROWS = 200_000


def _item(number: int) -> Record:
    return Record("stock_items", f"item{number:07d}", {"quantity": number}, {"sku": None, "stock_location": None})


def _page_seconds(store: Store, page: int) -> float:
    query = Query(page=page, size=25)
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        paginate(select(store.listing("stock_items"), query), query)
        best = min(best, time.perf_counter() - started)
    return best


def test_a_deep_page_costs_what_the_first_does() -> None:
    store = Store()
    store.replace_all([_item(n) for n in range(ROWS)])
    last = ROWS // 25
    page = paginate(select(store.listing("stock_items"), Query(page=last, size=25)), Query(page=last, size=25))
    assert [r.id for r in page.records] == [f"item{n:07d}" for n in range(ROWS - 25, ROWS)]
    assert page.record_count == ROWS and page.page_count == last
    first, deep = _page_seconds(store, 1), _page_seconds(store, last)
    # Walking past 200,000 records takes milliseconds; a slice of 25 takes microseconds wherever it starts.
    assert deep < first * 20 + 0.0005, (first, deep)


def test_the_listing_follows_creates_updates_and_deletes() -> None:
    store = Store()
    store.replace_all([_item(n) for n in range(3)])
    before = store.listing("stock_items")
    assert store.listing("stock_items") is before  # kept between requests while nothing changes
    with store.transaction():
        store.save(_item(3))
    assert [r.id for r in store.listing("stock_items")][-1] == "item0000003"
    changed = Record("stock_items", "item0000001", {"quantity": 99}, {"sku": None, "stock_location": None})
    with store.transaction():
        store.save(changed)
    listing = store.listing("stock_items")
    assert [r.id for r in listing] == ["item0000000", "item0000001", "item0000002", "item0000003"]
    assert listing[1].attributes["quantity"] == 99
    with store.transaction():
        store.delete(changed)
    assert [r.id for r in store.listing("stock_items")] == ["item0000000", "item0000002", "item0000003"]
