"""``stockroom import`` as a person runs it: a spreadsheet against the real sandbox, every write counted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desktop_app.store import Cache, CachedRecord
from tests.support.sandbox import SandboxProcess
from tests.sync.test_cli import Cli


@pytest.fixture
def cli(fresh_sandbox: SandboxProcess, tmp_path: Path) -> Cli:
    made = Cli(fresh_sandbox, tmp_path)
    assert made.run("sync").returncode == 0
    return made


def _writes(sandbox: SandboxProcess) -> list[dict[str, Any]]:
    return [
        r for r in sandbox.requests() if r["method"] in ("POST", "PATCH", "DELETE") and r["path"].startswith("/api/")
    ]


class Named:
    """The cache's stock items with their SKU code and location code, to write rows a person would write."""

    def __init__(self, cli: Cli) -> None:
        with Cache.open(cli.cache_file) as cache:
            self.skus = {r.id: r.attributes["code"] for r in cache.records.find("skus")}
            self.locations = {r.id: r for r in cache.records.find("stock_locations") if r.attributes.get("code")}
            self.items = [
                i
                for i in cache.records.find("stock_items")
                if i.relationships.get("stock_location") in self.locations and i.attributes.get("quantity", 0) > 0
            ]
            reserved = {r.relationships.get("stock_item"): r for r in cache.records.find("reserved_stocks")}
        self.unreserved = [i for i in self.items if i.id not in reserved]
        self.reserved = [i for i in self.items if i.id in reserved and reserved[i.id].attributes.get("quantity")]

    def sku(self, item: CachedRecord) -> str:
        return str(self.skus[str(item.relationships["sku"])])

    def location(self, item: CachedRecord, attribute: str = "code") -> str:
        return str(self.locations[str(item.relationships["stock_location"])].attributes[attribute])

    def missing_pair(self) -> tuple[str, str]:
        """A SKU code and a location code with no stock item for them (a row that creates one)."""
        held = {(str(i.relationships.get("sku")), str(i.relationships.get("stock_location"))) for i in self.items}
        for sku_id, code in self.skus.items():
            for location_id, location in self.locations.items():
                if (sku_id, location_id) not in held:
                    return code, location.attributes["code"]
        raise AssertionError("every SKU is stocked everywhere")


def test_dry_run_sends_nothing_apply_sends_one_write_per_change_and_again_nothing(cli: Cli, tmp_path: Path) -> None:
    named = Named(cli)
    first, second, same = named.unreserved[:3]
    new_sku, new_location = named.missing_pair()
    sheet = tmp_path / "supplier.csv"
    sheet.write_text(
        "SKU code,Stock Location,Quantity\n"
        f"{named.sku(first)},{named.location(first)},{first.attributes['quantity'] + 5}\n"
        f"{named.sku(second)},{named.location(second, 'name')},{second.attributes['quantity'] + 1}\n"
        f"{named.sku(same)},{named.location(same)},{same.attributes['quantity']}\n"
        f"{new_sku},{new_location.lower()},7\n",
        encoding="utf-8",
    )
    before = len(_writes(cli.sandbox))
    dry = cli.run("import", "stock_items", str(sheet), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "1 to create, 2 to update, 1 unchanged, 0 rows with errors" in dry.stdout
    old, new = first.attributes["quantity"], first.attributes["quantity"] + 5
    assert f"line 2  update  {named.sku(first)} at {named.location(first)}: quantity {old:,} → {new:,}" in dry.stdout
    assert f"line 5  create  {new_sku} at {new_location.lower()}: quantity 7" in dry.stdout
    assert len(_writes(cli.sandbox)) == before
    with Cache.open(cli.cache_file) as cache:
        assert cache.outbox.entries() == []

    applied = cli.run("import", "stock_items", str(sheet))
    assert applied.returncode == 0, applied.stderr
    assert "applied 3 changes" in applied.stdout
    writes = _writes(cli.sandbox)[before:]
    assert sorted((w["method"], w["path"]) for w in writes) == [
        ("PATCH", f"/api/stock_items/{first.id}"),
        ("PATCH", f"/api/stock_items/{second.id}"),
        ("POST", "/api/stock_items"),
    ]
    exported = json.loads(cli.run("export", "stock_items", "--format", "json", secret=False).stdout)
    assert next(r for r in exported if r["id"] == first.id)["attributes"]["quantity"] == new
    with Cache.open(cli.cache_file) as cache:
        (batch,) = cache.batches.batches()
        assert (batch.name, batch.sent, batch.total, batch.state) == ("Import of supplier.csv", 3, 3, "done")
    status = cli.run("status", secret=False)
    assert "batches (1):" in status.stdout and "Import of supplier.csv (" in status.stdout
    assert "3 of 3 sent" in status.stdout

    again = cli.run("import", "stock_items", str(sheet))
    assert again.returncode == 0, again.stderr
    assert "0 to create, 0 to update, 4 unchanged" in again.stdout and "nothing to do" in again.stdout
    assert len(_writes(cli.sandbox)) == before + 3


def test_each_error_is_named_by_line_and_column_and_nothing_is_applied(cli: Cli, tmp_path: Path) -> None:
    named = Named(cli)
    item, other = named.unreserved[:2]
    sku, location = named.sku(item), named.location(item)
    sheet = tmp_path / "bad.csv"
    sheet.write_text(
        "sku_code,stock_location,quantity\n"
        f"NO-SUCH-SKU,{location},1\n"
        f"{sku},Atlantis,1\n"
        f"{sku},{location},lots\n"
        f"{sku},{location},-3\n"
        f"{named.sku(other)},{named.location(other)},4\n"
        f"{named.sku(other)},{named.location(other)},5\n",
        encoding="utf-8",
    )
    before = len(_writes(cli.sandbox))
    done = cli.run("import", "stock_items", str(sheet))
    assert done.returncode == 2, done.stderr
    for expected in [
        "line 2  sku_code: unknown SKU 'NO-SUCH-SKU'",
        "line 3  stock_location: unknown stock location 'Atlantis'",
        "line 4  quantity: not a number: 'lots'",
        "line 5  quantity: negative: -3",
        "line 7  sku_code and stock_location: duplicate key in the file",
    ]:
        assert expected in done.stdout, (expected, done.stdout)
    assert "5 rows with errors" in done.stdout and "nothing was applied" in done.stderr
    assert len(_writes(cli.sandbox)) == before
    with Cache.open(cli.cache_file) as cache:
        assert cache.outbox.entries() == []

    header = tmp_path / "header.csv"
    header.write_text(f"sku_code,stock_location,quantity,created_at,colour\n{sku},{location},1,2020-01-01,red\n")
    refused = cli.run("import", "stock_items", str(header), "--skip-errors")
    assert refused.returncode == 2
    assert "line 1  created_at: field not writable" in refused.stdout
    assert "line 1  colour: not a field of stock items" in refused.stdout
    assert len(_writes(cli.sandbox)) == before


def test_skip_errors_applies_the_valid_rows_only(cli: Cli, tmp_path: Path) -> None:
    named = Named(cli)
    item = named.unreserved[0]
    sheet = tmp_path / "mixed.csv"
    sheet.write_text(
        f"sku_code,stock_location,quantity\nNOPE,{named.location(item)},1\n"
        f"{named.sku(item)},{named.location(item)},{item.attributes['quantity'] + 2}\n"
    )
    before = len(_writes(cli.sandbox))
    done = cli.run("import", "stock_items", str(sheet), "--skip-errors")
    assert done.returncode == 0, done.stderr
    assert [(w["method"], w["path"]) for w in _writes(cli.sandbox)[before:]] == [
        ("PATCH", f"/api/stock_items/{item.id}")
    ]


def test_a_refusal_by_the_server_is_named_per_record_and_exits_1(cli: Cli, tmp_path: Path) -> None:
    named = Named(cli)
    if not named.reserved:
        pytest.skip("the seed reserves nothing")
    item = named.reserved[0]
    sheet = tmp_path / "short.csv"
    sheet.write_text(f"sku_code,stock_location,quantity\n{named.sku(item)},{named.location(item)},0\n")
    done = cli.run("import", "stock_items", str(sheet))
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"line 2, {named.sku(item)} at {named.location(item)}: refused: quantity" in done.stderr
    status = cli.run("status", secret=False).stdout
    assert "Import of short.csv (" in status and "0 of 1 sent, 1 with errors" in status
    assert f"    {named.sku(item)} at {named.location(item)}: quantity" in status


def test_stock_levels_from_a_semicolon_csv_with_a_bom_naming_models_by_name(cli: Cli, tmp_path: Path) -> None:
    with Cache.open(cli.cache_file) as cache:
        level = cache.records.find("inventory_stock_locations")[0]
        model = cache.records.get("inventory_models", str(level.relationships["inventory_model"]))
        location = cache.records.get("stock_locations", str(level.relationships["stock_location"]))
    assert model is not None and location is not None
    sheet = tmp_path / "levels.csv"
    priority = int(level.attributes["priority"]) + 10
    text = (
        f"Inventory Model;STOCK_LOCATION;Priority;On hold\r\n{model.attributes['name']};{location.id};{priority};\r\n"
    )
    sheet.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    before = len(_writes(cli.sandbox))
    done = cli.run("import", "stock_levels", str(sheet))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"priority {level.attributes['priority']:,} → {priority:,}" in done.stdout
    writes = _writes(cli.sandbox)[before:]
    assert [w["method"] for w in writes] == ["PATCH"] and writes[0]["path"].endswith(f"/{level.id}")


def test_xlsx_first_sheet(cli: Cli, tmp_path: Path) -> None:
    from openpyxl import Workbook

    named = Named(cli)
    item = named.unreserved[0]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["SKU", "Stock location", "Quantity"])
    sheet.append([named.sku(item), named.location(item, "name"), float(item.attributes["quantity"] + 9)])
    book.create_sheet("notes").append(["ignored"])
    path = tmp_path / "counts.xlsx"
    book.save(path)
    before = len(_writes(cli.sandbox))
    done = cli.run("import", "stock_items", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert [(w["method"], w["path"]) for w in _writes(cli.sandbox)[before:]] == [
        ("PATCH", f"/api/stock_items/{item.id}")
    ]


def test_the_sample_file_fits_the_demo_and_a_bad_file_is_one_line(cli: Cli, tmp_path: Path) -> None:
    sample = Path(__file__).parents[2] / "resources" / "import-stock-items.csv"
    before = len(_writes(cli.sandbox))
    dry = cli.run("import", "stock_items", str(sample), "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "3 rows;" in dry.stdout and "0 rows with errors" in dry.stdout and "dry run: nothing sent" in dry.stdout
    latin = tmp_path / "latin.csv"
    latin.write_bytes("sku_code,stock_location,quantity\nCAFÉ,MIL-01,1\n".encode("latin-1"))
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    for path, words in [
        (latin, "not UTF-8"),
        (empty, "first line must name the columns"),
        (tmp_path / "no.csv", "cannot read"),
    ]:
        done = cli.run("import", "stock_items", str(path))
        assert done.returncode == 2 and words in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert len(_writes(cli.sandbox)) == before


def test_stock_levels_naming_the_model_by_id_and_the_location_by_code_and_a_field_not_writable(
    cli: Cli, tmp_path: Path
) -> None:
    with Cache.open(cli.cache_file) as cache:
        coded = {r.id: r for r in cache.records.find("stock_locations") if r.attributes.get("code")}
        level = next(
            r for r in cache.records.find("inventory_stock_locations") if r.relationships["stock_location"] in coded
        )
        location = coded[str(level.relationships["stock_location"])]
    sheet = tmp_path / "levels.csv"
    sheet.write_text(
        f"inventory_model_id,stock_location_code,on_hold\n{level.relationships['inventory_model']},"
        f"{location.attributes['code'].lower()},{'no' if level.attributes.get('on_hold') else 'yes'}\n"
    )
    before = len(_writes(cli.sandbox))
    done = cli.run("import", "stock_levels", str(sheet))
    assert done.returncode == 0, done.stdout + done.stderr
    assert [(w["method"], w["path"]) for w in _writes(cli.sandbox)[before:]] == [
        ("PATCH", f"/api/inventory_stock_locations/{level.id}")
    ]
    id_column = tmp_path / "ids.csv"
    id_column.write_text(
        f"inventory_model,stock_location,id\n{level.relationships['inventory_model']},{location.id},x\n"
    )
    refused = cli.run("import", "stock_levels", str(id_column), "--dry-run")
    assert refused.returncode == 2 and "line 1  id: not a field of stock levels" in refused.stdout, refused.stdout
