"""Bad input on the command line is one line naming what is wrong, exit 2: never a traceback, never sent."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.store import Cache
from tests.support.sandbox import SandboxProcess, start_sandbox
from tests.sync.test_cli import Cli


@pytest.fixture
def cli(fresh_sandbox: SandboxProcess, tmp_path: Path) -> Cli:
    return Cli(fresh_sandbox, tmp_path)


def _one_line(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


def _raw(cli: Cli, *args: str | bytes) -> subprocess.CompletedProcess[str]:
    """The command with arguments as bytes: what a shell passes when a terminal is not set to UTF-8."""
    command = [*cli.command()[: -len(cli.flags)], *args, *cli.flags]
    done = subprocess.run(command, capture_output=True, text=True, env=cli.env, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_values_a_server_would_refuse_or_cannot_store_are_refused_here(cli: Cli) -> None:
    assert cli.run("sync", "--resources", "stock_items,skus,stock_locations").returncode == 0
    cache = Cache.open(cli.cache_file)
    item = cache.records.find("stock_items")[0]
    location = cache.records.find("stock_locations")[0]
    cache.close()
    update_item = ("update", "stock_items", item.id, "--set")
    _one_line(cli.run(*update_item, "quantity="), "quantity", "can't be blank")
    for digits in ("１２", "١٢", "12\u0663"):
        _one_line(cli.run(*update_item, f"quantity={digits}"), "quantity", "integer")
    _one_line(cli.run(*update_item, "quantity=2147483648"), "quantity", "2,147,483,647")
    _one_line(cli.run(*update_item, "quantity=-2147483649"), "quantity")
    assert cli.run(*update_item, "quantity=2147483647", "--offline", secret=False).returncode == 0
    _one_line(cli.run(*update_item, "metadata=" + "[" * 100 + "]" * 100), "metadata", "deeper")
    _one_line(cli.run(*update_item, "metadata=" + "[" * 100_000), "metadata")
    _one_line(cli.run(*update_item, 'metadata={"bin": "\\ud800"}'), "metadata", "not valid text")
    invalid_utf8 = _raw(cli, "update", "stock_locations", location.id, "--set", b"name=Caf\xe9 \xff")
    _one_line(invalid_utf8, "name", "not valid text")
    _one_line(_raw(cli, "update", "stock_items", item.id, "--rel", b"sku=\xffx"), "sku")
    entries = Cache.open(cli.cache_file).outbox.entries()
    assert [e.attributes for e in entries] == [{"quantity": 2147483647}]  # only the one good value was queued


def test_files_and_folders_that_cannot_be_used_are_one_line(cli: Cli, tmp_path: Path) -> None:
    assert cli.run("sync", "--resources", "skus").returncode == 0
    _one_line(cli.run("export", "skus", "--output", str(tmp_path / "no" / "such" / "x.csv"), secret=False), "output")
    _one_line(cli.run("export", "skus", "--output", str(tmp_path), secret=False), "output")
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    _one_line(cli.run("--data-dir", str(blocker / "data"), "status", secret=False), "data-dir")


def test_urls_a_password_in_them_is_never_echoed_and_only_loopback_may_be_plain_http(cli: Cli) -> None:
    port = cli.sandbox.url.rsplit(":", 1)[1]
    for url in (f"http://admin:hunter2pw@127.0.0.1:{port}", "https://admin:hunter2pw@example.com"):
        flags = ["--base-url", url, "--client-id", cli.sandbox.client_id]
        done = subprocess.run(
            [*cli.command("sync")[: -len(cli.flags)], *flags], capture_output=True, text=True, env=cli.env, check=False
        )
        assert "hunter2pw" not in done.stderr + done.stdout
        _one_line(done, "user name or password")
    for host in ("evil.localhost", "localhost.example.com", "10.0.0.1"):
        flags = ["--base-url", f"http://{host}:{port}", "--client-id", cli.sandbox.client_id]
        done = subprocess.run(
            [*cli.command("sync")[: -len(cli.flags)], *flags], capture_output=True, text=True, env=cli.env, check=False
        )
        _one_line(done, "https")
    assert cli.run("status", secret=False).returncode == 0  # 127.0.0.1 over plain http is this machine


@contextlib.contextmanager
def _small_disk(folder: Path, size: str) -> Iterator[Path]:
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=False)
    if mounted.returncode != 0:
        pytest.skip("a small tmpfs needs mount rights")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.fixture(scope="module")
def big_sandbox() -> Iterator[SandboxProcess]:
    with start_sandbox(seed="bench:4000") as running:
        yield running


def test_a_disk_that_fills_during_sync_is_one_line_and_the_cache_stays_consistent(
    big_sandbox: SandboxProcess, tmp_path: Path
) -> None:
    with _small_disk(tmp_path / "disk", "1200k") as disk:
        cli = Cli(big_sandbox, disk)
        done = cli.run("sync", "--resources", "stock_items")
        assert done.returncode == 2, done.stderr
        said = [line for line in done.stderr.splitlines() if not line.startswith("stock_items: ")]  # progress
        assert len(said) == 1 and "disk" in said[0] and "full" in said[0], done.stderr
        with sqlite3.connect(cli.cache_file) as db:
            assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            stored = db.execute("SELECT count(*) FROM records").fetchone()[0]
        assert 0 < stored < 4000
        status = cli.run("status", secret=False)
        assert status.returncode == 0 and "moved to" not in status.stderr, status.stderr
