"""Commerce Layer's own JS SDK, unchanged, works against the sandbox.

The sandbox is only useful if it behaves like Commerce Layer for clients we did not write. The SDK insists on
``https://<organization>.<domain>/api``; we give it ``domain = "localhost:<port>"``, a certificate for those
``*.localhost`` names trusted through ``NODE_EXTRA_CA_CERTS``, a resolver hook that sends ``*.localhost`` to
127.0.0.1 (what browsers already do), and a TLS terminator in front of the sandbox's HTTP port.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.sandbox.api_session import api_session
from tests.sandbox.node_tools import ensure_installed
from tests.sandbox.shapes import TIMESTAMP
from tests.sandbox.tls import make_certificate, tls_terminator
from tests.support.sandbox import SandboxProcess

SDK_DIR = Path(__file__).parent / "sdk"
ORGANIZATION = "stockroom-demo"


@pytest.fixture(scope="module")
def sdk_ready() -> None:
    ensure_installed(SDK_DIR)


def _run_sdk(sandbox: SandboxProcess, workdir: Path) -> dict[str, Any]:
    certificate = make_certificate(workdir, [f"{ORGANIZATION}.localhost", "auth.localhost", "localhost"])
    port = urlsplit(sandbox.url).port
    assert port is not None
    with tls_terminator(certificate, port) as tls_port:
        env = dict(
            os.environ,
            NODE_EXTRA_CA_CERTS=str(certificate.cert_path),
            CL_ORGANIZATION=ORGANIZATION,
            CL_DOMAIN=f"localhost:{tls_port}",
            CL_CLIENT_ID=sandbox.client_id,
            CL_CLIENT_SECRET=sandbox.client_secret,
        )
        command = ["node", "--require", "./localhost-resolves.cjs", "run.cjs"]
        result = subprocess.run(command, cwd=SDK_DIR, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, f"the SDK script failed:\n{result.stderr[-4000:]}"
    output: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return output


def test_the_official_sdk_lists_creates_updates_and_deletes(
    sdk_ready: None, fresh_sandbox: SandboxProcess, tmp_path: Path
) -> None:
    out = _run_sdk(fresh_sandbox, tmp_path)

    assert out["token"] == {"token_type": "bearer", "expires_in": 7200}

    listing = out["stock_items"]
    with api_session(fresh_sandbox) as api:
        expected = api.get("stock_items", params={"filter[q][quantity_gt]": "0", "page[size]": "25"}).json()
    assert listing["record_count"] == expected["meta"]["record_count"]
    assert listing["page_count"] == expected["meta"]["page_count"]
    assert [record["id"] for record in listing["records"]] == [record["id"] for record in expected["data"]]
    assert len(listing["records"]) == 25
    for record in listing["records"]:
        assert record["type"] == "stock_items"
        assert isinstance(record["quantity"], int) and record["quantity"] > 0
        assert record["sku"] is not None, "include=sku must fill the SKU"
        assert record["sku"]["type"] == "skus"
        assert record["sku"]["code"] == record["sku_code"]
        assert re.fullmatch(r"[A-Z]{3}-\d{2}", record["stock_location"]["code"])
        if record["reserved_quantity"] is not None:
            assert 0 < record["reserved_quantity"] <= record["quantity"]
    assert out["related_sku"]["id"] == listing["records"][0]["sku"]["id"]
    assert out["related_sku"]["type"] == "skus"
    assert out["count"] == listing["record_count"]
    inventory = out["sku_inventory"]
    assert isinstance(inventory["available"], bool) and isinstance(inventory["quantity"], int)
    assert inventory["available"] == (inventory["quantity"] > 0)
    assert all(isinstance(level["quantity"], int) for level in inventory["levels"])
    picked = out["picked_locations"]
    assert [location["code"] for location in picked] == ["NWK-01", "MIL-01", "BER-01"]
    assert all(location["name"] and "label_format" not in location for location in picked), "fields[] is sparse"

    created = out["created"]
    assert created["type"] == "inventory_stock_locations"
    assert created["priority"] == 7 and created["on_hold"] is False
    assert created["metadata"] == {"source": "sdk"}
    assert TIMESTAMP.match(created["created_at"])
    assert created["stock_location"] == out["model"]["location"]
    assert out["updated"] == {
        "id": created["id"],
        "priority": 8,
        "on_hold": True,
        "updated_at": out["updated"]["updated_at"],
    }
    assert TIMESTAMP.match(out["updated"]["updated_at"])
    assert out["retrieved"] == {"priority": 8, "on_hold": True, "inventory_model": out["model"]["id"]}
    assert out["invalid"] == {"status": 422, "code": "VALIDATION_ERROR", "pointer": "/data/attributes/priority"}
    assert out["after_delete"]["status"] == 404
    assert out["after_delete"]["code"] == "RECORD_NOT_FOUND"

    seen = {(entry["method"], entry["path"], entry["status"]) for entry in fresh_sandbox.requests()}
    assert ("POST", "/api/inventory_stock_locations", 201) in seen
    assert ("PATCH", f"/api/inventory_stock_locations/{created['id']}", 200) in seen
    assert ("DELETE", f"/api/inventory_stock_locations/{created['id']}", 204) in seen
