"""The resource description, value rules and query grammar every layer shares."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.schema import (
    LEGACY_STOCK_LEVELS,
    STOCK_LEVELS,
    FieldError,
    QueryError,
    build_filter_params,
    coerce,
    format_datetime,
    get_resource,
    parse_datetime,
    parse_fields,
    parse_filter_key,
    parse_include,
    parse_sort,
    parse_text,
    resources,
)
from desktop_app.schema.extract import extract

CATALOGUE = Path(__file__).resolve().parents[3] / "shared" / "commercelayer" / "resources-7.9.16.json"


def test_served_resources_and_the_stock_levels_alias() -> None:
    assert set(resources()) == {
        "addresses",
        "inventory_models",
        "inventory_stock_locations",
        "stock_items",
        "stock_locations",
        "skus",
        "reserved_stocks",
        "stock_transfers",
        "shipping_categories",
        "versions",
        "imports",
    }
    assert get_resource(LEGACY_STOCK_LEVELS) is get_resource(STOCK_LEVELS)
    assert get_resource("stock_item").type == "stock_items"
    with pytest.raises(KeyError):
        get_resource("orders")


def test_stock_levels_shape_matches_the_seed_pages() -> None:
    levels = get_resource("stock_levels")
    assert levels.fields["priority"].type == "integer"
    assert levels.fields["priority"].required
    assert not levels.fields["on_hold"].required
    assert {"stock_location", "inventory_model"} <= set(levels.relationships)
    assert all(levels.relationships[r].required for r in ("stock_location", "inventory_model"))
    for key in ("id", "on_hold", "reference", "stock_location_id", "inventory_model_id", "ids", "created_at_from"):
        assert key in levels.filters
    assert set(levels.sortable_fields) >= {"priority", "on_hold", "id", "created_at", "updated_at", "reference"}


def test_conditional_requirements_are_rules() -> None:
    assert get_resource("stock_items").relationships["sku"].required_unless == "sku_code"
    assert get_resource("skus").relationships["shipping_category"].required_unless == "do_not_ship"
    assert get_resource("addresses").fields["company"].required_when == ("business", True)
    assert get_resource("reserved_stocks").actions == frozenset({"list", "retrieve"})
    assert get_resource("inventory_models").fields["strategy"].enum is not None


def test_relationships_only_point_at_served_resources() -> None:
    served = set(resources())
    for resource in resources().values():
        for rel in resource.relationships.values():
            assert rel.target in served, (resource.type, rel.name)


@pytest.mark.skipif(not CATALOGUE.exists(), reason="Commerce Layer's catalogue is not beside the checkout")
def test_committed_catalogue_is_what_the_extractor_produces() -> None:
    committed = json.loads((Path(__file__).resolve().parents[2] / "desktop_app/schema/catalogue.json").read_text())
    assert extract(json.loads(CATALOGUE.read_text())) == committed


def test_integer_fields_accept_numeric_strings_and_name_the_field() -> None:
    priority = get_resource("stock_levels").field("priority")
    assert coerce(priority, "1") == 1
    assert coerce(priority, 7) == 7
    for bad in ("abc", "1.5", True, [], {}):
        with pytest.raises(FieldError) as caught:
            coerce(priority, bad)
        assert caught.value.field == "priority"
        assert str(caught.value) == "priority - must be an integer"


def test_bounds_enums_booleans_and_datetimes() -> None:
    model = get_resource("inventory_models")
    with pytest.raises(FieldError, match="stock_locations_cutoff - must be less than or equal to 10"):
        coerce(model.field("stock_locations_cutoff"), 11)
    with pytest.raises(FieldError, match="strategy - must be one of"):
        coerce(model.field("strategy"), "random")
    assert coerce(get_resource("stock_levels").field("on_hold"), "false") is False
    with pytest.raises(FieldError):
        coerce(get_resource("stock_levels").field("on_hold"), "maybe")
    stamp = coerce(model.field("created_at"), "2018-01-01T12:00:00+02:00")
    assert stamp == "2018-01-01T10:00:00.000Z"


def test_parse_text_reads_what_people_type() -> None:
    items = get_resource("stock_items")
    assert parse_text(items.field("quantity"), " 12 ") == 12
    assert parse_text(items.field("metadata"), '{"bin": "A3"}') == {"bin": "A3"}
    assert parse_text(get_resource("stock_levels").field("on_hold"), "yes") is True
    assert parse_text(items.field("reference"), "") is None
    with pytest.raises(FieldError, match="metadata - must be JSON"):
        parse_text(items.field("metadata"), "{bin")


@given(st.datetimes(timezones=st.just(__import__("datetime").UTC)))
def test_datetime_round_trip_keeps_milliseconds(moment: object) -> None:
    text = format_datetime(moment)  # type: ignore[arg-type]
    assert text.endswith("Z") and len(text) == len("2018-01-01T12:00:00.000Z")
    assert format_datetime(parse_datetime(text)) == text


@pytest.mark.parametrize(
    ("key", "paths", "predicate"),
    [
        ("quantity_gteq", (("quantity",),), "gteq"),
        ("sku_code_or_sku_name_i_cont", (("sku", "code"), ("sku", "name")), "i_cont"),
        ("stock_location_id_in", (("stock_location", "id"),), "in"),
        ("ids", (("id",),), "in"),
        ("updated_at_from", (("updated_at",),), "gteq"),
        ("sku_codes", (("sku", "code"),), "in"),
        ("metadata_jcont", (("metadata",),), "jcont"),
        ("reference_not_null", (("reference",),), "not_null"),
        ("stock_location_address_country_code_eq", (("stock_location", "address", "country_code"),), "eq"),
    ],
)
def test_filter_keys(key: str, paths: tuple[tuple[str, ...], ...], predicate: str) -> None:
    condition = parse_filter_key(get_resource("stock_items"), key)
    assert condition.paths == paths
    assert condition.predicate == predicate


def test_unfilterable_attribute_falls_through_to_the_relationship() -> None:
    # sku_code is an attribute of stock items the catalogue does not let you filter on; Ransack reads the key as
    # the code of the related SKU instead.
    assert parse_filter_key(get_resource("stock_items"), "sku_code_eq").paths == (("sku", "code"),)


@pytest.mark.parametrize("key", ["quantity", "metadata_eq", "colour_eq", "priority_eq", "sku_colour_eq"])
def test_filters_outside_the_catalogue_are_refused(key: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_filter_key(get_resource("stock_items"), key)
    assert caught.value.code == "FILTER_NOT_ALLOWED"
    assert key in str(caught.value)


def test_filter_values_are_encoded_like_commerce_layer_expects() -> None:
    params = build_filter_params(
        get_resource("stock_levels"), {"id_in": ["a", "b"], "on_hold_true": True, "metadata_jcont": {"x": 1}}
    )
    assert params == {
        "filter[q][id_in]": "a,b",
        "filter[q][on_hold_true]": "true",
        "filter[q][metadata_jcont]": '{"x":1}',
    }


def test_sort_include_and_fields() -> None:
    items = get_resource("stock_items")
    assert parse_sort(items, "-quantity,created_at") == [("quantity", True), ("created_at", False)]
    with pytest.raises(QueryError) as caught:
        parse_sort(items, "sku_code")
    assert caught.value.code == "INVALID_SORT_CRITERIA"
    assert parse_include(items, "sku,stock_location.address") == [("sku",), ("stock_location", "address")]
    with pytest.raises(QueryError):
        parse_include(items, "sku.nothing")
    assert parse_fields(items, "quantity,sku") == frozenset({"quantity", "sku"})
    with pytest.raises(QueryError):
        parse_fields(items, "colour")
