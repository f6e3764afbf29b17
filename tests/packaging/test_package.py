"""The frozen Linux bundle, built from this tree with the real spec, started as a user would start it.

One PyInstaller build (about 20 s on two cores) feeds every test here; the checks themselves are the ones
``make package-test`` runs on the installed .deb (``packaging/check_bundle.py``). Tests of features that have not
landed in the source tree yet skip with the name of what is missing, and start checking as soon as it exists.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.packaging.conftest import ROOT, load_packaging_module

check_bundle = load_packaging_module("check_bundle")
deb_depends = load_packaging_module("deb_depends")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``dist/stockroom`` built into a temporary folder, so a developer's own ``dist/`` is left alone."""
    pytest.importorskip("PyInstaller", reason="PyInstaller is in the 'package' extra: pip install -e '.[package]'")
    work = tmp_path_factory.mktemp("pyinstaller")
    done = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--distpath", str(work / "dist"),
         "--workpath", str(work / "build"), str(ROOT / "packaging" / "stockroom.spec")],
        capture_output=True, text=True, cwd=ROOT, timeout=540, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    yield work / "dist" / "stockroom"
    shutil.rmtree(work)  # 140 MB; pytest would keep the last three runs' copies


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    yield check_bundle.isolated_env(tmp_path)


def _landed(relative: str) -> bool:
    return (ROOT / relative).is_file()


def test_bundle_carries_resources_metadata_and_no_gtk(bundle: Path) -> None:
    internal = bundle / "_internal"
    assert (internal / "desktop_app" / "schema" / "catalogue.json").is_file()
    assert (internal / "resources" / "stockroom.svg").is_file()
    assert sorted(p.name for p in (internal / "resources" / "icons").glob("*.png")) == sorted(
        f"stockroom-{size}.png" for size in (16, 24, 32, 48, 64, 128, 256, 512)
    )
    assert list(internal.glob(f"stockroom-{VERSION}.dist-info")), "desktop_app.__version__ reads this metadata"
    libraries = {p.name for p in internal.rglob("*.so*")}
    assert not {name for name in libraries if name.startswith(("libgtk-3", "libgdk-3", "libqgtk3", "libQt6Network"))}
    assert "libqxcb.so" in libraries and "libqoffscreen.so" in libraries
    assert not [str(p) for p in bundle.rglob("*") if p.is_symlink() and not p.exists()], "dangling links"


@pytest.mark.parametrize(
    "plugin",
    ["platforms/libqxcb.so", "platforms/libqoffscreen.so", "platforms/libqwayland.so",
     "platformthemes/libqxdgdesktopportal.so", "iconengines/libqsvgicon.so", "imageformats/libqsvg.so"],
)  # fmt: skip
def test_kept_qt_plugins_find_every_library(bundle: Path, plugin: str) -> None:
    """Leaving libraries out must not break a plugin Qt loads at run time (ldd sees what the loader will see)."""
    internal = bundle / "_internal"
    env = {"LD_LIBRARY_PATH": f"{internal}:{internal / 'PySide6' / 'Qt' / 'lib'}", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        ["ldd", str(internal / "PySide6" / "Qt" / "plugins" / plugin)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert "not found" not in done.stdout, done.stdout


def test_bundle_answers_version(bundle: Path, env: dict[str, str]) -> None:
    outcome = check_bundle.check_version(bundle / "stockroom", VERSION, env)
    assert outcome.ok, outcome.detail


def test_depends_come_from_what_the_bundle_links(bundle: Path) -> None:
    depends = deb_depends.depends(bundle)
    assert depends[0].startswith("libc6 (>= 2.")
    assert {"libgl1", "libegl1", "libxcb1", "fontconfig-config"} <= set(depends)
    assert not [name for name in depends if "gtk" in name or "python" in name]


def test_bundle_serves_the_sandbox(bundle: Path, env: dict[str, str]) -> None:
    """uvicorn imports its loop, protocol and lifespan modules by name: only a real start shows they were bundled."""
    if not _landed("desktop_app/commands/sandbox.py"):
        pytest.skip("the sandbox subcommand (desktop_app/commands/sandbox.py) has not landed yet")
    outcome = check_bundle.check_sandbox(bundle / "stockroom", env)
    assert outcome.ok, outcome.detail


def test_bundle_stores_secrets_in_the_keyring(bundle: Path, env: dict[str, str]) -> None:
    """keyring finds its backends through entry points and imports them lazily: only a real login proves they came."""
    if not (env.get("DBUS_SESSION_BUS_ADDRESS") and env.get("STOCKROOM_KEYRING_PASSWORD")):
        pytest.skip("needs the throw-away Secret Service of .ci/with-keyring.sh (make test runs the suite under it)")
    outcome = check_bundle.check_keyring(bundle / "stockroom", env)
    assert outcome.ok and not outcome.skipped, outcome.detail
    assert "Secret Service" in outcome.detail


def test_bundle_passes_its_self_test(bundle: Path, env: dict[str, str]) -> None:
    if not _landed("desktop_app/app.py"):
        pytest.skip("the window (desktop_app/app.py, --self-test) has not landed yet")
    outcome = check_bundle.check_self_test(bundle / "stockroom", env)
    assert outcome.ok, outcome.detail
