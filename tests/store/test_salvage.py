"""A cache file set aside as damaged or too new gives back its queued edits: counted, reported, and then sent.

Each variant damages a real cache file the way disks and crashes do; the command line must then say how many
queued edits came back and how many could not, name the file set aside, and ``push`` must send what came back.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app.store import Cache
from desktop_app.sync import Editor
from tests.support.sandbox import SandboxProcess
from tests.sync.test_cli import Cli

#: Edits queued before the damage: enough to spread the outbox over several pages.
EDITS = 120


def _garbage(path: Path, page: int, pages: int = 1) -> None:
    with path.open("r+b") as file:
        file.seek(page * 4096)
        file.write(os.urandom(4096 * pages))


def _outbox_leaves(path: Path) -> list[tuple[int, int]]:
    """(page number, entries on it) of the outbox's leaf pages, in page order."""
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT pageno, ncell FROM dbstat WHERE name = 'outbox' AND pagetype = 'leaf' ORDER BY pageno"
        ).fetchall()


def truncated(path: Path) -> int:
    """The file cut short (a copy or a disk that ran out of space): the entries on the pages cut off are lost, and
    counted from the outbox's index, which lives on an earlier page."""
    leaves = _outbox_leaves(path)
    cut = leaves[-2][0] - 1
    with path.open("r+b") as file:
        file.truncate(cut * 4096)
    return sum(cells for page, cells in leaves if page > cut)


def garbage_header(path: Path) -> int:
    with path.open("r+b") as file:
        file.write(os.urandom(100))
    return 0


def garbage_pages(path: Path) -> int:
    """Records' pages overwritten (not the outbox's): the file fails its check, every queued edit comes back."""
    with sqlite3.connect(path) as db:
        outbox = {p for (p,) in db.execute("SELECT pageno FROM dbstat WHERE name LIKE '%outbox%'")}
        records = [p for (p,) in db.execute("SELECT pageno FROM dbstat WHERE name = 'records' ORDER BY pageno")]
    for page in [p for p in records if p not in outbox][1:4]:
        _garbage(path, page - 1)
    return 0


def garbage_on_an_outbox_page(path: Path) -> int:
    """One leaf of the outbox itself overwritten: its entries are lost, counted from the outbox's indexes."""
    page, cells = _outbox_leaves(path)[2]
    _garbage(path, page - 1)
    return int(cells)


def newer_schema(path: Path) -> int:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    return 0


def _queue(cli: Cli) -> tuple[list[str], dict[str, int]]:
    """Queue ``EDITS`` quantity updates offline; the file closed."""
    cache = Cache.open(cli.cache_file)
    items = cache.records.find("stock_items")[:EDITS]
    editor = Editor(cache)
    expected: dict[str, int] = {}
    for number, item in enumerate(items):
        expected[item.id] = 5000 + number
        editor.update("stock_items", item.id, attributes={"quantity": 5000 + number}, label=f"count {number}")
    ids = [entry.id for entry in cache.outbox.entries()]
    cache.close()
    return ids, expected


@pytest.mark.parametrize(
    "damage",
    [truncated, garbage_header, garbage_pages, garbage_on_an_outbox_page, newer_schema],
    ids=lambda f: f.__name__,
)
def test_queued_edits_come_back_from_a_file_set_aside(
    fresh_sandbox: SandboxProcess, tmp_path: Path, damage: Callable[[Path], int]
) -> None:
    cli = Cli(fresh_sandbox, tmp_path)
    assert cli.run("sync", "--resources", "stock_items,skus,stock_locations").returncode == 0
    queued, expected = _queue(cli)
    assert len(queued) == EDITS
    lost = damage(cli.cache_file)
    status = cli.run("status", secret=False)
    assert status.returncode == 0, status.stderr
    recovered = EDITS - lost
    message = status.stderr
    assert f"{recovered:,} queued edit" in message, message
    if lost:
        assert f"{lost:,} queued edit" in message and "could not be read" in message, message
    else:
        assert "could not be read" not in message and "may not" not in message, message
    kept = re.search(r"moved to (\S+) and", message)
    assert kept and Path(kept.group(1)).exists() and Path(kept.group(1)).parent == cli.cache_file.parent, message
    assert f"pending edits: {recovered}" in status.stdout
    pushed = cli.run("push")
    assert pushed.returncode == 0 and f"sent {recovered}," in pushed.stdout, (pushed.stdout, pushed.stderr)
    exported = json.loads(cli.run("export", "stock_items", "--format", "json", secret=False).stdout)
    on_server = {row["id"]: row["attributes"]["quantity"] for row in exported}
    arrived = [record_id for record_id, quantity in expected.items() if on_server.get(record_id) == quantity]
    assert len(arrived) == recovered


def test_an_empty_cache_file_is_reported(fresh_sandbox: SandboxProcess, tmp_path: Path) -> None:
    cli = Cli(fresh_sandbox, tmp_path)
    cli.cache_file.write_bytes(b"")
    status = cli.run("status", secret=False)
    assert status.returncode == 0 and "empty file (0 bytes)" in status.stderr, status.stderr
    assert "moved to" in status.stderr


def test_cache_and_data_folders_are_owner_only(fresh_sandbox: SandboxProcess, tmp_path: Path) -> None:
    cli = Cli(fresh_sandbox, tmp_path)
    data = Path(cli.env["STOCKROOM_DATA_DIR"])
    shutil.rmtree(data)  # made by the helper that names the cache file: the command must make it
    assert cli.run("sync", "--resources", "skus").returncode == 0
    for folder in (data, cli.cache_file.parent):
        assert folder.stat().st_mode & 0o777 == 0o700, folder
    files = [p for p in cli.cache_file.parent.iterdir() if p.is_file()]
    assert cli.cache_file in files
    for file in files:
        assert file.stat().st_mode & 0o777 == 0o600, file


def test_damage_the_open_check_could_not_see_is_set_aside_at_the_next_open(
    fresh_sandbox: SandboxProcess, tmp_path: Path
) -> None:
    """A page damaged without changing the file's size or time passes the quick open; the command that meets it
    says so, and the next open checks the file whole, sets it aside and recovers the rest."""
    cli = Cli(fresh_sandbox, tmp_path)
    assert cli.run("sync", "--resources", "stock_items,skus,stock_locations").returncode == 0
    _queue(cli)
    before = cli.cache_file.stat()
    lost = garbage_on_an_outbox_page(cli.cache_file)
    os.utime(cli.cache_file, ns=(before.st_atime_ns, before.st_mtime_ns))
    met = cli.run("status", secret=False)
    assert met.returncode == 1 and "damaged" in met.stderr and "run the command again" in met.stderr, met.stderr
    again = cli.run("status", secret=False)
    assert again.returncode == 0 and "moved to" in again.stderr, again.stderr
    assert f"{EDITS - lost:,} queued edits recovered" in again.stderr and f"{lost:,} queued edit" in again.stderr
