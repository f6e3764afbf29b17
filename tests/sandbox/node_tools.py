"""Commerce Layer's own JavaScript tools, installed at their pinned versions for the tests that run them unchanged.

Each tool lives in a folder beside its test with a ``package.json`` pinning exact versions and a lockfile; ``npm ci``
fills its ``node_modules`` once (kept between runs, ignored by git). Without node and npm, or when the npm registry
cannot be reached to install them, the tests are skipped with the reason; any other install failure fails them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

INSTALL_TIMEOUT = 300


def _installed(directory: Path, package: str) -> str | None:
    manifest = directory / "node_modules" / package / "package.json"
    if not manifest.exists():
        return None
    return str(json.loads(manifest.read_text())["version"])


def _registry_reachable(directory: Path) -> bool:
    result = subprocess.run(
        ["npm", "ping", "--loglevel=error"], cwd=directory, capture_output=True, timeout=60, check=False
    )
    return result.returncode == 0


def ensure_installed(directory: Path) -> None:
    """Install the exact versions ``directory/package.json`` pins, unless they are already there."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("node and npm are needed to run Commerce Layer's JS tools (apt-get install nodejs npm)")
    wanted: dict[str, str] = json.loads((directory / "package.json").read_text())["dependencies"]
    if all(_installed(directory, package) == version for package, version in wanted.items()):
        return
    command = ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"]
    result = subprocess.run(
        command, cwd=directory, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False
    )
    if result.returncode != 0 and not _registry_reachable(directory):
        pytest.skip(f"the npm registry is not reachable to install {', '.join(wanted)}")
    assert result.returncode == 0, f"npm could not install {wanted}:\n{result.stderr[-2000:]}"
    for package, version in wanted.items():
        assert _installed(directory, package) == version, package
