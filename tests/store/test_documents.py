"""Full-sync pages written as the server's JSON text: the rows must equal what the typed records would give."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from desktop_app.api.records import Record, parse_page
from desktop_app.store import SCHEMA_VERSION, Cache, cache_path
from desktop_app.store.database import MIGRATIONS
from desktop_app.store.upserts import DOCUMENTS_PER_STATEMENT


def item(record_id: str, quantity: int, relationships: dict[str, Any]) -> dict[str, Any]:
    stamp = f"2024-01-0{quantity % 9 + 1}T00:00:00.000Z"
    return {
        "id": record_id,
        "type": "stock_items",
        "links": {"self": f"http://127.0.0.1/api/stock_items/{record_id}"},
        "attributes": {"quantity": quantity, "updated_at": stamp, "metadata": {"note": 'é "q"'}},
        "relationships": relationships,
        "meta": {"mode": "test"},
    }


def document(*records: dict[str, Any]) -> str:
    return json.dumps({"data": list(records), "meta": {"record_count": len(records), "page_count": 1}})


def decode(text: str) -> list[Record]:
    return parse_page(json.loads(text), 1).records


LINKS = {"links": {"self": "http://127.0.0.1/x", "related": "http://127.0.0.1/y"}}
SHAPES = document(
    item("a", 1, {"sku": {**LINKS, "data": {"type": "skus", "id": "s1"}}, "reserved_stock": LINKS}),
    item("b", 2, {"sku": {**LINKS, "data": None}, "stock_location": {"data": {"type": "stock_locations", "id": "l"}}}),
    item("c", 3, {"stock_transfers": {**LINKS, "data": [{"type": "stock_transfers", "id": "t1"}, {"id": "t2"}]}}),
    item("d", 4, {}),
)


@pytest.fixture
def cache(tmp_path: Path) -> Cache:
    return Cache.open(cache_path(tmp_path, "documents"))


def rows(cache: Cache) -> list[tuple[Any, ...]]:
    return [(r.id, r.attributes, r.relationships, r.updated_at) for r in cache.records.find("stock_items")]


def test_documents_give_the_rows_typed_records_give(tmp_path: Path, cache: Cache) -> None:
    generation = cache.sync_state.begin_full_sync("stock_items")
    assert cache.records.store_documents("stock_items", [SHAPES], generation, decode) == 4
    typed = Cache.open(tmp_path / "typed.sqlite3")
    typed.records.store_pages([decode(SHAPES)], typed.sync_state.begin_full_sync("stock_items"))
    assert rows(cache) == rows(typed)
    by_id = {r.id: r for r in cache.records.find("stock_items")}
    assert by_id["a"].relationships == {"sku": "s1"}  # links only: not known, so absent
    assert by_id["b"].relationships == {"sku": None, "stock_location": "l"}
    assert by_id["c"].relationships == {"stock_transfers": ["t1", "t2"]}
    assert by_id["a"].attributes["metadata"] == {"note": 'é "q"'}
    assert by_id["d"].updated_at == "2024-01-05T00:00:00.000Z"
    typed.close()


INCLUDED = document(
    item("e", 5, {"sku": {**LINKS, "data": {"type": "skus", "id": "s1"}}, "stock_location": {**LINKS, "data": None}}),
    item(
        "f",
        6,
        {
            "stock_location": {"data": {"type": "stock_locations", "id": "l"}},
            "sku": {"data": {"id": "s2"}},
            "reserved_stock": LINKS,
        },
    ),
)


def test_a_listing_that_names_its_included_relationships_gives_the_same_rows(tmp_path: Path, cache: Cache) -> None:
    assert cache.records.store_documents("stock_items", [INCLUDED], 1, decode, ["sku", "stock_location"]) == 2
    generic = Cache.open(tmp_path / "generic.sqlite3")
    generic.records.store_documents("stock_items", [INCLUDED], 1, decode)
    assert rows(cache) == rows(generic)
    assert {r.id: r.relationships for r in cache.records.find("stock_items")} == {
        "e": {"sku": "s1", "stock_location": None},
        "f": {"sku": "s2", "stock_location": "l"},
    }
    generic.close()
    with pytest.raises(KeyError):
        cache.records.store_documents("stock_items", [INCLUDED], 1, decode, ["sku') --"])


def test_rows_with_pending_edits_keep_the_users_values(cache: Cache) -> None:
    cache.records.store_documents("stock_items", [SHAPES], cache.sync_state.begin_full_sync("stock_items"), decode)
    cache.outbox.queue_updates([("stock_items", "a", {"quantity": 99}, {})], ["e1"])
    calls: list[str] = []

    def counting(text: str) -> Sequence[Record]:
        calls.append(text)
        return decode(text)

    newer = SHAPES.replace('"quantity": 1,', '"quantity": 7,')
    assert (
        cache.records.store_documents("stock_items", [newer], cache.sync_state.begin_full_sync("stock_items"), counting)
        == 4
    )
    assert calls == [newer]
    mine = cache.records.get("stock_items", "a")
    assert mine is not None and mine.pending and mine.attributes["quantity"] == 99
    (entry,) = cache.outbox.entries()
    assert entry.record_id == "a"
    cache.outbox.remove_entry("e1")
    restored = cache.records.get("stock_items", "a")
    assert restored is not None and not restored.pending and restored.attributes["quantity"] == 7


def test_more_documents_than_one_statement_takes_are_all_written(cache: Cache) -> None:
    count = DOCUMENTS_PER_STATEMENT * 2 + 3
    texts = [document(item(f"r{n:04d}", n, {"sku": {"data": {"type": "skus", "id": f"s{n}"}}})) for n in range(count)]
    # The last document sends r0000 again: the later page wins, as when pages are written one by one.
    texts.append(document(item("r0000", 7777, {"sku": {"data": {"type": "skus", "id": "moved"}}})))
    assert cache.records.store_documents("stock_items", texts, 1, decode, ["sku"]) == count + 1
    assert cache.records.count("stock_items") == count
    first = cache.records.get("stock_items", "r0000")
    assert first is not None and first.attributes["quantity"] == 7777 and first.relationships == {"sku": "moved"}
    last = cache.records.get("stock_items", f"r{count - 1:04d}")
    assert last is not None and last.relationships == {"sku": f"s{count - 1}"}


def test_a_page_that_is_not_json_is_refused_and_nothing_is_written(cache: Cache) -> None:
    with pytest.raises(ValueError, match="not a JSON document"):
        cache.records.store_documents("stock_items", [SHAPES, '{"data": [tru'], 1, decode)
    assert cache.records.count("stock_items") == 0


def test_schema_4_file_moves_its_rows_to_the_rowid_table(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    migrate_to(db, 4)
    db.execute(
        "INSERT INTO records (type, id, attributes, relationships, updated_at, seen_at, pending) "
        "VALUES ('stock_items', 'x', '{\"quantity\":5}', '{\"sku\":\"s\"}', '2024-01-01T00:00:00.000Z', 'now', 0)"
    )
    db.close()
    with Cache.open(path) as cache:
        assert int(cache.database.connection.execute("PRAGMA user_version").fetchone()[0]) == SCHEMA_VERSION
        (record,) = cache.records.find("stock_items", where={"sku": "s"})
        assert record.attributes == {"quantity": 5}
        plan = cache.database.connection.execute(
            "EXPLAIN QUERY PLAN SELECT 1 FROM records WHERE type = ? AND id = ?", ("a", "b")
        )
        assert "records_key" in " ".join(str(row) for row in plan)


def migrate_to(db: sqlite3.Connection, version: int) -> None:
    for step in range(version):
        db.executescript(MIGRATIONS[step] + f";PRAGMA user_version = {step + 1};")
