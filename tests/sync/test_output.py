"""What the data commands print: the progress bar on a terminal and in a log, CSV columns from the schema."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.commands.data_output import ProgressBar, export_records, status_lines
from desktop_app.store import Cache, cache_path


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_rewrites_one_line() -> None:
    stream = Terminal()
    bar = ProgressBar(stream)
    for done in (0, 25, 50, 100):
        bar.update("stock_items", done, 100)
    bar.close()
    text = stream.getvalue()
    assert text.count("\n") == 1 and text.count("\r") >= 2
    assert "[" + "#" * 30 + "] 100/100" in text


def test_progress_in_a_log_is_a_few_plain_lines() -> None:
    stream = io.StringIO()
    bar = ProgressBar(stream)
    bar.update("skus", 0, None)
    for done in range(0, 1001, 25):
        bar.update("skus", done, 1000)
    bar.close()
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert lines[0] == "skus: 0" and lines[-1] == "skus: 1000/1000" and len(lines) <= 6


@dataclass
class Rec:
    type: str
    id: str
    attributes: dict[str, Any]
    relationships: dict[str, Any] = field(default_factory=dict)


def test_csv_export_has_schema_columns_and_relationship_ids(tmp_path: Path) -> None:
    cache = Cache.open(cache_path(tmp_path, "p"))
    cache.records.store_page(
        [
            Rec(
                "stock_items",
                "i1",
                {"quantity": 3, "metadata": {"bin": "A3"}, "updated_at": "2024-01-01T00:00:00.000Z"},
                {"sku": "s1", "stock_location": "l1"},
            )
        ]
    )
    out = io.StringIO()
    assert export_records(cache.records, "stock_items", "csv", out) == (1, 0)
    (row,) = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["id"] == "i1" and row["quantity"] == "3" and row["metadata"] == '{"bin":"A3"}'
    assert row["sku_id"] == "s1" and row["stock_location_id"] == "l1" and row["reference"] == ""
    assert "_validate" not in row  # write-only triggers are not columns
    assert any("never synced" in line for line in status_lines(cache))
