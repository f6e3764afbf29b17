"""A plain HTTP session on the sandbox, the way any Commerce Layer client starts: token first, then JSON:API.

Deliberately not Stockroom's own API client: these tests check the server's documents byte for byte, so they
must see exactly what went over the wire, with nothing decoded or retried in between.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import httpx

from tests.support.sandbox import SandboxProcess

JSONAPI = "application/vnd.api+json"


def fetch_token(client: httpx.Client, sandbox: SandboxProcess) -> dict[str, Any]:
    """An integration token from ``POST /oauth/token`` (client credentials, JSON body)."""
    response = client.post(
        sandbox.token_url,
        json={
            "grant_type": "client_credentials",
            "client_id": sandbox.client_id,
            "client_secret": sandbox.client_secret,
        },
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200, response.text
    token: dict[str, Any] = response.json()
    return token


@contextlib.contextmanager
def api_session(sandbox: SandboxProcess) -> Iterator[httpx.Client]:
    """An ``httpx.Client`` on ``<sandbox>/api`` with a bearer token and Commerce Layer's JSON:API headers."""
    with httpx.Client(timeout=30) as bare:
        token = fetch_token(bare, sandbox)
    headers = {"Accept": JSONAPI, "Content-Type": JSONAPI, "Authorization": f"Bearer {token['access_token']}"}
    with httpx.Client(base_url=sandbox.api_url + "/", headers=headers, timeout=30) as client:
        yield client


def first_id(client: httpx.Client, path: str, **params: str) -> str:
    """The id of the first record a list returns (the seed pages' example ids do not exist here)."""
    response = client.get(path, params={"page[size]": "1", **params})
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data, f"{path} is empty"
    return str(data[0]["id"])


def free_pair(client: httpx.Client) -> tuple[str, str]:
    """An (inventory model id, stock location id) pair with no stock level yet, so a create is legal."""
    taken: set[tuple[str, str]] = set()
    number, pages = 1, 1
    while number <= pages:
        params = {"page[size]": "25", "page[number]": str(number), "include": "inventory_model,stock_location"}
        page = client.get("inventory_stock_locations", params=params)
        assert page.status_code == 200, page.text
        pages = page.json()["meta"]["page_count"]
        for level in page.json()["data"]:
            relationships = level["relationships"]
            taken.add((relationships["inventory_model"]["data"]["id"], relationships["stock_location"]["data"]["id"]))
        number += 1
    models = [m["id"] for m in client.get("inventory_models", params={"page[size]": "25"}).json()["data"]]
    locations = [s["id"] for s in client.get("stock_locations", params={"page[size]": "25"}).json()["data"]]
    for model in models:
        for location in locations:
            if (model, location) not in taken:
                return model, location
    raise AssertionError("every inventory model already has a stock level in every location")
