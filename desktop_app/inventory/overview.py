"""The figures a manager reads first: per stock location the units on hand, reserved and available, how many SKUs
it holds and how many of its stock items are low.

Totals come from the store's index of stock figures; reserved stock is summed apart (few items have any); low
items from :func:`desktop_app.inventory.low_stock.low_stock`, whose list comes along so one computation feeds the
Overview, the Low stock view and the marks in the tables.
"""

from typing import NamedTuple

from desktop_app.inventory.low_stock import LowStockItem, low_stock
from desktop_app.store.stock_figures import StockFigures


class LocationFigures(NamedTuple):
    location_id: str | None
    name: str
    code: str | None
    quantity: int
    reserved: int
    skus: int
    items: int
    low: int

    @property
    def available(self) -> int:
        return self.quantity - self.reserved


class Overview(NamedTuple):
    locations: tuple[LocationFigures, ...]
    low_items: tuple[LowStockItem, ...]
    #: SKUs in the catalogue (stocked or not).
    catalogue_skus: int = 0

    @property
    def total(self) -> LocationFigures:
        """Every location together (``skus`` is 0: a SKU in several locations would count several times)."""
        rows = self.locations
        return LocationFigures(
            None,
            "All locations",
            None,
            sum(r.quantity for r in rows),
            sum(r.reserved for r in rows),
            0,
            sum(r.items for r in rows),
            sum(r.low for r in rows),
        )


def overview(figures: StockFigures) -> Overview:
    """Figures for every stock location (those without stock items too), by name."""
    places = {loc.id: loc for loc in figures.locations()}
    totals = {row.location_id: row for row in figures.location_totals()}
    reserved = figures.reserved_by_location()
    low_items = low_stock(figures)
    low_counts: dict[str | None, int] = {}
    for item in low_items:
        low_counts[item.location_id] = low_counts.get(item.location_id, 0) + 1
    rows: list[LocationFigures] = []
    for location_id in {*places, *totals}:
        place = places.get(location_id or "")
        total = totals.get(location_id)
        rows.append(
            LocationFigures(
                location_id,
                place.name if place else (location_id or "No location"),
                place.code if place else None,
                total.quantity if total else 0,
                reserved.get(location_id, 0),
                total.skus if total else 0,
                total.items if total else 0,
                low_counts.get(location_id, 0),
            )
        )
    rows.sort(key=lambda r: (r.location_id is None or r.location_id not in places, r.name.casefold()))
    return Overview(tuple(rows), tuple(low_items), figures.sku_count())
