"""``push`` killed at random moments, then its cache damaged: every queued edit is sent exactly once, or recovered
and reported. Over the sandbox (slow answers, answers lost after the change was made) and real cache files."""

from __future__ import annotations

import random
import re
import signal
import subprocess
import time
from pathlib import Path

from desktop_app.store import Cache
from desktop_app.sync import Editor
from tests.support.sandbox import SandboxProcess
from tests.sync.test_cli import Cli

CREATES = 16
UPDATES = 16


def _queue(cli: Cli, run: str) -> dict[str, int]:
    """Queue creates of inventory models named ``<run>-<n>`` and quantity updates, offline; the wanted quantities."""
    cache = Cache.open(cli.cache_file)
    editor = Editor(cache)
    wanted: dict[str, int] = {}
    for number, item in enumerate(cache.records.find("stock_items")[:UPDATES]):
        wanted[item.id] = 7000 + number
        editor.update("stock_items", item.id, attributes={"quantity": 7000 + number})
    for number in range(CREATES):
        editor.create("inventory_models", {"name": f"{run}-{number}"})
    cache.close()
    return wanted


def _kill_pushes(cli: Cli, rng: random.Random, rounds: int) -> int:
    """Start ``push`` and kill it at a random moment, ``rounds`` times (fewer when the outbox empties); the kills."""
    kills = 0
    for _ in range(rounds):
        if not Cache.open(cli.cache_file).outbox.entries():
            break
        push = subprocess.Popen(cli.command("push"), env=cli.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, 1.5))
        if push.poll() is None:
            push.send_signal(signal.SIGKILL)
            kills += 1
        push.wait()
    return kills


def test_every_queued_edit_is_sent_exactly_once_through_kills_and_a_damaged_cache(
    fresh_sandbox: SandboxProcess, tmp_path: Path
) -> None:
    rng = random.Random(1408)
    cli = Cli(fresh_sandbox, tmp_path)
    assert cli.run("sync", "--resources", "stock_items,skus,stock_locations,inventory_models").returncode == 0
    wanted = _queue(cli, "killed")
    # Slow writes, so a kill lands while requests are in flight; two creates made on the server whose answer is lost.
    for method, path in (("POST", "/api/inventory_models"), ("PATCH", "/api/stock_items")):
        fresh_sandbox.fault(method=method, path=path, delay=0.4, count=1000)
    fresh_sandbox.fault(method="POST", path="/api/inventory_models", drop="after", count=2)
    kills = _kill_pushes(cli, rng, 3)
    left = len(Cache.open(cli.cache_file).outbox.entries())
    assert left, "every edit went before the cache could be damaged: slow the writes down"
    with cli.cache_file.open("r+b") as file:
        file.write(b"\x00" * 100)  # and then the cache's header is lost
    status = cli.run("status", secret=False)
    assert "moved to" in status.stderr, status.stderr
    assert f"{left:,} queued edit" in status.stderr and "recovered" in status.stderr, status.stderr
    assert "could not be read" not in status.stderr
    kills += _kill_pushes(cli, rng, 2)  # the recovered edits, pushed and killed again
    assert kills >= 3, "the pushes ended before they could be killed"
    for _ in range(5):
        pushed = cli.run("push")
        if "still queued 0" in pushed.stdout:
            break
    assert pushed.returncode == 0 and "refused 0, conflicts 0, still queued 0" in pushed.stdout, pushed.stdout
    assert cli.run("sync", "--full", "--resources", "stock_items,inventory_models").returncode == 0
    cache = Cache.open(cli.cache_file)
    names = [str(r.attributes.get("name")) for r in cache.records.find("inventory_models")]
    made = sorted(name for name in names if re.fullmatch(r"killed-\d+", name))
    assert made == sorted(f"killed-{n}" for n in range(CREATES)), made  # each create exactly once
    for item_id, quantity in wanted.items():
        record = cache.records.get("stock_items", item_id)
        assert record is not None and record.attributes["quantity"] == quantity
    posts = [r for r in fresh_sandbox.requests() if r["method"] == "POST" and r["path"] == "/api/inventory_models"]
    assert len(posts) >= CREATES
    cache.close()
