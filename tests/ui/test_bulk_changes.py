"""File ▸ Import… and Edit ▸ Change rows… in the window, against the real sandbox: what the preview shows, that
Apply sends one write per changed record (and nothing the second time), and that errors block it by name."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from desktop_app.imports.bulk import BulkChange, bulk_fields
from desktop_app.store import CachedRecord
from desktop_app.ui.bulk import controller
from desktop_app.ui.dialogs.bulk_edit import BulkEditDialog
from desktop_app.ui.dialogs.change_preview import ChangePreviewDialog
from desktop_app.ui.dialogs.import_file import ImportFileDialog
from tests.ui.conftest import open_window, settle, wait_until
from tests.ui.shots import shoot, shoot_over


def _writes(sandbox: Any, since: int = 0) -> list[tuple[str, str]]:
    return [
        (r["method"], r["path"])
        for r in sandbox.requests()[since:]
        if r["method"] in ("POST", "PATCH", "DELETE") and r["path"].startswith("/api/")
    ]


class Reviews:
    """Stands in for the preview dialog's ``ask``: builds the real dialog, keeps it with the rows its table shows
    (the preview is freed once the dialog is answered), and presses Apply when the dialog lets it (ticking "Apply
    the valid rows" first when told to)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, valid_only: bool = False) -> None:
        self.dialogs: list[ChangePreviewDialog] = []
        self.tables: list[list[tuple[str, ...]]] = []
        self.valid_only = valid_only

        def ask(cls: Any, parent: Any, *args: Any, by_line: bool) -> bool:
            dialog = cls(*args, by_line=by_line, parent=parent)
            self.dialogs.append(dialog)
            self.tables.append(_table(dialog))
            self.blocked = not dialog.apply_button.isEnabled()
            if self.valid_only and not dialog.valid_only.isHidden():
                dialog.valid_only.setChecked(True)
            return dialog.apply_button.isEnabled()

        monkeypatch.setattr(ChangePreviewDialog, "ask", classmethod(ask))

    async def next(self, window: Any, count: int) -> tuple[ChangePreviewDialog, list[tuple[str, ...]]]:
        await wait_until(lambda: len(self.dialogs) >= count, what="the preview dialog")
        await settle(window)
        return self.dialogs[count - 1], self.tables[count - 1]


def _table(dialog: ChangePreviewDialog) -> list[tuple[str, ...]]:
    return [dialog.model.texts(row) for row in range(dialog.model.rowCount())]


def _named(opened: Any) -> tuple[dict[str, str], dict[str, CachedRecord], list[CachedRecord]]:
    records = opened.workspace.cached.records
    skus = {r.id: r.attributes["code"] for r in records.find("skus")}
    locations = {r.id: r for r in records.find("stock_locations") if r.attributes.get("code")}
    reserved = {str(r.relationships.get("stock_item")) for r in records.find("reserved_stocks")}
    items = [
        i
        for i in records.find("stock_items")
        if i.relationships.get("stock_location") in locations and i.id not in reserved and i.attributes["quantity"] > 3
    ]
    return skus, locations, items


@pytest.mark.asyncio
async def test_import_previews_every_change_applies_one_write_each_and_nothing_the_second_time(
    fresh_sandbox: Any, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reviews = Reviews(monkeypatch)
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        skus, locations, items = _named(opened)
        first, second, same = items[:3]

        def where(item: CachedRecord, attribute: str = "code") -> str:
            return str(locations[str(item.relationships["stock_location"])].attributes[attribute])

        held = {(str(i.relationships["sku"]), str(i.relationships["stock_location"])) for i in items}
        new_sku, new_location = next(
            (code, loc.attributes["code"])
            for sku_id, code in skus.items()
            for loc_id, loc in locations.items()
            if (sku_id, loc_id) not in held
            and not opened.workspace.cached.records.find("stock_items", where={"sku": sku_id, "stock_location": loc_id})
        )
        sheet = tmp_path / "supplier.csv"
        sheet.write_text(
            "SKU code;Stock location;Quantity\n"
            f"{skus[first.relationships['sku']]};{where(first)};{first.attributes['quantity'] + 1200}\n"
            f"{skus[second.relationships['sku']]};{where(second, 'name')};{second.attributes['quantity'] + 1}\n"
            f"{skus[same.relationships['sku']]};{where(same)};{same.attributes['quantity']}\n"
            f"{new_sku};{new_location.lower()};7\n",
            encoding="utf-8-sig",
        )
        monkeypatch.setattr(ImportFileDialog, "ask", classmethod(lambda cls, *a, **k: (sheet, "stock_items")))
        before = len(fresh_sandbox.requests())
        window.import_file()
        dialog, table = await reviews.next(window, 1)

        assert dialog.windowTitle() == "Import of supplier.csv"
        assert dialog.heading.text() == "Stock items from supplier.csv: 4 rows"
        assert dialog.summary.text() == "2 to update, 1 to create, 1 unchanged"
        old, new = first.attributes["quantity"], first.attributes["quantity"] + 1200
        first_label = f"{skus[first.relationships['sku']]} at {where(first)}"
        assert ("2", "Change", first_label, "Quantity", f"{old:,} → {new:,}") in table
        assert ("5", "New", f"{new_sku} at {new_location.lower()}", "Quantity", "7") in table
        assert dialog.apply_button.text() == "Apply 3 changes" and not dialog.valid_only.isVisible()
        assert sorted(_writes(fresh_sandbox, before)) == [
            ("PATCH", f"/api/stock_items/{first.id}"),
            ("PATCH", f"/api/stock_items/{second.id}"),
            ("POST", "/api/stock_items"),
        ]
        entries = opened.workspace.cached.outbox.entries()
        assert entries == [], entries
        (batch,) = opened.workspace.batches()  # one batch, named after the file, all of it sent
        assert (batch.name, batch.total, batch.sent, batch.state) == ("Import of supplier.csv", 3, 3, "done")
        assert opened.workspace.cached.records.get("stock_items", first.id).attributes["quantity"] == new

        again = len(fresh_sandbox.requests())
        window.import_file()
        dialog, table = await reviews.next(window, 2)
        assert dialog.summary.text() == "4 unchanged" and not dialog.apply_button.isEnabled()
        assert table == []
        assert _writes(fresh_sandbox, again) == []
        assert not errors


@pytest.mark.asyncio
async def test_import_errors_name_line_column_and_reason_and_block_apply_until_valid_rows_are_chosen(
    fresh_sandbox: Any, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reviews = Reviews(monkeypatch, valid_only=True)
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        skus, locations, items = _named(opened)
        item = items[0]
        sku, location = skus[item.relationships["sku"]], locations[item.relationships["stock_location"]]
        sheet = tmp_path / "counts.csv"
        sheet.write_text(
            "sku_code,stock_location,quantity\n"
            f"NO-SUCH-SKU,{location.attributes['code']},1\n"
            f"{sku},{location.attributes['name']},-4\n"
            f"{sku},{location.attributes['code']},{item.attributes['quantity'] + 2}\n"
        )
        monkeypatch.setattr(ImportFileDialog, "ask", classmethod(lambda cls, *a, **k: (sheet, "stock_items")))
        before = len(fresh_sandbox.requests())
        window.import_file()
        dialog, table = await reviews.next(window, 1)
        assert reviews.blocked  # Apply was off until the valid rows were chosen
        assert dialog.summary.text() == "1 to update, 2 rows with errors"
        named = f"NO-SUCH-SKU at {location.attributes['code']}"
        assert table[0] == ("2", "Error", named, "sku_code", "unknown SKU 'NO-SUCH-SKU'")
        assert table[1][:2] == ("3", "Error") and table[1][3] == "quantity" and table[1][4].startswith("negative")
        assert dialog.valid_only.text() == "Apply the valid rows (1 change; the 2 rows with errors are left out)"
        assert _writes(fresh_sandbox, before) == [("PATCH", f"/api/stock_items/{item.id}")]
        assert not errors


@pytest.mark.asyncio
async def test_bulk_edit_previews_old_and_new_per_record_refuses_a_negative_result_and_applies_one_batch(
    fresh_sandbox: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reviews = Reviews(monkeypatch)
    choices: list[tuple[str, str, str, bool]] = [("quantity", "add", "5", False)]
    asked: list[BulkEditDialog] = []

    def ask(cls: Any, parent: Any, *args: Any) -> tuple[BulkChange, bool] | None:
        dialog = cls(*args, parent)
        asked.append(dialog)
        key, how, value, every = choices.pop(0)
        dialog.set_choice(key, how, value)
        dialog.shown_button.setChecked(every)
        dialog.try_accept()
        return None if dialog.change is None else (dialog.change, dialog.all_shown)

    monkeypatch.setattr(BulkEditDialog, "ask", classmethod(ask))
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        tab = window.tab_by_type["stock_items"]
        window.tabs.setCurrentWidget(tab)
        tab.table.selectRow(0)
        flags = tab.table.selectionModel().SelectionFlag.Select | tab.table.selectionModel().SelectionFlag.Rows
        for row in (1, 2):
            tab.table.selectionModel().select(tab.proxy.index(row, 0), flags)
        ids = [tab.model.id_at(row) for row in range(3)]
        quantities = {i: opened.workspace.cached.records.get("stock_items", i).attributes["quantity"] for i in ids}
        before = len(fresh_sandbox.requests())
        window.change_rows_action.trigger()
        dialog, table = await reviews.next(window, 1)
        offered = [f.key for f in asked[0].fields]
        assert offered[0] == "quantity" and "reorder_point" in offered
        assert asked[0].selected_button.text() == "The 3 selected stock items"
        assert dialog.windowTitle() == "Add 5 to quantity of 3 stock items"
        assert [row[3:] for row in table] == [("Quantity", f"{quantities[i]:,} → {quantities[i] + 5:,}") for i in ids]
        assert all(row[2] for row in table)  # each record by name, not by id
        assert sorted(_writes(fresh_sandbox, before)) == sorted(("PATCH", f"/api/stock_items/{i}") for i in ids)
        assert [(b.name, b.total) for b in opened.workspace.batches()] == [("Add 5 to quantity of 3 stock items", 3)]

        # Every shown row, lowered by more than some of them hold: those are errors named by record and field.
        choices.append(("quantity", "subtract", "1,000,000", True))
        middle = len(fresh_sandbox.requests())
        window.change_rows_action.trigger()
        dialog, table = await reviews.next(window, 2)
        assert dialog.summary.text().endswith("records with errors") and reviews.blocked
        row = table[0]
        assert row[1] == "Error" and row[3] == "Quantity" and row[4].startswith("negative result:") and row[2]
        assert _writes(fresh_sandbox, middle) == []
        assert not errors


@pytest.mark.asyncio
async def test_set_on_hold_for_every_shown_stock_level_sends_only_the_ones_that_change(
    fresh_sandbox: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reviews = Reviews(monkeypatch)

    def ask(cls: Any, parent: Any, *args: Any) -> tuple[BulkChange, bool] | None:
        dialog = cls(*args, parent)
        dialog.set_choice("on_hold", "set", "true")
        dialog.shown_button.setChecked(True)
        dialog.try_accept()
        assert dialog.change is not None
        return dialog.change, True

    monkeypatch.setattr(BulkEditDialog, "ask", classmethod(ask))
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        tab = window.tab_by_type["inventory_stock_locations"]
        window.tabs.setCurrentWidget(tab)
        await settle(window)
        records = opened.workspace.cached.records
        shown = [tab.model.id_at(row) for row in range(tab.proxy.rowCount())]
        off = [i for i in shown if not records.get("inventory_stock_locations", i).attributes.get("on_hold")]
        assert off and len(shown) < len(records.find("inventory_stock_locations"))  # one inventory model's levels
        before = len(fresh_sandbox.requests())
        window.change_rows()
        dialog, _rows = await reviews.next(window, 1)
        assert dialog.windowTitle() == f"Set on hold for {len(off)} stock levels"
        assert sorted(_writes(fresh_sandbox, before)) == sorted(
            ("PATCH", f"/api/inventory_stock_locations/{i}") for i in off
        )
        assert all(records.get("inventory_stock_locations", i).attributes["on_hold"] for i in shown)
        assert not errors


@pytest.mark.asyncio
async def test_screenshots_of_the_import_preview_and_the_bulk_edit_dialog(
    fresh_sandbox: Any, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[ChangePreviewDialog] = []
    monkeypatch.setattr(controller, "_release", lambda computed: None)  # the dialog stays up for its picture
    monkeypatch.setattr(
        ChangePreviewDialog,
        "ask",
        classmethod(lambda cls, parent, *args, **kw: shown.append(cls(*args, **kw, parent=parent)) or False),
    )
    async with open_window(fresh_sandbox, data_dir) as (window, opened, errors):
        skus, locations, items = _named(opened)
        lines = ["SKU,Stock location,Quantity,Reference"]
        for n, item in enumerate(items[:40]):
            location = locations[item.relationships["stock_location"]].attributes["name"]
            quantity = item.attributes["quantity"] + (1500 if n % 3 else 0)
            lines.append(f"{skus[item.relationships['sku']]},{location},{quantity},delivery 2026-12-05")
        lines += ["UNKNOWN-1,MIL-01,4,", f"{skus[items[0].relationships['sku']]},Atlantis,3,"]
        sheet = tmp_path / "supplier.csv"
        sheet.write_text("\n".join(lines) + "\n")
        monkeypatch.setattr(ImportFileDialog, "ask", classmethod(lambda cls, *a, **k: (sheet, "stock_items")))
        window.import_file()
        await wait_until(lambda: shown, what="the preview dialog")
        dialog = shown[0]
        dialog.show()
        await shoot(dialog, "import-preview")
        dialog.close()
        tab = window.tab_by_type["stock_items"]
        tab.table.selectRow(0)
        bulk = BulkEditDialog(bulk_fields("stock_items"), tab.noun, 12, tab.proxy.rowCount(), window)
        bulk.set_choice("quantity", "subtract", "-")
        bulk.try_accept()
        bulk.show()
        await shoot_over(window, bulk, "bulk-edit")
        bulk.close()
        await asyncio.sleep(0)
        assert not errors
