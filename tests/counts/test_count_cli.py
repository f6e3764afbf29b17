"""``stockroom count`` over the real sandbox: start, add (typed and scanned), show, review, apply as one batch."""

from __future__ import annotations

from pathlib import Path

from desktop_app.store import Cache
from tests.counts.test_count_sandbox import _stocked
from tests.support.sandbox import SandboxProcess
from tests.sync.conftest import api_requests
from tests.sync.test_cli import Cli


def _writes(sandbox: SandboxProcess) -> list[tuple[str, str]]:
    return [(r["method"], r["path"]) for r in api_requests(sandbox) if r["method"] in ("POST", "PATCH", "DELETE")]


def test_a_count_from_the_command_line(fresh_sandbox: SandboxProcess, tmp_path: Path) -> None:
    cli = Cli(fresh_sandbox, tmp_path)
    assert cli.run("sync").returncode == 0
    with Cache.open(cli.cache_file) as cache:
        location_id, items, new_code = _stocked(cache)
        codes = {r.id: str(r.attributes["code"]) for r in cache.records.find("skus")}
        name = cache.counts.locations()[location_id]
    first, second = items[:2]
    code, other = codes[str(first.relationships["sku"])], codes[str(second.relationships["sku"])]
    quantity = int(first.attributes["quantity"])

    assert cli.run("count", "show", secret=False).returncode == 2
    started = cli.run("count", "start", name.upper(), secret=False)
    assert started.returncode == 0 and f"counting {name}" in started.stdout, started.stderr
    unknown = cli.run("count", "add", "NO-SUCH-SKU", "3", secret=False)
    assert unknown.returncode == 2 and "no SKU with code 'NO-SUCH-SKU'" in unknown.stderr
    negative = cli.run("count", "add", code, "-3", secret=False)
    assert negative.returncode == 2 and "quantity" in negative.stderr and "0 or more" in negative.stderr
    added = cli.run("count", "add", code, f"{quantity + 1_000:,}", secret=False)
    assert added.returncode == 0, added.stderr
    assert f"counted {quantity + 1_000:,} (expected {quantity:,}, +1,000)" in added.stdout
    assert cli.run("count", "add", other, secret=False).returncode == 0  # one, like a scan
    assert cli.run("count", "add", new_code, "4", secret=False).returncode == 0
    resumed = cli.run("count", "start", location_id, secret=False)
    assert "resumed with 3 lines" in resumed.stdout
    shown = cli.run("count", "show", secret=False)
    assert f"Count of {name}, " in shown.stdout and "3 SKUs counted" in shown.stdout

    before = len(_writes(fresh_sandbox))
    review = cli.run("count", "review", secret=False)
    assert review.returncode == 0, review.stderr
    assert "3 changes" in review.stdout
    assert f"update  {code} at {name}: quantity {quantity:,} → {quantity + 1_000:,}" in review.stdout
    assert f"create  {new_code} at {name}: quantity 4" in review.stdout
    assert len(_writes(fresh_sandbox)) == before

    applied = cli.run("count", "apply")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "sent 3 of 3" in applied.stdout
    assert sorted(_writes(fresh_sandbox)[before:]) == sorted(
        [
            ("PATCH", f"/api/stock_items/{first.id}"),
            ("PATCH", f"/api/stock_items/{second.id}"),
            ("POST", "/api/stock_items"),
        ]
    )
    assert cli.run("count", "apply").returncode == 2, "applied: no unfinished count left"
    assert len(_writes(fresh_sandbox)) == before + 3
