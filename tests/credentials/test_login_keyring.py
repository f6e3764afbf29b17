"""``stockroom login`` / a later command / ``logout`` against a real Secret Service and a real sandbox.

``secret-tool`` (libsecret, independent of Python's keyring) reads back what was stored; the sandbox's request log
shows the later command reused the stored token; every file under the config and data directories and every log
line (run with ``-vv``) is scanned for the secret and the token.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pty
import select
import sys
import time
import uuid
from pathlib import Path

import pytest

from desktop_app.connection import profile_cache_key
from desktop_app.credentials import ProfileStore
from desktop_app.store import Cache, cache_path
from tests.credentials.conftest import REPO, Cli, secret_tool_lookup
from tests.support.sandbox import SandboxProcess

pytestmark = pytest.mark.keyring

#: A command that talks to the server with nothing but ``--profile``; ``stockroom sync`` when it exists.
LATER_COMMAND = """
import argparse, asyncio, sys
from desktop_app.api import CommerceLayerClient
from desktop_app.cli import _configure_logging
from desktop_app.connection import resolve_connection
from desktop_app.errors import StockroomError

_configure_logging(2)

async def main() -> None:
    connection = resolve_connection(argparse.Namespace(profile=sys.argv[1], config_dir=None))
    async with CommerceLayerClient(connection.endpoint, connection.credentials, token=connection.token,
                                   on_token=connection.save_token, dialect=connection.dialect) as client:
        page = await client.list_page("skus", page_size=5)
        print("skus", page.record_count)

try:
    asyncio.run(main())
except StockroomError as exc:  # as the CLI's main does
    print(f"stockroom: {exc}", file=sys.stderr)
    sys.exit(exc.exit_code)
"""
HAS_SYNC = importlib.util.find_spec("desktop_app.commands.data") is not None


def _login(cli: Cli, sandbox: SandboxProcess, name: str, secret: str) -> tuple[int, str, str]:
    result = cli.run(
        "-vv", "login", "--profile", name, "--base-url", sandbox.url, "--client-id", sandbox.client_id,
        "--client-secret-stdin", stdin=secret + "\n",
    )  # fmt: skip
    return result.returncode, result.stdout, result.stderr


def _later(cli: Cli, name: str) -> tuple[int, str, str]:
    result = cli.run("-vv", "sync", "--profile", name) if HAS_SYNC else cli.run_python(LATER_COMMAND, name)
    return result.returncode, result.stdout, result.stderr


def _cache_of(cli: Cli, name: str) -> Path:
    profile = ProfileStore(cli.config_dir).get(name)
    assert profile is not None
    return cache_path(cli.data_dir, profile_cache_key(profile))


def _scan(paths: list[Path], texts: list[str], needles: list[str]) -> list[str]:
    found = []
    for path in paths:
        data = path.read_bytes()
        found += [f"{path}: {needle[:6]}…" for needle in needles if needle.encode() in data]
    for index, text in enumerate(texts):
        found += [f"output #{index}: {needle[:6]}…" for needle in needles if needle in text]
    return found


def test_login_later_command_logout(cli: Cli, fresh_sandbox: SandboxProcess, clean_keyring: list[str]) -> None:
    sandbox, name = fresh_sandbox, f"it-{uuid.uuid4().hex[:8]}"
    clean_keyring.append(name)
    outputs: list[str] = []

    code, out, err = _login(cli, sandbox, name, sandbox.client_secret)
    outputs += [out, err]
    assert code == 0, err
    assert "(test mode)" in out and "stored in GNOME Keyring (Secret Service)" in out

    entry = secret_tool_lookup(name)
    assert entry is not None, "secret-tool finds nothing under service stockroom"
    stored = json.loads(entry)
    assert stored["client_secret"] == sandbox.client_secret
    token = stored["token"]["access_token"]
    assert len(token) > 20 and stored["token"]["test"] is True

    listing = cli.run("profiles")
    row = next(line for line in listing.stdout.splitlines() if name in line)
    assert row.startswith("*") and row.rstrip().endswith("stored") and sandbox.url in row

    tokens_before = sum(r["path"] == "/oauth/token" for r in sandbox.requests())
    code, out, err = _later(cli, name)
    outputs += [out, err]
    assert code == 0, err
    assert sum(r["path"] == "/oauth/token" for r in sandbox.requests()) == tokens_before, "stored token not reused"
    assert any(r["path"].startswith("/api/") and r["status"] == 200 for r in sandbox.requests())

    cache = _cache_of(cli, name)
    assert cache.exists() or not HAS_SYNC
    if not HAS_SYNC:  # the data CLI fills it; until then open an empty one, as the window would
        with Cache.open(cache):
            pass
    needles = [sandbox.client_secret, token]
    leaks = _scan(cli.files(), [], needles)  # profiles.json, the cache and its WAL, before logout deletes them
    logout = cli.run("-vv", "logout", "--profile", name, "--remove-cache")
    outputs += [logout.stdout, logout.stderr]
    assert logout.returncode == 0, logout.stderr
    assert f"Removed the secret and token of profile {name!r} from GNOME Keyring" in logout.stdout
    assert secret_tool_lookup(name) is None
    assert cli.run("profiles").stdout.count("none") >= 1
    assert "Deleted the cache" in logout.stdout and not cache.exists()
    assert [p for p in cache.parent.iterdir() if p.name.startswith(cache.name)] == []

    code, out, err = _later(cli, name)
    assert code == 2 and f"profile {name!r} has no secret stored" in err and "Traceback" not in err

    leaks += _scan(cli.files(), outputs, needles)
    assert leaks == [], leaks
    assert any("DEBUG" in text for text in outputs), "-vv produced no debug log to scan"


def test_wrong_secret_stores_nothing(cli: Cli, sandbox: SandboxProcess, clean_keyring: list[str]) -> None:
    name = f"it-{uuid.uuid4().hex[:8]}"
    clean_keyring.append(name)
    code, out, err = _login(cli, sandbox, name, "not-the-secret-123")
    assert code == 1, (out, err)
    assert "refused client id" in err and "nothing was stored" in err and "Traceback" not in err
    assert "not-the-secret-123" not in out + err
    assert secret_tool_lookup(name) is None
    assert cli.files() == []


def test_login_again_reuses_the_profile_and_flags_mode_needs_no_keyring(
    cli: Cli, sandbox: SandboxProcess, clean_keyring: list[str]
) -> None:
    name = f"it-{uuid.uuid4().hex[:8]}"
    clean_keyring.append(name)
    assert _login(cli, sandbox, name, sandbox.client_secret)[0] == 0
    with Cache.open(_cache_of(cli, name)):
        pass
    logout = cli.run("logout", "--profile", name)  # no terminal to ask on: the cache stays
    assert logout.returncode == 0 and "Kept the cache" in logout.stdout and _cache_of(cli, name).exists()
    again = cli.run("login", "--profile", name, "--client-secret-stdin", stdin=sandbox.client_secret + "\n")
    assert again.returncode == 0, again.stderr
    assert secret_tool_lookup(name) is not None
    # Script mode: nothing read from or written to the keyring, the secret comes from the environment.
    cli.env["STOCKROOM_CLIENT_SECRET"] = sandbox.client_secret
    script = LATER_COMMAND.replace(
        "argparse.Namespace(profile=sys.argv[1], config_dir=None)",
        "argparse.Namespace(base_url=sys.argv[1], client_id=sys.argv[2], config_dir=None)",
    )
    result = cli.run_python(script, sandbox.url, sandbox.client_id)
    assert result.returncode == 0 and result.stdout.startswith("skus"), result.stderr
    # A profile lost from profiles.json still has its keyring entry removed by logout.
    assert ProfileStore(cli.config_dir).remove(name)
    orphan = cli.run("logout", "--profile", name)
    assert orphan.returncode == 0 and "Removed the secret" in orphan.stdout and secret_tool_lookup(name) is None
    unknown = cli.run("logout", "--profile", name)
    assert unknown.returncode == 2 and f"no profile named {name!r}" in unknown.stderr


def test_secret_prompt_does_not_echo(cli: Cli, sandbox: SandboxProcess, clean_keyring: list[str]) -> None:
    """On a terminal, login asks for the secret with echo off (the typed secret never appears on the screen)."""
    name = f"it-{uuid.uuid4().hex[:8]}"
    clean_keyring.append(name)
    argv = [sys.executable, "-m", "desktop_app", "login", "--profile", name, "--base-url", sandbox.url]
    argv += ["--client-id", sandbox.client_id]
    pid, terminal = pty.fork()
    if pid == 0:  # the child: the CLI on the terminal's other end
        os.chdir(REPO)
        os.execve(sys.executable, argv, cli.env)
    screen = b""
    deadline = time.monotonic() + 60
    typed = False
    while time.monotonic() < deadline:
        ready, _, _ = select.select([terminal], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(terminal, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            screen += chunk
        if not typed and b"Client secret (not shown):" in screen:
            os.write(terminal, sandbox.client_secret.encode() + b"\n")
            typed = True
    _, status = os.waitpid(pid, 0)
    os.close(terminal)
    text = screen.decode(errors="replace")
    assert typed and os.waitstatus_to_exitcode(status) == 0, text
    assert "stored in GNOME Keyring" in text and sandbox.client_secret not in text
    assert secret_tool_lookup(name) is not None
