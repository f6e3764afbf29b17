"""A real mouse drag on the stock level list, on the ``minimal`` platform and under Xvfb (each in a subprocess)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from desktop_app.api import CommerceLayerClient, Credentials, Endpoint
from desktop_app.reorder import plan_priorities
from tests.support.sandbox import SandboxProcess

ROOT = Path(__file__).resolve().parents[2]
PLATFORMS = ["minimal", "xvfb"]


def run_driver(platform: str, *args: str, timeout: float = 60) -> dict[str, Any]:
    """Run ``tests.ui.drag_driver`` on ``platform`` and return the JSON line it prints."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "tests.ui.drag_driver", *args]
    if platform == "minimal":
        env["QT_QPA_PLATFORM"] = "minimal:enable_fonts"
    else:
        if shutil.which("xvfb-run") is None:
            pytest.skip("xvfb-run is not installed (make system-deps-test)")
        env["QT_QPA_PLATFORM"] = "xcb"
        command = ["xvfb-run", "-a", "-s", "-screen 0 1024x768x24", *command]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, f"no result from the drag driver:\n{done.stdout}\n{done.stderr[-3000:]}"
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def letters(order: list[str]) -> str:
    return "".join(level_id[0] for level_id in order)


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize(
    ("rows", "destination", "expected"),
    [("4", "0", "eabcd"), ("0", "5", "bcdea"), ("3", "1", "adbce"), ("1,3", "0", "bdace")],
)
def test_real_drag_moves_rows_once(platform: str, rows: str, destination: str, expected: str) -> None:
    result = run_driver(platform, rows, destination)
    assert letters(result["before"]) == "abcde"
    assert letters(result["after"]) == expected, result
    # one reorder per drag, even when Qt moves a multi-row drop one moveRows call at a time
    assert [letters(order) for order in result["reported"]] == [expected]


def seed_levels(model_id: str) -> list[tuple[str, int]]:
    from desktop_app.sandbox.seeds import generate

    records = generate("demo")["inventory_stock_locations"]
    found = [
        (r["id"], r["attributes"]["priority"]) for r in records if r["relationships"]["inventory_model"] == model_id
    ]
    return sorted(found, key=lambda level: level[1])


def server_priorities(sandbox: SandboxProcess, model_id: str) -> dict[str, int]:
    async def read() -> dict[str, int]:
        credentials = Credentials(sandbox.client_id, sandbox.client_secret)
        result: dict[str, int] = {}
        async with CommerceLayerClient(Endpoint.custom(sandbox.url), credentials, rate_limits="off") as client:
            async for page in client.list_all("inventory_stock_locations", filters={"inventory_model_id_eq": model_id}):
                result.update({record.id: record.attributes["priority"] for record in page.records})
        return result

    return asyncio.run(read())


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("case", [("s3wDVO719r", "5", "0"), ("AASiFflQbX", "0", "3")], ids=["contiguous", "spread"])
def test_real_drag_ends_in_the_new_order_on_the_sandbox(
    fresh_sandbox: SandboxProcess, tmp_path: Path, platform: str, case: tuple[str, str, str]
) -> None:
    model_id, rows, destination = case
    current = seed_levels(model_id)
    spec = [fresh_sandbox.url, fresh_sandbox.client_id, fresh_sandbox.client_secret, model_id, str(tmp_path)]
    result = run_driver(platform, rows, destination, "--sandbox", *spec)
    assert result["errors"] == []
    assert result["before"] == [level_id for level_id, _ in current]
    assert result["after"] != result["before"] and result["final"] == result["after"]
    expected = plan_priorities(current, result["after"]).patch_count
    assert result["outcomes"] == [{"sent": expected, "planned": expected, "error": None}]
    priorities = server_priorities(fresh_sandbox, model_id)
    assert sorted(priorities, key=lambda level_id: priorities[level_id]) == result["after"]
    patches = [r for r in fresh_sandbox.requests() if r["method"] == "PATCH" and r["path"].startswith("/api/")]
    assert len(patches) == expected
