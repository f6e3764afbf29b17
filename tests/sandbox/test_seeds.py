"""The seed data obeys the rules the sandbox enforces on clients, so a seeded server never starts inconsistent.

If a seed broke a rule (a duplicate stock item, a dangling relationship, a badly typed attribute), every test
and the demo would be built on data a real Commerce Layer organisation could never hold.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from typing import Any

import pytest

from desktop_app.sandbox.seeds import TYPES, generate
from desktop_app.schema import STOCK_LEVELS, FieldError, coerce, get_resource, parse_datetime

ID = re.compile(r"^[A-Za-z0-9]{10}$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
SKU_CODE = re.compile(r"^[A-Z]{6}(MM|WW|UU)[0-9A-F]{6}[0-9A-F]{6}[A-Z]{4}$")

Seed = dict[str, list[dict[str, Any]]]


@pytest.fixture(scope="module")
def demo() -> Seed:
    return generate("demo")


def test_demo_has_a_small_company(demo: Seed) -> None:
    counts = {type_: len(records) for type_, records in demo.items()}
    assert counts["inventory_models"] == 3
    assert counts["stock_locations"] == 8
    assert counts["addresses"] == 8
    assert 2 <= counts["shipping_categories"] <= 3
    assert counts["skus"] == 300
    assert counts["stock_items"] > 600
    assert 9 <= counts[STOCK_LEVELS] <= 24
    assert 3 <= counts["reserved_stocks"] <= 30
    assert 3 <= counts["stock_transfers"] <= 12
    assert set(demo) == set(TYPES)


def test_demo_looks_real(demo: Seed) -> None:
    strategies = {model["attributes"]["strategy"] for model in demo["inventory_models"]}
    assert len(strategies) == 3
    countries = {address["attributes"]["country_code"] for address in demo["addresses"]}
    assert len(countries) >= 5
    codes = [location["attributes"]["code"] for location in demo["stock_locations"]]
    assert all(re.fullmatch(r"[A-Z]{3}-\d{2}", code) for code in codes)
    shippable = [sku for sku in demo["skus"] if not sku["attributes"]["do_not_ship"]]
    assert all(SKU_CODE.match(sku["attributes"]["code"]) for sku in shippable)
    assert "TSHIRTMM000000FFFFFFXLXX" in {sku["attributes"]["code"] for sku in demo["skus"]}
    quantities = [item["attributes"]["quantity"] for item in demo["stock_items"]]
    assert quantities.count(0) > 10, "some stock items should be out of stock"
    assert max(quantities) > 50
    statuses = Counter(transfer["attributes"]["status"] for transfer in demo["stock_transfers"])
    assert len(statuses) >= 4
    with_metadata = sum(1 for records in demo.values() for record in records if record["attributes"].get("metadata"))
    assert with_metadata >= 10


def test_priorities_are_contiguous_in_some_models_and_spread_in_others(demo: Seed) -> None:
    by_model: dict[str, list[int]] = {}
    for level in demo[STOCK_LEVELS]:
        by_model.setdefault(level["relationships"]["inventory_model"], []).append(level["attributes"]["priority"])
    shapes = set()
    for priorities in by_model.values():
        assert len(priorities) >= 3
        assert len(set(priorities)) == len(priorities), "ties would make the order undefined"
        ordered = sorted(priorities)
        shapes.add("contiguous" if ordered == list(range(1, len(ordered) + 1)) else "spread")
    assert shapes == {"contiguous", "spread"}


def test_ids_are_unique_ten_character_hashes(demo: Seed) -> None:
    ids = [record["id"] for records in demo.values() for record in records]
    assert all(ID.match(record_id) for record_id in ids)
    assert len(ids) == len(set(ids))


def test_one_stock_item_per_sku_and_location_and_one_level_per_model_and_location(demo: Seed) -> None:
    pairs = [(item["relationships"]["sku"], item["relationships"]["stock_location"]) for item in demo["stock_items"]]
    assert len(pairs) == len(set(pairs))
    levels = [
        (lv["relationships"]["inventory_model"], lv["relationships"]["stock_location"]) for lv in demo[STOCK_LEVELS]
    ]
    assert len(levels) == len(set(levels))
    stock_codes = [location["attributes"]["code"] for location in demo["stock_locations"]]
    assert len(stock_codes) == len(set(stock_codes))
    sku_codes = [sku["attributes"]["code"] for sku in demo["skus"]]
    assert len(sku_codes) == len(set(sku_codes))


@pytest.mark.parametrize("seed", ["demo", "bench:50"])
def test_every_to_one_relationship_points_at_an_existing_record(seed: str) -> None:
    data = generate(seed)
    known = {type_: {record["id"] for record in records} for type_, records in data.items()}
    for type_, records in data.items():
        resource = get_resource(type_)
        for record in records:
            assert set(record["relationships"]) == {rel.name for rel in resource.to_one}, type_
            for relationship in resource.to_one:
                target = record["relationships"][relationship.name]
                unless = relationship.required_unless
                if relationship.required and not (unless and record["attributes"].get(unless)):
                    assert target is not None, f"{type_} {record['id']} lacks {relationship.name}"
                if target is not None:
                    assert target in known[relationship.target], f"{type_}.{relationship.name} -> {target}"


def test_every_attribute_fits_its_catalogue_field(demo: Seed) -> None:
    for type_, records in demo.items():
        resource = get_resource(type_)
        for record in records:
            attributes = record["attributes"]
            assert set(attributes) <= set(resource.attribute_names), type_
            for name, value in attributes.items():
                field = resource.fields[name]
                try:
                    assert coerce(field, value) == value, f"{type_}.{name} is not in canonical form: {value!r}"
                except FieldError as error:
                    pytest.fail(f"{type_} {record['id']}: {error}")
                if field.required:
                    assert value is not None, f"{type_}.{name} is required"
                if field.type == "boolean":
                    assert value is not None, f"{type_}.{name}: a flag is true or false, as the API returns it"
                if name == "metadata":
                    assert isinstance(value, dict), f"{type_} {record['id']}: metadata should be an object, not null"
                if field.required_when and attributes.get(field.required_when[0]) == field.required_when[1]:
                    assert value is not None, f"{type_}.{name} is required when {field.required_when}"


def test_timestamps_are_commerce_layer_form_and_spread_over_2024_to_2026(demo: Seed) -> None:
    years = set()
    for records in demo.values():
        for record in records:
            created, updated = record["attributes"]["created_at"], record["attributes"]["updated_at"]
            assert TIMESTAMP.match(created) and TIMESTAMP.match(updated)
            assert parse_datetime(created) <= parse_datetime(updated)
            years.add(parse_datetime(created).year)
    assert years == {2024, 2025, 2026}


def test_reservations_sit_on_stocked_items_and_link_back(demo: Seed) -> None:
    items = {item["id"]: item for item in demo["stock_items"]}
    for reserved in demo["reserved_stocks"]:
        item = items[reserved["relationships"]["stock_item"]]
        assert item["relationships"]["reserved_stock"] == reserved["id"]
        assert item["relationships"]["sku"] == reserved["relationships"]["sku"]
        assert 0 < reserved["attributes"]["quantity"] <= item["attributes"]["quantity"]
    linked = [item for item in items.values() if item["relationships"]["reserved_stock"]]
    assert len(linked) == len(demo["reserved_stocks"])


def test_stock_items_carry_the_code_of_their_sku(demo: Seed) -> None:
    codes = {sku["id"]: sku["attributes"]["code"] for sku in demo["skus"]}
    for item in demo["stock_items"]:
        assert item["attributes"]["sku_code"] == codes[item["relationships"]["sku"]]


def test_seeds_are_deterministic() -> None:
    assert generate("demo") == generate("demo")
    assert generate("bench:300") == generate("bench:300")


def test_empty_has_no_records() -> None:
    data = generate("empty")
    assert set(data) == set(TYPES)
    assert all(records == [] for records in data.values())


@pytest.mark.parametrize("count", [0, 1, 9, 10, 11, 2500])
def test_bench_has_exactly_n_unique_stock_items(count: int) -> None:
    data = generate(f"bench:{count}")
    assert len(data["stock_items"]) == count
    pairs = {(item["relationships"]["sku"], item["relationships"]["stock_location"]) for item in data["stock_items"]}
    assert len(pairs) == count
    assert 1 <= len(data["stock_locations"]) <= 12
    assert len(data["inventory_models"]) >= 1
    if count >= 10:
        used = {item["relationships"]["stock_location"] for item in data["stock_items"]}
        assert used == {location["id"] for location in data["stock_locations"]}


def test_a_large_bench_is_quick() -> None:
    # CPU time, not wall time: other people's work on a shared machine must not fail this.
    started = time.process_time()
    data = generate("bench:100000")
    elapsed = time.process_time() - started
    assert len(data["stock_items"]) == 100_000
    ids = [item["id"] for item in data["stock_items"]]
    assert len(set(ids)) == len(ids) and all(ID.match(i) for i in ids[:1000])
    assert elapsed < 4.0, f"bench:100000 took {elapsed:.1f} s of CPU"


@pytest.mark.parametrize("seed", ["demo2", "bench:", "bench:-3", "bench:abc", "bench:99999999", ""])
def test_unknown_seeds_are_refused_with_a_clear_message(seed: str) -> None:
    with pytest.raises(ValueError, match="seed - "):
        generate(seed)
