"""``stockroom availability SKU_CODE`` and ``stockroom low-stock``: where the stock is, from the cache, offline.

Both read the cache the last sync left (no secret, no network), so a morning cron job or a terminal next to the
scanner answers even when the server cannot be reached. They compute with the same core as the window's Find SKU
and Low stock views (``desktop_app.inventory``).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_app.store import Cache


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from desktop_app.connection import add_connection_arguments

    availability = subparsers.add_parser(
        "availability",
        help="where a SKU is: per inventory model, its locations in shipping order (works offline)",
        description="Shows, from the cache, a SKU's stock per inventory model: the stock locations in shipping "
        "order with quantity, reserved and available units, which count (the model's cutoff), and the location "
        "the next order ships from under the model's strategy.",
    )
    availability.add_argument("sku_code", metavar="SKU_CODE", help="the SKU's code (as scanned) or its id")
    availability.add_argument("--inventory-model", metavar="ID", help="only this inventory model (an id or a name)")
    availability.add_argument(
        "--quantity", type=int, default=1, metavar="N", help="units of the order to place (default 1)"
    )
    availability.add_argument("--format", choices=("text", "json"), default="text")
    add_connection_arguments(availability)
    availability.set_defaults(handler=run_availability)

    low = subparsers.add_parser(
        "low-stock",
        help="stock items at or below their reorder point (works offline; exit 0)",
        description="Lists, from the cache, the stock items whose available quantity (quantity less reserved) is "
        "at or below their reorder point (metadata.reorder_point of the stock item, else of its SKU), with how "
        "many to reorder to reach the target level (metadata.target_level) where one is set.",
    )
    low.add_argument("--location", metavar="ID|code|name", help="only this stock location")
    low.add_argument("--inventory-model", metavar="ID", help="only the locations of this inventory model")
    low.add_argument("--format", choices=("text", "csv", "json"), default="text")
    add_connection_arguments(low)
    low.set_defaults(handler=run_low_stock)


def _open_cache(args: argparse.Namespace) -> Cache:
    """The profile's cache, brought to the current schema (its indexes are what the figures read)."""
    from desktop_app import config
    from desktop_app.connection import resolve_connection
    from desktop_app.store import Cache, cache_path

    connection = resolve_connection(args, need_secret=False)
    cache = Cache.open(cache_path(config.data_dir(getattr(args, "data_dir", None)), connection.cache_key))
    if cache.recovery_message:
        print(f"stockroom: {cache.recovery_message}", file=sys.stderr)
    return cache


def run_availability(args: argparse.Namespace) -> int:
    from desktop_app.commands.inventory_output import availability_json, availability_lines
    from desktop_app.errors import UsageError
    from desktop_app.inventory import StockFigures, sku_availability

    if args.quantity < 1:
        raise UsageError("quantity - an order has at least one unit")
    with _open_cache(args) as cache, StockFigures(cache.path) as figures:
        result = sku_availability(figures, args.sku_code, only_model=args.inventory_model, quantity=args.quantity)
    if args.format == "json":
        _write_json(availability_json(result))
    else:
        for line in availability_lines(result):
            print(line)
    return 0


def run_low_stock(args: argparse.Namespace) -> int:
    from desktop_app.commands.inventory_output import low_stock_csv, low_stock_json, low_stock_lines
    from desktop_app.inventory import StockFigures, low_stock

    with _open_cache(args) as cache, StockFigures(cache.path) as figures:
        rows = low_stock(figures, location=args.location, model=args.inventory_model)
    if args.format == "json":
        _write_json(low_stock_json(rows))
    elif args.format == "csv":
        low_stock_csv(rows, sys.stdout)
    else:
        for line in low_stock_lines(rows):
            print(line)
    return 0


def _write_json(value: Any) -> None:
    import json

    json.dump(value, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
