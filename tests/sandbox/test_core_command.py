"""``stockroom sandbox`` (contract A): the three ready lines, ``--db`` persistence, refusals; ``start_background``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from desktop_app.sandbox import start_background
from tests.sandbox.core_support import client_for, small_company
from tests.support.sandbox import start_sandbox


def test_command_prints_its_address_and_credentials_and_keeps_data_in_db(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.sqlite"
    sent = {"data": {"type": "shipping_categories", "attributes": {"name": "Fragile"}}}
    with start_sandbox("--db", str(db), "--client-id", "me", "--client-secret", "s3cret", seed="empty") as running:
        assert running.output[0].startswith("Sandbox listening on http://127.0.0.1:")
        assert running.output[1:3] == ["client_id: me\n", "client_secret: s3cret\n"]
        with httpx.Client() as bare:
            token = bare.post(
                running.token_url,
                json={"grant_type": "client_credentials", "client_id": "me", "client_secret": "s3cret"},
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/vnd.api+json"}
            created = bare.post(running.api_url + "/shipping_categories", json=sent, headers=headers)
            assert created.status_code == 201, created.text
    with start_sandbox("--db", str(db), "--client-id", "me", "--client-secret", "s3cret", seed="empty") as again:
        token = httpx.post(
            again.token_url, json={"grant_type": "client_credentials", "client_id": "me", "client_secret": "s3cret"}
        ).json()["access_token"]
        listed = httpx.get(again.api_url + "/shipping_categories", headers={"Authorization": f"Bearer {token}"})
        assert [d["attributes"]["name"] for d in listed.json()["data"]] == ["Fragile"]


@pytest.mark.parametrize(
    ("arguments", "named"),
    [(["--seed", "lots"], "--seed"), (["--db", "/nonexistent/dir/x.sqlite"], "--db"), (["--port", "70000"], "--port")],
)
def test_command_refuses_bad_arguments_in_one_line(arguments: list[str], named: str) -> None:
    command = [sys.executable, "-m", "desktop_app", "sandbox", *arguments]
    result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and named in result.stderr and "Traceback" not in result.stderr


def test_start_background_contract() -> None:
    with start_background(seed="empty", records=small_company()) as running:
        assert running.url.startswith("http://127.0.0.1:") and not running.url.endswith("/")
        assert running.api_url == running.url + "/api" and running.token_url == running.url + "/oauth/token"
        assert (running.client_id, running.client_secret) == ("stockroom-demo", "stockroom-demo-secret")
        with client_for(running) as client:
            assert client.get("skus").json()["meta"]["record_count"] == 4
    try:
        httpx.get(running.url + "/api/skus", timeout=2)
    except httpx.TransportError:
        pass
    else:
        raise AssertionError("the sandbox still answers after stop()")
