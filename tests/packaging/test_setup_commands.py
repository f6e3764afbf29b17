"""The two set-up commands: ``make run`` installs what running needs and nothing else (a user who only runs the
window should not download pytest, mypy, ruff or PyInstaller); ``make test`` adds the rest. The package metadata uses
the forms current setuptools reads without a deprecation warning."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS_ONLY_FOR_TESTING = ("pytest", "mypy", "ruff", "pyinstaller")


def _planned_commands(target: str, tmp_path: Path) -> str:
    """What ``make <target>`` would run in a fresh clone (no venv yet), without running it."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    venv = tmp_path / "fresh-venv"
    result = subprocess.run(
        ["make", "-n", target, f"VENV={venv}"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=30
    )
    return result.stdout


def _pip_installs(commands: str) -> list[str]:
    return [line for line in commands.splitlines() if "pip install" in line and "--upgrade pip" not in line]


def _extras_installed(commands: str) -> set[str]:
    extras: set[str] = set()
    for line in _pip_installs(commands):
        if "[" in line:
            extras.update(line.split("[", 1)[1].split("]", 1)[0].split(","))
    return extras


def test_make_run_installs_only_what_running_needs(tmp_path: Path) -> None:
    commands = _planned_commands("run", tmp_path)
    assert _pip_installs(commands), commands
    extras = _extras_installed(commands)
    assert not extras & {"test", "dev", "package"}, commands
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = " ".join(project["dependencies"]).lower()
    for tool in TOOLS_ONLY_FOR_TESTING:
        assert tool not in runtime


def test_make_test_installs_the_test_and_lint_tools(tmp_path: Path) -> None:
    extras = _extras_installed(_planned_commands("test", tmp_path))
    assert {"test", "dev"} <= extras
    optional = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    wanted = " ".join(optional["test"] + optional["dev"]).lower()
    for tool in TOOLS_ONLY_FOR_TESTING:
        assert tool in wanted


def test_license_is_an_spdx_expression_setuptools_reads_without_a_warning() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert config["project"]["license"] == "MIT"
    requires = " ".join(config["build-system"]["requires"])
    assert "setuptools>=77" in requires or "setuptools>=8" in requires
