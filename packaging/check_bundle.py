"""Checks a frozen Stockroom really works, from the files an installer put down, not from the source tree.

A PyInstaller bundle fails in ways the source never does: a module imported by name (uvicorn's "auto" loop, a keyring
backend, a subcommand) that static analysis missed, a data file left behind, a Qt plugin that will not load. So each
check starts the installed executable as a user would and looks at what it says:

- ``--version`` prints ``stockroom <version>`` (the package metadata made it into the bundle);
- ``sandbox --port 0`` serves the demo: a token from ``/oauth/token`` and a page of ``/api/skus``;
- ``login`` / ``profiles`` / ``logout`` store and remove a secret through the bundled keyring backend;
- ``--self-test`` opens the window offscreen on the embedded demo sandbox, loads every tab and exits 0.

It also times ``--version`` of the frozen program against ``python -m desktop_app --version`` in the same run.

    python packaging/check_bundle.py --exe ROOT/opt/stockroom/stockroom --version-expected 0.1.0
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SELF_TEST_TIMEOUT = 180.0


@dataclass
class Outcome:
    name: str
    ok: bool
    detail: str
    skipped: bool = False


def isolated_env(home: Path) -> dict[str, str]:
    """The caller's environment with a throw-away home, so a check never reads or writes the user's profiles."""
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        STOCKROOM_DATA_DIR=str(home / "stockroom-data"),
        STOCKROOM_CONFIG_DIR=str(home / "stockroom-config"),
        QT_QPA_PLATFORM="offscreen",
    )
    return env


def _tail(text: str, lines: int = 6) -> str:
    return " | ".join(text.strip().splitlines()[-lines:]) or "(no output)"


def check_version(exe: Path, version: str, env: dict[str, str]) -> Outcome:
    done = subprocess.run([str(exe), "--version"], capture_output=True, text=True, env=env, timeout=60, check=False)
    said = done.stdout.strip()
    ok = done.returncode == 0 and said == f"stockroom {version}"
    detail = said if ok else f"exit {done.returncode}, said {said!r}: {_tail(done.stderr)}"
    return Outcome("--version", ok, detail)


def _fetch_json(url: str, *, data: dict[str, str] | None = None, token: str | None = None) -> dict[str, object]:
    headers = {"Accept": "application/vnd.api+json" if token else "application/json"}
    body = None
    if data is not None:
        body = json.dumps(data).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST" if body else "GET")
    with urllib.request.urlopen(request, timeout=30) as response:
        result: dict[str, object] = json.loads(response.read())
        return result


class _Sandbox:
    """``stockroom sandbox --port 0`` from the bundle, for the checks that need a server; stopped on exit."""

    def __init__(self, exe: Path, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [str(exe), "sandbox", "--port", "0", "--seed", "demo"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert self.process.stdout is not None
        first = self.process.stdout.readline().strip()
        if not first.startswith("Sandbox listening on "):
            self.process.kill()
            _out, err = self.process.communicate(timeout=30)
            raise RuntimeError(
                f"the sandbox did not start (exit {self.process.returncode}, said {first!r}): {_tail(err)}"
            )
        self.url = first.removeprefix("Sandbox listening on ")
        self.client_id = self.process.stdout.readline().split(":", 1)[1].strip()
        self.client_secret = self.process.stdout.readline().split(":", 1)[1].strip()

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.wait(timeout=30)


def check_sandbox(exe: Path, env: dict[str, str]) -> Outcome:
    """Start ``stockroom sandbox --port 0``, take a token, list SKUs, stop it with SIGTERM."""
    try:
        sandbox = _Sandbox(exe, env)
    except (OSError, RuntimeError, IndexError) as exc:
        return Outcome("sandbox", False, str(exc))
    try:
        token = _fetch_json(
            f"{sandbox.url}/oauth/token",
            data={"grant_type": "client_credentials", "client_id": sandbox.client_id,
                  "client_secret": sandbox.client_secret},
        )["access_token"]  # fmt: skip
        skus = _fetch_json(f"{sandbox.url}/api/skus", token=str(token))
        data = skus.get("data")
        count = len(data) if isinstance(data, list) else 0
    except (OSError, ValueError, KeyError) as exc:
        sandbox.stop()
        return Outcome("sandbox", False, f"{type(exc).__name__}: {exc}")
    code = sandbox.stop()
    ok = count > 0 and code in (0, -signal.SIGTERM)
    return Outcome("sandbox", ok, f"{sandbox.url}: token, {count} SKUs on page 1, exit {code} after SIGTERM")


def check_keyring(exe: Path, env: dict[str, str]) -> Outcome:
    """``login`` stores the secret through the bundled keyring backend, ``profiles`` sees it, ``logout`` removes it.

    Runs only inside ``.ci/with-keyring.sh`` (a private D-Bus session with a throw-away, unlocked gnome-keyring), so it
    never writes to, or waits on an unlock prompt of, the keyring of the person running it; elsewhere it says so.
    """
    if not (env.get("DBUS_SESSION_BUS_ADDRESS") and env.get("STOCKROOM_KEYRING_PASSWORD")):
        return Outcome("keyring", True, "needs the throw-away keyring of .ci/with-keyring.sh", skipped=True)
    try:
        sandbox = _Sandbox(exe, env)
    except (OSError, RuntimeError, IndexError) as exc:
        return Outcome("keyring", False, str(exc))
    try:
        steps = [
            (["login", "--profile", "bundle-check", "--base-url", sandbox.url, "--client-id", sandbox.client_id,
              "--client-secret-stdin"], sandbox.client_secret),
            (["profiles"], None),
            (["logout", "--profile", "bundle-check"], None),
        ]  # fmt: skip
        said = []
        for arguments, stdin in steps:
            done = subprocess.run(
                [str(exe), *arguments], input=stdin, capture_output=True, text=True, env=env, timeout=60, check=False
            )
            if done.returncode != 0:
                return Outcome("keyring", False, f"{arguments[0]}: exit {done.returncode}: {_tail(done.stderr)}")
            said.append(done.stdout)
    finally:
        sandbox.stop()
    stored = [line for line in said[0].splitlines() if "stored in" in line]
    ok = bool(stored) and "bundle-check" in said[1] and "stored" in said[1]
    return Outcome("keyring", ok, stored[0] if stored else _tail(said[0]))


def check_self_test(exe: Path, env: dict[str, str]) -> Outcome:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [str(exe), "--self-test"], capture_output=True, text=True, env=env, timeout=SELF_TEST_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        return Outcome("--self-test", False, f"no answer within {SELF_TEST_TIMEOUT:.0f} s")
    seconds = time.perf_counter() - started
    detail = f"exit {done.returncode} in {seconds:.1f} s: {_tail(done.stdout + done.stderr, 3)}"
    return Outcome("--self-test", done.returncode == 0, detail)


def best_start(command: Sequence[str], env: dict[str, str], runs: int = 5) -> float:
    """Fastest wall-clock time of ``runs`` starts, in seconds (the minimum is the least disturbed by other load)."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, env=env, timeout=60, check=True)
        best = min(best, time.perf_counter() - started)
    return best


def start_times(exe: Path, env: dict[str, str], python: str) -> Outcome:
    source_env = {**env, "PYTHONPATH": str(ROOT)}
    frozen = best_start([str(exe), "--version"], env)
    source = best_start([python, "-m", "desktop_app", "--version"], source_env)
    return Outcome(
        "start time", True, f"frozen --version {frozen * 1000:.0f} ms, source {source * 1000:.0f} ms (best of 5)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run an installed Stockroom bundle and check that it works.")
    parser.add_argument("--exe", type=Path, required=True, help="the frozen executable (ROOT/opt/stockroom/stockroom)")
    parser.add_argument("--version-expected", required=True, help="the version --version must print")
    parser.add_argument("--python", default=sys.executable, help="interpreter for the source start-time comparison")
    parser.add_argument("--skip", action="append", default=[], choices=["sandbox", "keyring", "self-test", "timing"])
    args = parser.parse_args(argv)
    if not os.access(args.exe, os.X_OK):
        print(f"check_bundle: {args.exe}: not an executable file", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="stockroom-check-") as home:
        env = isolated_env(Path(home))
        outcomes = [check_version(args.exe, args.version_expected, env)]
        if "sandbox" not in args.skip:
            outcomes.append(check_sandbox(args.exe, env))
        if "keyring" not in args.skip:
            outcomes.append(check_keyring(args.exe, env))
        if "self-test" not in args.skip:
            outcomes.append(check_self_test(args.exe, env))
        if "timing" not in args.skip:
            outcomes.append(start_times(args.exe, env, args.python))
    for outcome in outcomes:
        label = "skip" if outcome.skipped else "ok  " if outcome.ok else "FAIL"
        print(f"{label} {outcome.name}: {outcome.detail}")
    return 0 if all(outcome.ok for outcome in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
