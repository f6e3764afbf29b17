"""Fixtures for the credentials tests: private config/data directories and the ``stockroom`` CLI as a subprocess.

Tests marked ``keyring`` need a real Secret Service (``make test`` runs the suite under ``.ci/with-keyring.sh``);
without a D-Bus session they are skipped with the reason, never faked.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return
    skip = pytest.mark.skip(
        reason="needs a Secret Service: DBUS_SESSION_BUS_ADDRESS is unset (run under bash .ci/with-keyring.sh)"
    )
    for item in items:
        if "keyring" in item.keywords:
            item.add_marker(skip)


@dataclass
class Cli:
    """Runs ``python -m desktop_app`` with private directories; ``env`` can be changed per test."""

    config_dir: Path
    data_dir: Path
    env: dict[str, str]

    def run(self, *args: str, stdin: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "desktop_app", *args],
            check=False,
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            env=self.env,
            cwd=REPO,
            timeout=timeout,
        )

    def run_python(self, code: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """A short program in the same environment: a later command before the data CLI exists."""
        return subprocess.run(
            [sys.executable, "-c", code, *args],
            check=False,
            capture_output=True,
            text=True,
            env=self.env,
            cwd=REPO,
            timeout=timeout,
        )

    def files(self) -> list[Path]:
        return [p for root in (self.config_dir, self.data_dir) for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    config_dir, data_dir = tmp_path / "config", tmp_path / "data"
    config_dir.mkdir()
    data_dir.mkdir()
    env = dict(os.environ, STOCKROOM_CONFIG_DIR=str(config_dir), STOCKROOM_DATA_DIR=str(data_dir))
    env.pop("DISPLAY", None)  # a keyring unlock prompt must fail at once, not wait for a person
    env.pop("STOCKROOM_CLIENT_SECRET", None)
    return Cli(config_dir, data_dir, env)


def secret_tool_lookup(profile: str, env: dict[str, str] | None = None) -> str | None:
    """What ``secret-tool`` (libsecret, not Python's keyring) finds under service ``stockroom``, user ``profile``."""
    result = subprocess.run(
        ["secret-tool", "lookup", "service", "stockroom", "username", profile],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    return result.stdout if result.returncode == 0 and result.stdout else None


@pytest.fixture
def clean_keyring() -> Iterator[list[str]]:
    """Profiles a test stored; their keyring entries are removed afterwards even when the test fails."""
    names: list[str] = []
    yield names
    for name in names:
        subprocess.run(["secret-tool", "clear", "service", "stockroom", "username", name], check=False, timeout=30)
