"""Counting a location over a real cache file: lines saved as they are entered, the entry line's steps, the review
of differences and the edits a count queues (the warehouse: Berlin holds CODE-1 ×4 as I2 and CODE-2 ×0 as I5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.counts import (
    CountEntry,
    Counting,
    apply_count,
    batch_name,
    location_id_by_name,
    parse_quantity,
    review,
)
from desktop_app.errors import UsageError
from desktop_app.store import Cache
from desktop_app.sync import Editor
from tests.store.test_cache import Rec


def berlin(cache: Cache) -> Counting:
    location_id, name = location_id_by_name(cache.counts, "berlin")
    return Counting.start(cache.counts, location_id, name)


def test_locations_are_found_by_name_code_or_id_and_an_unknown_one_is_named(shop: Cache) -> None:
    assert location_id_by_name(shop.counts, "Berlin") == ("L2", "Berlin")
    assert location_id_by_name(shop.counts, "mil") == ("L1", "Milan")
    assert location_id_by_name(shop.counts, "L3") == ("L3", "Lyon")
    with pytest.raises(UsageError, match="no stock location named 'Atlantis'"):
        location_id_by_name(shop.counts, "Atlantis")


def test_each_line_is_in_the_file_as_soon_as_it_is_entered_and_the_count_reopens(shop: Cache) -> None:
    counting = berlin(shop)
    counting.add("CODE-1", 6)
    # Another connection to the same file sees the line at once: it was committed, not held in a transaction.
    with Cache.open(shop.path) as other:
        (line,) = other.counts.lines(counting.count.id)
        assert (line.code, line.quantity, line.expected, line.stock_item_id) == ("CODE-1", 6, 4, "I2")
    counting.add("code-2", 3)  # a code in another case is the same SKU
    again = Counting.start(shop.counts, "L2", "Berlin")
    assert again.count.id == counting.count.id
    resumed = Counting.resume(shop.counts)
    assert resumed is not None and resumed.count.id == counting.count.id
    assert [(c.line.code, c.line.quantity, c.expected, c.difference) for c in resumed.lines()] == [
        ("CODE-1", 6, 4, 2),
        ("CODE-2", 3, 0, 3),
    ]


def test_setting_replaces_adding_adds_and_a_negative_or_unknown_code_is_refused_by_name(shop: Cache) -> None:
    counting = berlin(shop)
    counting.add("CODE-1", 6)
    counting.add("CODE-1", 2)
    assert counting.counted("S1") == 2
    counting.add("CODE-1", 5, add=True)
    counting.scan("CODE-1")
    assert counting.counted("S1") == 8
    with pytest.raises(UsageError, match="must be 0 or more, not -1"):
        counting.add("CODE-1", -1)
    with pytest.raises(UsageError, match="no SKU with code 'NOPE-9'"):
        counting.add("NOPE-9", 1)
    assert counting.remove("S1") and counting.lines() == []


def test_quantities_read_as_people_type_them() -> None:
    assert parse_quantity("12") == (12, False)
    assert parse_quantity("1,200") == (1200, False)
    assert parse_quantity("+3") == (3, True)
    assert parse_quantity("-4") == (-4, False)
    assert parse_quantity("4006381333931") is None  # an EAN-13: the next code, not a quantity
    assert parse_quantity("ABC") is None
    assert parse_quantity("1,20") is None


def test_the_entry_line_takes_a_code_then_its_quantity_and_never_stops_on_a_bad_code(shop: Cache) -> None:
    entry = CountEntry(berlin(shop))
    step = entry.submit("CODE-1")
    assert step.ok and step.waiting is not None and step.waiting.code == "CODE-1"
    assert entry.prompt().startswith("Quantity of CODE-1")
    step = entry.submit("1,204")
    assert step.ok and step.line is not None and step.line.line.quantity == 1204 and entry.waiting is None
    bad = entry.submit("NOPE-9")
    assert not bad.ok and bad.message == "No SKU with code 'NOPE-9' in the cache"
    entry.submit("CODE-1")
    assert "counted 1,204 so far" in entry.prompt()
    assert entry.submit("+6").line is not None and entry.counting.counted("S1") == 1210
    entry.submit("CODE-1")
    negative = entry.submit("-2")
    assert not negative.ok and "must be 0 or more" in negative.message and entry.waiting is not None
    moved_on = entry.submit("CODE-2")  # a scan instead of a quantity: the next SKU
    assert moved_on.ok and "CODE-1 was not counted" in moved_on.message and entry.waiting.code == "CODE-2"


def test_scan_mode_counts_one_per_scan(shop: Cache) -> None:
    entry = CountEntry(berlin(shop), scan_mode=True)
    for _ in range(3):
        assert entry.submit("CODE-2").ok
    assert entry.counting.counted("S2") == 3 and entry.waiting is None


def test_review_shows_differences_only_creates_for_new_skus_and_leaves_uncounted_items(shop: Cache) -> None:
    counting = Counting.start(shop.counts, "L1", "Milan")  # Milan: CODE-1 ×10 (I1), CODE-2 ×0 (I6)
    counting.add("CODE-1", 10)  # as the cache says: unchanged
    counting.add("CODE-2", 5)
    seen = review(shop.counts, counting.count)
    assert seen.unchanged == 1
    assert [(ln.code, ln.action, ln.current, ln.counted) for ln in seen.lines] == [("CODE-2", "update", 0, 5)]
    oslo = Counting.start(shop.counts, "L4", "Oslo")  # Oslo holds only CODE-1 (I4, ×3)
    oslo.add("CODE-2", 2)
    edits = review(shop.counts, oslo.count).edits()
    assert [(e.action, e.attributes, e.relationships) for e in edits] == [
        ("create", {"quantity": 2}, {"sku": "S2", "stock_location": "L4"})
    ]
    oslo.set_uncounted_zero(True)
    zeroed = review(shop.counts, oslo.count)
    assert [(e.action, e.record_id, e.attributes) for e in zeroed.edits()] == [
        ("create", None, {"quantity": 2}),
        ("update", "I4", {"quantity": 0}),
    ]
    assert zeroed.lines[1].counted is None and zeroed.lines[1].label("Oslo") == "CODE-1 at Oslo"


def test_a_quantity_that_moved_since_the_count_offers_counted_or_adjusted(shop: Cache) -> None:
    counting = berlin(shop)
    counting.add("CODE-1", 9)  # the cache said 4
    # A sale shipped meanwhile: the next sync brings the stock item down by 3.
    shop.records.store_page(
        [Rec("stock_items", "I2", {"quantity": 1, "metadata": {}}, {"sku": "S1", "stock_location": "L2"})]
    )
    seen = review(shop.counts, counting.count)
    (line,) = seen.lines
    assert (line.expected, line.current, line.moved) == (4, 1, -3)
    assert (line.target("counted"), line.target("adjusted")) == (9, 6)
    assert seen.edits()[0].attributes == {"quantity": 6}
    assert seen.edits({"S1": "counted"})[0].attributes == {"quantity": 9}


def test_applying_queues_one_named_batch_and_closes_the_count_once(shop: Cache) -> None:
    counting = Counting.start(shop.counts, "L4", "Oslo")
    counting.add("CODE-1", 8)
    counting.add("CODE-2", 2)
    seen = review(shop.counts, counting.count)
    applied = apply_count(shop, Editor(shop), seen)
    assert applied.batch_name == batch_name("Oslo", counting.count.started_at)
    assert applied.batch_name.startswith("Count of Oslo, ")
    entries = shop.outbox.entries()
    assert sorted((e.op, e.record_id if e.op == "update" else "new") for e in entries) == [
        ("create", "new"),
        ("update", "I4"),
    ]
    assert {e.label for e in entries} == {applied.batch_name}
    (batch,) = shop.batches.batches()
    assert applied.batch is not None and batch.id == applied.batch.id
    assert (batch.name, batch.total, batch.sent) == (applied.batch_name, 2, 0)
    assert sorted(line.line_label for line in shop.batches.lines(batch.id)) == ["CODE-1 at Oslo", "CODE-2 at Oslo"]
    closed = shop.counts.get(counting.count.id)
    assert closed is not None and closed.state == "applied" and closed.batch_name == applied.batch_name
    with pytest.raises(UsageError, match="not open: nothing was queued"):
        apply_count(shop, Editor(shop), seen)
    assert len(shop.outbox.entries()) == 2
    assert Counting.resume(shop.counts) is None  # nothing left to resume
    assert Counting.start(shop.counts, "L4", "Oslo").count.id != counting.count.id


def test_batch_name_reads_like_a_person_wrote_it() -> None:
    name = batch_name("Berlin Hub", "2026-12-06T14:02:00.000Z")
    assert name.startswith("Count of Berlin Hub, ") and ":02" in name and "Dec" in name


def test_the_counts_tables_survive_a_reopen(tmp_path: Path, shop: Cache) -> None:
    counting = berlin(shop)
    counting.add("CODE-2", 4)
    shop.close()
    with Cache.open(shop.path) as reopened:
        resumed = Counting.resume(reopened.counts)
        assert resumed is not None and [c.line.quantity for c in resumed.lines()] == [4]


def test_a_quantity_below_what_placed_orders_reserve_is_shown_as_their_shortfall(shop: Cache) -> None:
    counting = berlin(shop)  # Berlin's CODE-1 (I2): 4 on hand, 4 reserved
    counting.add("CODE-1", 1)
    (line,) = review(shop.counts, counting.count).lines
    assert (line.reserved, line.short_of_reserved(), line.short_of_reserved("counted")) == (4, 3, 3)
    counting.add("CODE-1", 6)
    (line,) = review(shop.counts, counting.count).lines
    assert line.short_of_reserved() == 0


def test_a_count_applied_elsewhere_meanwhile_refuses_more_lines_with_a_message(shop: Cache) -> None:
    entry = CountEntry(berlin(shop))
    entry.submit("CODE-1")
    with Cache.open(shop.path) as other:  # the command line applies it meanwhile
        count = other.counts.unfinished()[0]
        other.counts.finish(count.id, "applied", "Count of Berlin")
    step = entry.submit("3")
    assert not step.ok and step.message.startswith("The count of Berlin was applied meanwhile")
