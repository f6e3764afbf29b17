"""Whatever a client sends, the sandbox answers in Commerce Layer's error shape and never with a 500.

Each case here once broke it: a lone surrogate was stored and then every page holding it failed to encode; deep
nesting exhausted the stack; a 4,400-digit number and a page number past 2**63 raised inside the parser and the
pager. The property test at the end throws generated bodies and query strings at it over HTTP.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.sandbox import RunningSandbox
from desktop_app.sandbox.bodies import MAX_BODY_BYTES
from desktop_app.schema import get_resource, resources
from tests.sandbox.core_support import ids, one_error


def _patch_body(type_: str, id_: str, attributes: dict[str, Any]) -> bytes:
    """A PATCH document as bytes; ``json.dumps`` escapes a lone surrogate as ``\\udXXX``, as a client would."""
    return json.dumps({"data": {"type": type_, "id": id_, "attributes": attributes}}).encode()


def test_a_lone_surrogate_is_refused_and_pages_keep_working(api: httpx.Client) -> None:
    response = api.patch("skus/SkuTshirt0", content=_patch_body("skus", "SkuTshirt0", {"name": "T-shirt \ud800"}))
    error = one_error(response, 400, "INVALID_DATA_FORMAT")
    assert error["source"]["pointer"] == "/data/attributes/name"
    nested = {"metadata": {"bin": ["A", "\udfff"]}}
    error = one_error(api.patch("skus/SkuTshirt0", content=_patch_body("skus", "SkuTshirt0", nested)), 400)
    assert error["source"]["pointer"] == "/data/attributes/metadata/bin/1"
    key = {"metadata": {"\udc00": 1}}
    one_error(api.patch("skus/SkuTshirt0", content=_patch_body("skus", "SkuTshirt0", key)), 400, "INVALID_DATA_FORMAT")
    assert "SkuTshirt0" in ids(api.get("skus"))
    assert api.get("skus/SkuTshirt0").json()["data"]["attributes"]["name"] == "T-shirt XL"


def test_deep_bodies_and_deep_filters_are_400(api: httpx.Client) -> None:
    for depth in (101, 5_000, 100_000):
        metadata = "[" * depth + "]" * depth
        body = f'{{"data":{{"type":"skus","id":"SkuTshirt0","attributes":{{"metadata":{metadata}}}}}}}'
        one_error(api.patch("skus/SkuTshirt0", content=body.encode()), 400, "INVALID_DATA_FORMAT")
    shallow = {"a": {"b": {"c": 1}}}
    assert api.patch("skus/SkuTshirt0", content=_patch_body("skus", "SkuTshirt0", {"metadata": shallow})).is_success
    deep_filter = '{"a":' * 3_000 + "1" + "}" * 3_000
    error = one_error(api.get("skus", params={"filter[q][metadata_jcont]": deep_filter}), 400, "INVALID_FILTER_VALUE")
    assert "deeper than 100" in error["detail"]
    one_error(api.get("skus", params={"include": ".".join(["stock_items", "sku"] * 50)}), 400, "INVALID_INCLUDE")


def test_huge_numbers_and_page_numbers_are_400(api: httpx.Client) -> None:
    digits = "4" * 4_400
    body = f'{{"data":{{"type":"stock_items","id":"ItemTshMil","attributes":{{"quantity":{digits}}}}}}}'
    one_error(api.patch("stock_items/ItemTshMil", content=body.encode()), 400, "INVALID_DATA_FORMAT")
    as_text = _patch_body("stock_items", "ItemTshMil", {"quantity": digits})
    one_error(api.patch("stock_items/ItemTshMil", content=as_text), 422, "VALIDATION_ERROR")
    for not_json in ("NaN", "Infinity", "1e999"):
        body = f'{{"data":{{"type":"skus","id":"SkuTshirt0","attributes":{{"metadata":{{"x":{not_json}}}}}}}}}'
        one_error(api.patch("skus/SkuTshirt0", content=body.encode()), 400, "INVALID_DATA_FORMAT")
    for number in ("99999999999999999999", "2147483648", digits):
        one_error(api.get("stock_items", params={"page[number]": number}), 400, "INVALID_PAGE_VALUE")
    beyond = api.get("stock_items", params={"page[number]": "2147483647"})
    assert beyond.status_code == 200 and beyond.json()["data"] == []
    one_error(api.get("stock_items", params={"filter[q][quantity_gt]": digits}), 400, "INVALID_FILTER_VALUE")
    before_time = {"filter[q][created_at_gt]": "0001-01-01T00:00:00+01:00"}
    one_error(api.get("stock_items", params=before_time), 400, "INVALID_FILTER_VALUE")


def test_bodies_over_the_limit_are_413(api: httpx.Client) -> None:
    padding = "x" * (MAX_BODY_BYTES + 1)
    body = _patch_body("skus", "SkuTshirt0", {"description": padding})
    error = one_error(api.patch("skus/SkuTshirt0", content=body), 413)
    assert f"{MAX_BODY_BYTES:,}" in error["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds while the body streams in
        for start in range(0, len(body), 65_536):
            yield body[start : start + 65_536]

    one_error(api.patch("skus/SkuTshirt0", content=chunks()), 413)
    one_error(api.post("/oauth/token", content=b"{" + b" " * MAX_BODY_BYTES + b"}"), 413)
    assert api.get("skus/SkuTshirt0").json()["data"]["attributes"]["description"] is None


def test_the_token_endpoint_takes_any_credentials_without_failing(server: RunningSandbox) -> None:
    for body in (
        {"grant_type": "client_credentials", "client_id": "héllo", "client_secret": "wörld"},
        {"grant_type": "client_credentials", "client_id": ["x"], "client_secret": 7},
    ):
        assert httpx.post(server.token_url, json=body, timeout=10).status_code == 401
    lone = b'{"grant_type":"client_credentials","client_id":"\\ud800","client_secret":"x"}'
    response = httpx.post(server.token_url, content=lone, headers={"Content-Type": "application/json"}, timeout=10)
    one_error(response, 400, "INVALID_DATA_FORMAT")
    listed = {"grant_type": ["client_credentials"]}
    detail = one_error(httpx.post(server.token_url, json=listed, timeout=10), 400)["detail"]
    assert '["client_credentials"]' in detail and "['" not in detail


def test_messages_quote_values_as_json_never_as_python(api: httpx.Client) -> None:
    cases = [
        api.patch("skus/SkuTshirt0", json={"data": {"type": [None, 1], "id": "SkuTshirt0"}}),
        api.patch("skus/SkuTshirt0", json={"data": {"type": "skus", "id": [None, True]}}),
        api.get("stock_items", params={"page[size]": "many"}),
        api.get("stock_items", params={"sort": "nope"}),
        api.get("stock_items", params={"filter[q][quantity_gt]": "seven"}),
    ]
    for response in cases:
        detail = one_error(response, 400)["detail"]
        for python_only in ("None", "True", "'"):
            assert python_only not in detail, detail
    assert "[null, 1]" in one_error(cases[0], 400, "TYPE_MISMATCH")["detail"]
    assert "[null, true]" in one_error(cases[1], 400, "KEY_NOT_INCLUDED_IN_URL")["detail"]


# -- generated input -------------------------------------------------------------------------------------------
TYPES = sorted(resources())
ODD_TEXT = st.sampled_from(["\ud800", "a\udfffb", "", " ", "%", "0", "-1", "1e999", "٣", "null", "true", "\x00"])
TEXT = st.one_of(st.text(max_size=12), ODD_TEXT)
NUMBERS = st.one_of(
    st.integers(), st.integers(min_value=10**30, max_value=10**40), st.floats(allow_nan=False, allow_infinity=False)
)
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), NUMBERS, TEXT),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)


@st.composite
def documents(draw: st.DrawFn, type_: str) -> Any:
    """Mostly well-shaped JSON:API documents with generated names and values, sometimes anything at all."""
    resource = get_resource(type_)
    names = st.one_of(st.sampled_from(sorted(resource.fields)), TEXT)
    relationship = st.one_of(
        st.fixed_dictionaries({"data": st.one_of(st.none(), JSON_VALUES)}),
        st.fixed_dictionaries({"data": st.fixed_dictionaries({"type": st.sampled_from(TYPES), "id": TEXT})}),
        JSON_VALUES,
    )
    data = {
        "type": draw(st.one_of(st.just(type_), JSON_VALUES)),
        "id": draw(st.one_of(st.none(), TEXT, JSON_VALUES)),
        "attributes": draw(st.dictionaries(names, JSON_VALUES, max_size=4)),
        "relationships": draw(
            st.dictionaries(st.sampled_from(sorted(resource.relationships) or ["x"]), relationship, max_size=2)
        ),
    }
    return draw(st.one_of(st.just({"data": data}), JSON_VALUES))


def _query_key(type_: str) -> st.SearchStrategy[str]:
    resource = get_resource(type_)
    attribute = st.sampled_from(sorted(resource.fields))
    predicate = st.sampled_from(["eq", "cont", "gt", "in", "jcont", "true", "null", "start_any", "not_eq_or_null"])
    return st.one_of(
        st.builds(lambda a, p: f"filter[q][{a}_{p}]", attribute, predicate),
        st.sampled_from(["include", "sort", "page[number]", "page[size]", "filter[ids]", f"fields[{type_}]"]),
        st.builds(lambda t: f"fields[{t}]", TEXT),
        TEXT,
    )


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, str, list[tuple[str, str]], bytes | None]:
    type_ = draw(st.sampled_from(TYPES))
    method = draw(st.sampled_from(["GET", "GET", "POST", "PATCH", "DELETE", "HEAD", "PUT", "OPTIONS"]))
    targets = ["", "/SkuTshirt0", "/ItemTshMil", "/LevelMil00", "/nope", "/x/sku", "/x/y/z"]
    targets += ["/ItemTshMil/stock_reservations", "/SkuTshirt0/tags", "/TransfDrft/shipment", "/SkuTshirt0/versions"]
    target = draw(st.sampled_from(targets))
    path = f"/api/{type_}{'' if method == 'POST' else target}"
    if draw(st.integers(0, 9)) == 0:  # now and then a path outside the resources
        path = draw(st.sampled_from(["/api/organization", "/api/application", "/api/markets", "/api"]))
    query_values = st.one_of(TEXT, st.sampled_from(["sku,stock_location", "-created_at", "1", "25", "{}"]))
    query = draw(st.lists(st.tuples(_query_key(type_), query_values), max_size=3))
    body = None
    if method in ("POST", "PATCH", "PUT"):
        body = json.dumps(draw(documents(type_))).encode()
    return method, path, query, body


def _quoted(text: str) -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(request=requests())
def test_no_generated_request_gets_a_500(api: httpx.Client, request: Any) -> None:
    method, path, query, body = request
    # Percent-encoded by hand: a lone surrogate goes out as the bytes a careless client would send (%ED%A0%80).
    raw_query = "&".join(f"{_quoted(key)}={_quoted(value)}" for key, value in query)
    url = httpx.URL(str(api.base_url).removesuffix("/api/") + path, query=raw_query.encode())
    response = api.request(method, url, content=body)
    assert response.status_code < 500, (method, path, query, body, response.text)
    if response.status_code >= 400 and method != "HEAD":
        assert response.json()["errors"][0]["status"] == str(response.status_code)
    # A write that got through must not have stored anything a page then fails to print.
    if path.count("/") >= 2 and path.split("/")[2] in TYPES:
        newest = {"page[size]": "25", "sort": "-updated_at"}
        after = api.get(path.split("/")[2], params=newest)
        assert after.status_code == 200, after.text
