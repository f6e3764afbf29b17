"""A real mouse drag on the stock level list, on the ``minimal`` platform and under Xvfb (each in a subprocess)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

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
