"""``stockroom reorder`` as a user runs it: a subprocess against the sandbox, with a cache in a temporary folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.reorder import plan_priorities
from tests.reorder.conftest import CONTIGUOUS_MODEL, SPREAD_MODEL, patches
from tests.support.sandbox import SandboxProcess

ROOT = Path(__file__).resolve().parents[2]


def stockroom(sandbox: SandboxProcess, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, STOCKROOM_CLIENT_SECRET=sandbox.client_secret, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "desktop_app", "--data-dir", str(data_dir), "reorder", *args]
    command += ["--base-url", sandbox.url, "--client-id", sandbox.client_id]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)


def levels(sandbox: SandboxProcess, model_id: str) -> list[tuple[str, int]]:
    """(id, priority) of a model's stock levels from the seed, in priority order."""
    from desktop_app.sandbox.seeds import generate

    records = generate("demo")["inventory_stock_locations"]
    found = [
        (r["id"], r["attributes"]["priority"]) for r in records if r["relationships"]["inventory_model"] == model_id
    ]
    return sorted(found, key=lambda level: level[1])


@pytest.mark.parametrize("model_id", [CONTIGUOUS_MODEL, SPREAD_MODEL])
def test_reorder_prints_the_patch_count(fresh_sandbox: SandboxProcess, data_dir: Path, model_id: str) -> None:
    current = levels(fresh_sandbox, model_id)
    ids = [level_id for level_id, _ in current]
    wanted = [ids[-1], *ids[:-1]]
    expected = plan_priorities(current, wanted).patch_count
    done = stockroom(fresh_sandbox, data_dir, model_id, ",".join(wanted))
    assert done.returncode == 0, done.stderr
    noun = "call" if expected == 1 else "calls"
    assert done.stdout.startswith(f"Sent {expected} PATCH {noun} for {len(ids)} stock levels"), done.stdout
    assert len(patches(fresh_sandbox)) == expected
    # the same order again: nothing to send
    again = stockroom(fresh_sandbox, data_dir, model_id, ",".join(wanted))
    assert again.returncode == 0 and again.stdout.startswith("Sent 0 PATCH calls"), again.stdout
    assert len(patches(fresh_sandbox)) == expected


def test_bad_ids_get_one_line_and_exit_2(fresh_sandbox: SandboxProcess, data_dir: Path) -> None:
    ids = [level_id for level_id, _ in levels(fresh_sandbox, SPREAD_MODEL)]
    other = levels(fresh_sandbox, CONTIGUOUS_MODEL)[0][0]
    cases = {
        ",".join([*ids, other]): f"not a stock level of this inventory model: {other}",
        ",".join(ids[:2]): f"leaves out stock level {ids[2]}",
        ",".join([ids[0], *ids]): f"listed more than once: {ids[0]}",
        ",".join(ids) + ",": "an empty id between commas",
    }
    for argument, message in cases.items():
        done = stockroom(fresh_sandbox, data_dir, SPREAD_MODEL, argument)
        assert done.returncode == 2, done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0], done.stderr
    done = stockroom(fresh_sandbox, data_dir, "NoSuchMode", ",".join(ids))
    assert done.returncode == 2 and "no inventory model with id 'NoSuchMode'" in done.stderr, done.stderr
    assert patches(fresh_sandbox) == []


def test_refused_patch_exits_1_and_leaves_the_server_as_it_was(fresh_sandbox: SandboxProcess, data_dir: Path) -> None:
    current = levels(fresh_sandbox, CONTIGUOUS_MODEL)
    ids = [level_id for level_id, _ in current]
    fresh_sandbox.fault(method="PATCH", path="/api/inventory_stock_locations", status=422, count=1)
    done = stockroom(fresh_sandbox, data_dir, CONTIGUOUS_MODEL, ",".join([ids[-1], *ids[:-1]]))
    assert done.returncode == 1, done.stderr
    assert "the server refused the new order" in done.stderr and "put the changed priorities back" in done.stderr
    again = stockroom(fresh_sandbox, data_dir, CONTIGUOUS_MODEL, ",".join(ids))
    assert again.returncode == 0 and again.stdout.startswith("Sent 0 PATCH calls"), again.stdout
