"""The window leaves no program behind: with no D-Bus session, Qt's libdbus would autolaunch ``dbus-launch`` and a
``dbus-daemon`` that outlive it. Run under a real X server (xvfb), since the offscreen platform never asks for a bus."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.session_bus import NO_SESSION_BUS, has_session_bus, settle_session_bus

#: The real start-up (run_window) with the window's life replaced by: show a window on X, wait, quit. Then every
#: dbus-launch started on this X display (its environment says so) is listed, and ended (the test starts them).
SCRIPT = r"""
import asyncio, os, sys
from desktop_app.ui.boot import plan, window_app

async def short_life(self):
    from PySide6.QtWidgets import QMainWindow
    window = QMainWindow()
    window.show()
    await asyncio.sleep(1.5)
    window.close()
    return 0

window_app.WindowApp.main = short_life
plan.plan_now = lambda args: None
import argparse
code = plan.run_window(argparse.Namespace(demo=True))
left = []
for pid in os.listdir("/proc"):
    try:
        with open(f"/proc/{pid}/comm") as comm:
            if comm.read().strip() != "dbus-launch":
                continue
        with open(f"/proc/{pid}/environ", "rb") as env:
            if f"DISPLAY={os.environ['DISPLAY']}".encode() in env.read().split(b"\0"):
                left.append(int(pid))
    except OSError:
        continue
for pid in left:
    os.kill(pid, 15)
print("LEFT", left, code)
"""


@pytest.mark.skipif(not shutil.which("xvfb-run"), reason="needs xvfb-run (apt-get install xvfb xauth)")
def test_the_window_leaves_no_session_bus_running(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DBUS_SESSION_BUS_ADDRESS", "QT_QPA_PLATFORM")}
    env["XDG_RUNTIME_DIR"] = str(tmp_path)  # no per-user bus socket there
    env["QT_QPA_PLATFORM"] = "xcb"
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert "LEFT" in done.stdout, done.stderr
    assert "LEFT [] 0" in done.stdout, done.stdout + done.stderr


def test_the_desktop_bus_is_used_when_there_is_one(tmp_path: Path) -> None:
    import socket

    env: dict[str, str] = {"XDG_RUNTIME_DIR": str(tmp_path)}
    assert settle_session_bus(env) == NO_SESSION_BUS and not has_session_bus(env)
    path = tmp_path / "bus"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        env = {"XDG_RUNTIME_DIR": str(tmp_path)}
        assert settle_session_bus(env) == f"unix:path={path}" and has_session_bus(env)
    env = {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus"}
    assert settle_session_bus(env) is None and env["DBUS_SESSION_BUS_ADDRESS"] == "unix:path=/run/user/1000/bus"
