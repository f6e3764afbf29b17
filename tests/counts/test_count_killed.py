"""A count survives ``kill -9``: a child process scans into a count of a real cache file and is killed at random
moments; every scan it reported as done is in the file, at most the one in flight more, and the count resumes."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from desktop_app.counts import Counting
from desktop_app.store import Cache

#: The child: resume Berlin's count and scan CODE-1 and CODE-2 in turn, saying how many scans it finished.
CHILD = """
import sys
from desktop_app.counts import CountEntry, Counting
from desktop_app.store import Cache

cache = Cache.open(sys.argv[1])
entry = CountEntry(Counting.start(cache.counts, "L2", "Berlin"), scan_mode=True)
print("ready", flush=True)
done = 0
while True:
    step = entry.submit("CODE-1" if done % 2 == 0 else "code-2")
    assert step.ok, step.message
    done += 1
    print(done, flush=True)
"""


def _scanned(path: Path) -> int:
    with Cache.open(path) as cache:
        counting = Counting.resume(cache.counts)
        assert counting is not None and counting.location_id == "L2"
        return sum(c.line.quantity for c in counting.lines())


def test_scans_reported_done_survive_kill_9_at_random_moments(shop: Cache) -> None:
    path = shop.path
    shop.close()
    rng = random.Random(1712)
    total = 0
    root = Path(__file__).resolve().parents[2]
    for _ in range(6):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path)], cwd=root, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.4))
        child.send_signal(signal.SIGKILL)
        child.wait()
        reported = [int(line) for line in child.stdout.read().split() if line.strip().isdigit()]
        acknowledged = reported[-1] if reported else 0
        assert acknowledged > 0, "the child was killed before it scanned anything"
        in_file = _scanned(path)
        # Each scan is committed before it is reported: the file holds all reported ones, plus at most the one
        # committed when the kill landed before its report.
        assert total + acknowledged <= in_file <= total + acknowledged + 1, (total, acknowledged, in_file)
        total = in_file
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM counts WHERE state = 'open'").fetchone() == (1,)
