"""The cache on real SQLite files: reads, sync writes, pending edits, recovery from bad files."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from desktop_app.store import SCHEMA_VERSION, Cache, UnknownRecordError, cache_path


@dataclass
class Rec:
    type: str
    id: str
    attributes: dict[str, Any]
    relationships: dict[str, Any] = field(default_factory=dict)


def level(record_id: str, model: str, priority: int, stamp: str = "2024-01-01T00:00:00.000Z") -> Rec:
    return Rec(
        "inventory_stock_locations",
        record_id,
        {"priority": priority, "on_hold": False, "updated_at": stamp},
        {"inventory_model": model, "stock_location": "loc" + record_id},
    )


@pytest.fixture
def cache(tmp_path: Path) -> Cache:
    return Cache.open(cache_path(tmp_path, "test-profile"))


def test_reads_filter_and_order_by_relationship_and_field(cache: Cache) -> None:
    generation = cache.sync_state.begin_full_sync("stock_levels")
    cache.records.store_page([level("a", "m1", 3), level("b", "m1", 1), level("c", "m2", 2)], generation)
    cache.sync_state.finish_full_sync("stock_levels", generation)
    ordered = cache.records.find("stock_levels", where={"inventory_model": "m1"}, order_by="priority")
    assert [r.id for r in ordered] == ["b", "a"]
    assert [r.id for r in cache.records.find("inventory_stock_locations", order_by="-priority")] == ["a", "c", "b"]
    assert cache.records.count("stock_levels") == 3
    assert cache.records.count("stock_levels", where={"inventory_model": "m1"}) == 2
    assert cache.records.count("stock_levels", where={"inventory_model": ["m2", "m9"]}) == 1
    cache.outbox.queue_delete("d1", "inventory_stock_locations", "a")
    assert cache.records.count("stock_levels", where={"inventory_model": "m1"}) == 1, "a pending delete is gone"
    assert cache.records.get("stock_levels", "c") is not None
    assert cache.sync_state.synced_at("stock_levels") is not None
    with pytest.raises(KeyError):
        cache.records.find("stock_levels", where={"no_such_field": 1})


def test_full_sync_removes_unseen_records_only_when_finished(cache: Cache) -> None:
    first = cache.sync_state.begin_full_sync("stock_levels")
    cache.records.store_page([level("a", "m", 1), level("b", "m", 2)], first)
    cache.sync_state.finish_full_sync("stock_levels", first)
    second = cache.sync_state.begin_full_sync("stock_levels")
    cache.records.store_page([level("a", "m", 1)], second)
    assert cache.records.count("stock_levels") == 2  # not finished: nothing removed yet
    assert cache.sync_state.begin_full_sync("stock_levels") == second  # an interrupted pass resumes with its generation
    assert cache.sync_state.finish_full_sync("stock_levels", second) == 1
    assert [r.id for r in cache.records.find("stock_levels")] == ["a"]


@pytest.mark.parametrize("server_count", [None, 3], ids=["through-the-index", "whole-table"])
def test_full_sync_removes_the_same_rows_whichever_way_it_reads_the_table(
    cache: Cache, server_count: int | None
) -> None:
    """A pass whose type is most of the table reads the table in storage order (``NOT INDEXED``); one of a small
    type goes through its index; either way only rows the pass did not see go, and pending rows stay."""
    from desktop_app.store.sync_state import _most_of_table

    first = cache.sync_state.begin_full_sync("stock_levels")
    cache.records.store_page([level(n, "m", 1) for n in "abcd"], first)
    cache.sync_state.finish_full_sync("stock_levels", first)
    cache.outbox.queue_updates([("inventory_stock_locations", "d", {"priority": 7}, {})], ["e1"])
    second = cache.sync_state.begin_full_sync("stock_levels")
    cache.records.store_page([level("a", "m", 1), level("b", "m", 1)], second)
    with cache.database.reading() as db:
        assert _most_of_table(db, server_count) is (server_count is not None)
    assert cache.sync_state.finish_full_sync("stock_levels", second, server_count=server_count) == 1
    assert sorted(r.id for r in cache.records.find("stock_levels")) == ["a", "b", "d"]


def test_pending_edit_survives_sync_and_discard_restores_server(cache: Cache) -> None:
    cache.records.store_page([level("a", "m", 1)])
    cache.outbox.queue_updates([("inventory_stock_locations", "a", {"priority": 7}, {})], ["e1"])
    cache.records.store_page([level("a", "m", 2, "2024-02-01T00:00:00.000Z")])
    shown = cache.records.get("stock_levels", "a")
    assert shown is not None and shown.pending and shown.attributes["priority"] == 7
    entry = cache.outbox.entry("e1")
    assert entry is not None and entry.base["attributes"] == {"priority": 1}
    assert cache.records.server_version("inventory_stock_locations", "a")["attributes"]["priority"] == 2  # type: ignore[index]
    cache.outbox.remove_entry("e1")
    restored = cache.records.get("stock_levels", "a")
    assert restored is not None and not restored.pending and restored.attributes["priority"] == 2
    assert cache.outbox.pending_count() == 0


def test_update_of_unknown_record_is_refused_and_writes_nothing(cache: Cache) -> None:
    cache.records.store_page([level("a", "m", 1)])
    with pytest.raises(UnknownRecordError, match="id"):
        cache.outbox.queue_updates(
            [("inventory_stock_locations", "a", {"priority": 5}, {}), ("inventory_stock_locations", "zz", {}, {})],
            ["e1", "e2"],
        )
    assert cache.outbox.entries() == []
    assert cache.records.get("stock_levels", "a").attributes["priority"] == 1  # type: ignore[union-attr]


def test_the_parts_share_one_transaction(cache: Cache) -> None:
    """Records, sync state and outbox are parts over one connection: what they write inside one transaction
    commits, or rolls back, together (an edit is never queued without its row, nor a listing kept without its
    generation)."""
    with pytest.raises(RuntimeError), cache.database.transaction():
        generation = cache.sync_state.begin_full_sync("stock_levels")
        cache.records.store_page([level("a", "m", 1)], generation)
        cache.outbox.queue_updates([("inventory_stock_locations", "a", {"priority": 5}, {})], ["e1"])
        assert cache.records.get("stock_levels", "a").pending  # type: ignore[union-attr]
        raise RuntimeError("the caller failed half-way")
    assert cache.records.count("stock_levels") == 0 and cache.outbox.entries() == []
    assert cache.sync_state.get("stock_levels").generation == 0
    with cache.database.transaction():
        cache.records.store_page([level("a", "m", 1)])
        cache.outbox.queue_updates([("inventory_stock_locations", "a", {"priority": 5}, {})], ["e1"])
    shown = cache.records.get("stock_levels", "a")
    assert shown is not None and shown.pending and shown.attributes["priority"] == 5


def test_confirmed_create_replaces_temporary_id_everywhere(cache: Cache) -> None:
    cache.outbox.queue_create("c1", "stock_locations", "local-1", attributes={"name": "Depot"}, relationships={})
    cache.outbox.queue_create(
        "c2",
        "inventory_stock_locations",
        "local-2",
        attributes={"priority": 1},
        relationships={"stock_location": "local-1", "inventory_model": "m"},
    )
    cache.outbox.queue_updates([("stock_locations", "local-1", {"name": "Depot 2"}, {})], ["u1"])
    created = Rec("stock_locations", "SRV1", {"name": "Depot", "updated_at": "2024-01-01T00:00:00.000Z"})
    entry = cache.outbox.entry("c1")
    assert entry is not None
    assert cache.outbox.confirm(entry, created) == "SRV1"
    assert cache.outbox.entry("c2").relationships["stock_location"] == "SRV1"  # type: ignore[union-attr]
    assert cache.outbox.entry("u1").record_id == "SRV1"  # type: ignore[union-attr]
    assert cache.records.get("stock_locations", "local-1") is None
    shown = cache.records.get("stock_locations", "SRV1")
    assert shown is not None and shown.attributes["name"] == "Depot 2" and shown.pending
    level_row = cache.records.get("stock_levels", "local-2")
    assert level_row is not None and level_row.relationships["stock_location"] == "SRV1"


def test_corrupt_file_is_moved_aside_and_rebuilt(tmp_path: Path) -> None:
    path = cache_path(tmp_path, "p")
    path.write_bytes(b"this is not a database at all" * 100)
    cache = Cache.open(path)
    assert cache.recovery_message is not None and "corrupt-" in cache.recovery_message
    moved = [p for p in path.parent.iterdir() if ".corrupt-" in p.name]
    assert len(moved) == 1 and moved[0].read_bytes().startswith(b"this is not")
    assert cache.records.count("skus") == 0


def test_newer_schema_is_moved_aside(tmp_path: Path) -> None:
    path = cache_path(tmp_path, "p")
    Cache.open(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    cache = Cache.open(path)
    assert cache.recovery_message is not None and "newer" in cache.recovery_message
    assert path.with_name(f"{path.name}.newer-{SCHEMA_VERSION + 1}").exists()
    assert Cache.open(path).recovery_message is None


def test_reading_100k_records_gives_every_row(cache: Cache) -> None:
    for page in range(400):
        cache.records.store_page(
            [
                Rec(
                    "stock_items",
                    f"i{page:04d}{n:03d}",
                    {"quantity": n, "updated_at": "2024-01-01T00:00:00.000Z", "metadata": {}, "reference": None},
                    {"sku": f"s{n % 40}", "stock_location": f"l{n % 4}"},
                )
                for n in range(250)
            ]
        )
    # How fast is the bench's business (cache_read_100k); here only that every row comes back.
    rows = cache.records.find("stock_items")
    assert len(rows) == 100_000
    assert len({row.id for row in rows}) == 100_000


def test_first_version_file_is_migrated_keeping_its_records(tmp_path: Path) -> None:
    from desktop_app.store.database import MIGRATIONS, _statements

    path = cache_path(tmp_path, "old")
    db = sqlite3.connect(path)
    for statement in _statements(MIGRATIONS[0]):
        db.execute(statement)
    db.execute(
        "INSERT INTO records (type, id, attributes, relationships, seen_at) VALUES "
        "('stock_items', 'x1', '{\"quantity\": 4}', '{\"sku\": \"s1\"}', '2024-01-01T00:00:00.000Z')"
    )
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    cache = Cache.open(path)
    assert cache.recovery_message is None
    assert int(cache.database.connection.execute("PRAGMA user_version").fetchone()[0]) == SCHEMA_VERSION
    assert [r.id for r in cache.records.find("stock_items", where={"sku": "s1"})] == ["x1"]


def test_damaged_pages_fail_the_check_and_the_file_is_set_aside(tmp_path: Path) -> None:
    path = cache_path(tmp_path, "p")
    cache = Cache.open(path)
    cache.records.store_page(
        [Rec("stock_items", f"i{n:05d}", {"quantity": n, "note": "x" * 200}, {"sku": f"s{n}"}) for n in range(2000)]
    )
    cache.database.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    cache.close()
    data = bytearray(path.read_bytes())
    data[8192:16384] = b"\xde\xad\xbe\xef" * 2048
    path.write_bytes(bytes(data))
    recovered = Cache.open(path)
    assert recovered.recovery_message is not None and "moved to" in recovered.recovery_message
    assert recovered.records.count("stock_items") == 0
    assert any(".corrupt-" in p.name for p in path.parent.iterdir())


def test_record_read_without_relationships_keeps_the_known_ids(cache: Cache) -> None:
    cache.records.store_page([level("a", "m1", 1)])
    cache.records.store_page([Rec("inventory_stock_locations", "a", {"priority": 4}, {})])
    cache.records.store_page([Rec("inventory_stock_locations", "a", {"priority": 5}, {"inventory_model": "m2"})])
    stored = cache.records.get("stock_levels", "a")
    assert stored is not None and stored.attributes["priority"] == 5
    assert stored.relationships == {"inventory_model": "m2", "stock_location": "loca"}


def test_two_openers_of_an_old_file_migrate_it_once(tmp_path: Path) -> None:
    from desktop_app.store.database import MIGRATIONS, _statements, migrate

    path = cache_path(tmp_path, "old")
    first, second = sqlite3.connect(path, isolation_level=None), sqlite3.connect(path, isolation_level=None)
    for statement in _statements(MIGRATIONS[0]):
        first.execute(statement)
    first.execute("PRAGMA user_version = 1")
    migrate(first, 1)
    migrate(second, 1)  # read version 1 before the first one migrated: must not apply the steps again
    assert second.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
