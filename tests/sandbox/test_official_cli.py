"""Commerce Layer's own command line (``@commercelayer/cli`` with its resources plugin), unchanged, on the sandbox.

The command line logs in by fetching a token and then reading ``GET /api/organization`` and ``GET /api/application``;
after that every ``resources:*`` command is the JS SDK on the stored credentials. It reaches the sandbox the way the
SDK test does: ``https://<organization>.localhost:<port>`` through a TLS terminator, with a certificate trusted via
``NODE_EXTRA_CA_CERTS`` and ``*.localhost`` resolved to 127.0.0.1 by a ``--require`` hook. The resources plugin is
installed the way ``plugins:install`` leaves it: a user plugin listed in the command line's data folder.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.sandbox.api_session import api_session, free_pair
from tests.sandbox.node_tools import ensure_installed
from tests.sandbox.tls import make_certificate, tls_terminator
from tests.support.sandbox import SandboxProcess

CLI_DIR = Path(__file__).parent / "cli"
RESOLVER = Path(__file__).parent / "sdk" / "localhost-resolves.cjs"
ORGANIZATION = "stockroom-demo"
PLUGIN = "@commercelayer/cli-plugin-resources"
Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module")
def cli_ready() -> None:
    ensure_installed(CLI_DIR)


def _home(root: Path) -> dict[str, str]:
    """A throw-away home whose data folder lists the resources plugin as ``plugins:install`` would."""
    data = root / "data" / "@commercelayer" / "cli"
    data.mkdir(parents=True)
    version = json.loads((CLI_DIR / "package.json").read_text())["dependencies"][PLUGIN]
    manifest = {
        "private": True,
        "oclif": {"schema": 1, "plugins": [{"name": PLUGIN, "type": "user", "tag": version}]},
        "dependencies": {PLUGIN: version},
    }
    (data / "package.json").write_text(json.dumps(manifest))
    (data / "node_modules").symlink_to(CLI_DIR / "node_modules")
    return {
        "HOME": str(root),
        "XDG_CONFIG_HOME": str(root / "config"),
        "XDG_DATA_HOME": str(root / "data"),
        "XDG_CACHE_HOME": str(root / "cache"),
        "NO_UPDATE_NOTIFIER": "1",
        "NO_COLOR": "1",
        "FORCE_COLOR": "0",
    }


@pytest.fixture
def cl(cli_ready: None, fresh_sandbox: SandboxProcess, tmp_path: Path) -> Iterator[tuple[Run, int]]:
    """A function running ``commercelayer <args>`` against the sandbox, and the TLS port it reaches it on."""
    certificate = make_certificate(tmp_path, [f"{ORGANIZATION}.localhost", "auth.localhost", "localhost"])
    port = urlsplit(fresh_sandbox.url).port
    assert port is not None
    env = dict(os.environ, **_home(tmp_path / "home"))
    env["NODE_EXTRA_CA_CERTS"] = str(certificate.cert_path)
    env["NODE_OPTIONS"] = f"--require {RESOLVER}"
    program = ["node", str(CLI_DIR / "node_modules" / "@commercelayer" / "cli" / "bin" / "run.js")]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*program, *args], env=env, capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path
        )

    with tls_terminator(certificate, port) as tls_port:
        yield run, tls_port


def _json(result: subprocess.CompletedProcess[str]) -> Any:
    assert result.returncode == 0, result.stdout + result.stderr
    start = min(i for i in (result.stdout.find("{"), result.stdout.find("[")) if i >= 0)
    return json.JSONDecoder().raw_decode(result.stdout[start:])[0]


def test_the_official_cli_logs_in_lists_and_edits(cl: tuple[Run, int], fresh_sandbox: SandboxProcess) -> None:
    run, port = cl
    login = run(
        "applications:login",
        *("-o", ORGANIZATION, "-d", f"localhost:{port}", "-a", "sandbox"),
        *("-i", fresh_sandbox.client_id, "-s", fresh_sandbox.client_secret),
    )
    assert login.returncode == 0, login.stdout + login.stderr
    assert "Login successful" in login.stdout
    assert re.search(r"Stockroom sandbox .*Stockroom demo \| integration \| test", login.stdout), login.stdout
    seen = {(entry["method"], entry["path"], entry["status"]) for entry in fresh_sandbox.requests()}
    assert {("GET", "/api/organization", 200), ("GET", "/api/application", 200)} <= seen

    listed = _json(run("resources:list", "stock_items", "-w", "quantity_gt=0", "-n", "25", "-i", "sku", "-j", "-u"))
    with api_session(fresh_sandbox) as api:
        expected = api.get("stock_items", params={"filter[q][quantity_gt]": "0", "page[size]": "25"}).json()
        model_id, location_id = free_pair(api)
    assert [record["id"] for record in listed] == [record["id"] for record in expected["data"]]
    assert all(record["sku"]["code"] == record["sku_code"] for record in listed)

    created = _json(
        run(
            "resources:create",
            "inventory_stock_locations",
            *("-a", "priority=7", "-m", "source=cli", "-j", "-u"),
            *("-r", f"stock_location=stock_locations/{location_id}"),
            *("-r", f"inventory_model=inventory_models/{model_id}"),
        )
    )
    assert created["type"] == "inventory_stock_locations"
    assert (created["priority"], created["on_hold"], created["metadata"]) == (7, False, {"source": "cli"})
    level = created["id"]
    updated = _json(run("resources:update", "inventory_stock_locations", level, "-a", "on_hold=true", "-j", "-u"))
    assert updated["on_hold"] is True
    retrieved = _json(
        run("resources:retrieve", "inventory_stock_locations", level, "-i", "inventory_model", "-j", "-u")
    )
    assert (retrieved["priority"], retrieved["inventory_model"]["id"]) == (7, model_id)
    assert run("resources:delete", "inventory_stock_locations", level).returncode == 0
    gone = run("resources:retrieve", "inventory_stock_locations", level)
    assert gone.returncode != 0 and "RECORD_NOT_FOUND" in gone.stdout + gone.stderr
