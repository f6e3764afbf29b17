"""What ``availability`` and ``low-stock`` print: aligned text for people (thousands separators, names), and JSON or
CSV with plain numbers and ids for scripts, in the shapes the README documents."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import IO, Any

from desktop_app.inventory import LowStockItem, ModelAvailability, SkuAvailability
from desktop_app.inventory.shipping import STRATEGY_NAMES


def _place(name: str, code: str | None) -> str:
    return f"{name} ({code})" if code and code != name else name


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: range) -> list[str]:
    """Columns padded to their widest cell; the ``numeric`` ones right-aligned."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        cells = [c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        return "  ".join(cells).rstrip()

    return [line(header), *(line(row) for row in rows)]


def _model_lines(model: ModelAvailability, order_quantity: int) -> list[str]:
    total = len(model.locations)
    counts = (
        f"counts the first {model.cutoff:,} of its {total:,} locations"
        if total > model.cutoff
        else (f"counts all {total:,} of its locations")
    )
    lines = ["", f"{model.name} — {STRATEGY_NAMES.get(model.strategy, model.strategy)}; {counts}"]
    if not model.locations:
        return [*lines, "  no stock locations"]
    rows = []
    for position, loc in enumerate(model.locations, start=1):
        notes = [n for n, on in (("on hold", loc.on_hold), ("not counted", not loc.counted)) if on]
        if loc.stock_item_id is None:
            notes.append("no stock item")
        if loc.location_id == model.plan.ships_from:
            notes.insert(0, "ships from here")
        rows.append(
            [
                f"{position}",
                _place(loc.name, loc.code),
                "" if loc.priority is None else f"{loc.priority:,}",
                f"{loc.quantity:,}",
                f"{loc.reserved:,}",
                f"{loc.available:,}",
                ", ".join(notes),
            ]
        )
    rows.append(["", "Total counted", "", f"{model.quantity:,}", f"{model.reserved:,}", f"{model.available:,}", ""])
    header = ["#", "Location", "Priority", "Quantity", "Reserved", "Available", ""]
    lines += ["  " + row for row in _table(header, rows, numeric=range(2, 6))]
    units = "one unit" if order_quantity == 1 else f"{order_quantity:,} units"
    ships = model.ships_from
    where = _place(ships.name, ships.code) if ships else "nowhere"
    lines.append(f"  An order of {units} ships from {where}: {model.plan.reason}.")
    places = {loc.location_id: _place(loc.name, loc.code) for loc in model.locations}

    def parts(takes: tuple[tuple[str, int], ...]) -> str:
        return ", ".join(f"{units:,} from {places.get(location, location)}" for location, units in takes)

    if len(model.plan.shipments) > 1:
        lines.append(f"  Shipments: {parts(model.plan.shipments)}.")
    if model.plan.transfers:
        lines.append(f"  Stock transfers to it: {parts(model.plan.transfers)}.")
    return lines


def availability_lines(result: SkuAvailability) -> list[str]:
    sku = result.sku
    lines = [f"{sku.code} — {sku.name}"]
    flags = [n for n, on in (("stock not tracked", sku.do_not_track), ("not shipped", sku.do_not_ship)) if on]
    combined = result.combined
    note = f" ({', '.join(flags)})" if flags else ""
    lines.append(f"Available in all inventory models together: {combined.quantity:,}{note}")
    if not result.models:
        lines.append("No inventory models in the cache.")
    for model in result.models:
        lines += _model_lines(model, result.order_quantity)
    if result.elsewhere:
        lines += ["", "Also stocked where no inventory model ships from:"]
        for loc in result.elsewhere:
            lines.append(f"  {_place(loc.name, loc.code)}: {loc.quantity:,} ({loc.available:,} available)")
    return lines


def availability_json(result: SkuAvailability) -> dict[str, Any]:
    """``{"sku": {id, code, name}, "inventory_models": [...]}`` exactly as the README documents it."""
    return {
        "sku": {"id": result.sku.id, "code": result.sku.code, "name": result.sku.name},
        "inventory_models": [
            {
                "id": model.id,
                "name": model.name,
                "strategy": model.strategy,
                "available": model.available,
                "ships_from": (
                    {"id": model.ships_from.location_id, "name": model.ships_from.name} if model.ships_from else None
                ),
                "locations": [
                    {
                        "id": loc.location_id,
                        "name": loc.name,
                        "priority": loc.priority,
                        "quantity": loc.quantity,
                        "reserved": loc.reserved,
                        "available": loc.available,
                        "on_hold": loc.on_hold,
                        "counted": loc.counted,
                    }
                    for loc in model.locations
                ],
            }
            for model in result.models
        ],
    }


def low_stock_json(rows: Sequence[LowStockItem]) -> list[dict[str, Any]]:
    return [
        {
            "stock_item_id": row.stock_item_id,
            "sku_code": row.sku_code,
            "stock_location": row.location_name,
            "available": row.available,
            "reorder_point": row.reorder_point,
        }
        for row in rows
    ]


CSV_COLUMNS = (
    "stock_item_id",
    "sku_code",
    "sku_name",
    "stock_location",
    "quantity",
    "reserved",
    "available",
    "reorder_point",
    "target_level",
    "reorder_quantity",
)


def low_stock_csv(rows: Sequence[LowStockItem], stream: IO[str]) -> None:
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.stock_item_id,
                row.sku_code,
                row.sku_name,
                row.location_name,
                row.quantity,
                row.reserved,
                row.available,
                row.reorder_point,
                "" if row.target_level is None else row.target_level,
                "" if row.reorder_quantity is None else row.reorder_quantity,
            ]
        )


def low_stock_lines(rows: Sequence[LowStockItem]) -> list[str]:
    if not rows:
        return ["No stock item is at or below its reorder point."]
    table = [
        [
            row.location_name,
            row.sku_code,
            f"{row.available:,}",
            f"{row.reorder_point:,}" + (" (SKU)" if row.reorder_point_from == "SKU" else ""),
            "" if row.target_level is None else f"{row.target_level:,}",
            "" if row.reorder_quantity is None else f"{row.reorder_quantity:,}",
        ]
        for row in rows
    ]
    header = ["Location", "SKU", "Available", "Reorder point", "Target", "To reorder"]
    noun = "stock item" if len(rows) == 1 else "stock items"
    return [*_table(header, table, numeric=range(2, 6)), f"{len(rows):,} {noun} at or below the reorder point."]
