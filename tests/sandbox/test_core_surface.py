"""Tokens, the ``/_sandbox`` test surface (faults, request log, reset) and rate limits, over real HTTP."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator

import httpx
import pytest

from desktop_app.sandbox import ClassLimits, Limit, RunningSandbox, start_background
from tests.sandbox.core_support import client_for, one_error, small_company


def fault(server: RunningSandbox, **spec: object) -> httpx.Response:
    return httpx.post(server.url + "/_sandbox/faults", json=spec, timeout=10)


def log(server: RunningSandbox) -> list[dict[str, object]]:
    entries: list[dict[str, object]] = httpx.get(server.url + "/_sandbox/requests").json()["requests"]
    return entries


def new_item(api: httpx.Client) -> httpx.Response:
    return api.post(
        "stock_items",
        json={
            "data": {
                "type": "stock_items",
                "attributes": {"quantity": 1},
                "relationships": {
                    "sku": {"data": {"type": "skus", "id": "SkuMugXXX0"}},
                    "stock_location": {"data": {"type": "stock_locations", "id": "LocLyon000"}},
                },
            }
        },
    )


def count(api: httpx.Client, path: str = "stock_items") -> int:
    return int(api.get(path).json()["meta"]["record_count"])


def test_token_response_and_payload(server: RunningSandbox) -> None:
    sent = {"grant_type": "client_credentials", "client_id": server.client_id, "client_secret": server.client_secret}
    response = httpx.post(server.token_url, json=sent)
    assert response.status_code == 200
    token = response.json()
    assert token["token_type"] == "bearer" and token["expires_in"] == 7200 and token["scope"] == "market:all"
    assert isinstance(token["created_at"], int)
    header, payload, signature = token["access_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["organization"]["slug"] == "stockroom-demo" and len(claims["organization"]["id"]) == 10
    assert claims["application"] == claims["application"] | {"kind": "integration", "client_id": server.client_id}
    assert claims["test"] is True and claims["exp"] - claims["iat"] == 7200 and claims["iss"]
    assert json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["typ"] == "JWT" and signature
    form = httpx.post(server.token_url, data=sent | {"scope": "market:id:abc"})
    assert form.status_code == 200 and form.json()["scope"] == "market:id:abc"


def test_token_refusals(server: RunningSandbox) -> None:
    wrong = {"grant_type": "client_credentials", "client_id": server.client_id, "client_secret": "nope"}
    one_error(httpx.post(server.token_url, json=wrong), 401, "UNAUTHORIZED")
    one_error(httpx.post(server.token_url, json=wrong | {"grant_type": "password"}), 400)
    assert httpx.get(server.token_url).status_code == 405


def test_tokens_expire() -> None:
    with (
        start_background(seed="empty", records=small_company(), token_lifetime=2) as short,
        client_for(short) as client,
    ):
        # ``exp`` is a whole second, so a token lives between one and two seconds: wait for the moment it names.
        token = client.headers["authorization"].split()[1]
        expires = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))["exp"]
        assert client.get("skus").status_code == 200
        time.sleep(max(expires - time.time(), 0) + 0.05)
        one_error(client.get("skus"), 401, "INVALID_TOKEN")


def test_expire_token_fault(api: httpx.Client, server: RunningSandbox) -> None:
    assert fault(server, method="GET", path="/api/skus", expire_token=True).status_code == 201
    one_error(api.get("skus"), 401, "INVALID_TOKEN")
    assert api.get("skus").status_code == 200


def test_status_fault_fails_matching_requests_without_changing_anything(
    api: httpx.Client, server: RunningSandbox
) -> None:
    fault(server, method="PATCH", path="/api/stock_items", count=2, status=503)
    sent = {"data": {"type": "stock_items", "id": "ItemTshMil", "attributes": {"quantity": 77}}}
    assert api.get("stock_items/ItemTshMil").status_code == 200  # GET does not match
    one_error(api.patch("stock_items/ItemTshMil", json=sent), 503)
    one_error(api.patch("stock_items/ItemTshMil", json=sent), 503)
    assert api.get("stock_items/ItemTshMil").json()["data"]["attributes"]["quantity"] == 10
    assert api.patch("stock_items/ItemTshMil", json=sent).json()["data"]["attributes"]["quantity"] == 77


def test_delay_fault(api: httpx.Client, server: RunningSandbox) -> None:
    fault(server, method="*", path="/api/skus", delay=0.4)
    started = time.monotonic()
    assert api.get("skus").status_code == 200
    assert time.monotonic() - started >= 0.4
    started = time.monotonic()
    api.get("skus")
    assert time.monotonic() - started < 0.4


def test_drop_before_commit_loses_the_change(api: httpx.Client, server: RunningSandbox) -> None:
    fault(server, method="POST", path="/api/stock_items", drop="before")
    with pytest.raises(httpx.TransportError):
        new_item(api)
    assert count(api) == 5
    assert new_item(api).status_code == 201


def test_drop_after_commit_keeps_the_change(api: httpx.Client, server: RunningSandbox) -> None:
    fault(server, method="POST", path="/api/stock_items", drop="after")
    with pytest.raises(httpx.TransportError):
        new_item(api)
    assert count(api) == 6
    assert one_error(new_item(api), 422)["source"]["pointer"] == "/data/relationships/sku"  # the twin is refused


def test_bad_fault_specs(server: RunningSandbox) -> None:
    for spec in (
        {"status": 200},
        {"drop": "sideways"},
        {"count": 0, "status": 500},
        {"path": "api", "status": 500},
        {},
    ):
        response = fault(server, **spec)
        assert response.status_code == 400 and response.json()["errors"][0]["detail"].startswith("bad fault"), spec


def test_request_log_and_reset(api: httpx.Client, server: RunningSandbox) -> None:
    httpx.delete(server.url + "/_sandbox/requests")
    api.get("skus", params={"page[size]": 2})
    api.get("skus/NoSuchSku0")
    assert new_item(api).status_code == 201
    entries = log(server)
    assert entries == [
        {"method": "GET", "path": "/api/skus", "query": "page%5Bsize%5D=2", "status": 200},
        {"method": "GET", "path": "/api/skus/NoSuchSku0", "query": "", "status": 404},
        {"method": "POST", "path": "/api/stock_items", "query": "", "status": 201},
    ]
    fault(server, method="*", path="/api", status=500)
    reset = httpx.post(server.url + "/_sandbox/reset")
    assert reset.status_code == 200
    assert log(server) == [] and httpx.get(server.url + "/_sandbox/faults").json()["faults"] == []
    assert count(api) == 5


@pytest.fixture
def limited() -> Iterator[RunningSandbox]:
    overrides = {"cacheable": ClassLimits(Limit(5, 2), Limit(3, 1)), "token": Limit(3, 60)}
    with start_background(
        seed="empty", records=small_company(), rate_limits="test", rate_limit_overrides=overrides
    ) as running:
        yield running


def test_rate_limits_burst_and_average(limited: RunningSandbox) -> None:
    with client_for(limited) as client:
        remaining = []
        for _ in range(3):
            response = client.get("skus")
            assert response.status_code == 200
            assert response.headers["x-ratelimit-limit"] == "5" and response.headers["x-ratelimit-interval"] == "2"
            remaining.append(response.headers["x-ratelimit-remaining"])
        assert remaining == ["4", "3", "2"]
        burst = client.get("skus")  # burst of 3 per second on one endpoint
        one_error(burst, 429)
        # The headers describe the average window only: two of its five requests are still left.
        assert (burst.headers["x-ratelimit-limit"], burst.headers["x-ratelimit-remaining"]) == ("5", "2")
        assert client.get("stock_levels").status_code == 200  # another class has its own windows
        time.sleep(1.05)
        assert client.get("stock_items").headers["x-ratelimit-remaining"] == "1"
        assert client.get("skus").headers["x-ratelimit-remaining"] == "0"
        refused = client.get("stock_locations")  # average of 5 per 2 s over the whole class
        one_error(refused, 429)
        assert refused.headers["x-ratelimit-remaining"] == "0"
        time.sleep(2.05)
        assert client.get("skus").status_code == 200


def test_token_endpoint_rate_limit(limited: RunningSandbox) -> None:
    sent = {"grant_type": "client_credentials", "client_id": limited.client_id, "client_secret": limited.client_secret}
    statuses = [httpx.post(limited.token_url, json=sent).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_live_limits_advertise_each_class_and_off_advertises_nothing(server: RunningSandbox) -> None:
    with (
        start_background(seed="empty", records=small_company(), rate_limits="live") as live,
        client_for(live) as client,
    ):
        assert client.get("skus").headers["x-ratelimit-limit"] == "1000"
        assert client.get("stock_levels").headers["x-ratelimit-limit"] == "200"
        created = client.post(
            "shipping_categories", json={"data": {"type": "shipping_categories", "attributes": {"name": "Fragile"}}}
        )
        assert created.status_code == 201 and created.headers["x-ratelimit-limit"] == "200"
        assert created.headers["x-ratelimit-interval"] == "60" and created.headers["x-ratelimit-remaining"] == "199"
    with client_for(server) as plain:
        assert "x-ratelimit-limit" not in plain.get("skus").headers


def test_dropped_requests_are_logged_without_a_status(api: httpx.Client, server: RunningSandbox) -> None:
    httpx.delete(server.url + "/_sandbox/requests")
    fault(server, method="GET", path="/api/skus", drop="before")
    with pytest.raises(httpx.TransportError):
        api.get("skus")
    assert log(server) == [{"method": "GET", "path": "/api/skus", "query": "", "status": None}]


def test_concurrent_updates_keep_strictly_increasing_timestamps(server: RunningSandbox, api: httpx.Client) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def bump(quantity: int) -> str:
        sent = {"data": {"type": "stock_items", "id": "ItemMugBer", "attributes": {"quantity": quantity}}}
        response = api.patch("stock_items/ItemMugBer", json=sent)
        assert response.status_code == 200, response.text
        return str(response.json()["data"]["attributes"]["updated_at"])

    with ThreadPoolExecutor(8) as pool:
        stamps = list(pool.map(bump, range(40)))
    assert len(set(stamps)) == 40
