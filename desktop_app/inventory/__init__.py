"""Where the stock is (no Qt): a SKU's availability per inventory model, which location the next order ships from,
reorder points and low stock, and the figures per stock location the Overview shows.

Everything reads the cache through :class:`desktop_app.store.stock_figures.StockFigures`, so the window, its
worker threads and the command line give the same answers offline and online.
"""

from desktop_app.inventory.availability import (
    CombinedInventory,
    LocationStock,
    ModelAvailability,
    SkuAvailability,
    build_availability,
    combined_inventory,
    shipping_order,
    sku_availability,
)
from desktop_app.inventory.low_stock import LowMarks, LowStockItem, find_location, low_stock, marks_of
from desktop_app.inventory.overview import LocationFigures, Overview, overview
from desktop_app.inventory.shipping import STRATEGIES, ShippingPlan, Source, plan_shipment
from desktop_app.inventory.thresholds import (
    REORDER_POINT,
    TARGET_LEVEL,
    parse_threshold,
    read_threshold,
    with_threshold,
)
from desktop_app.store.stock_figures import StockFigures

__all__ = [
    "REORDER_POINT",
    "STRATEGIES",
    "TARGET_LEVEL",
    "CombinedInventory",
    "LocationFigures",
    "LocationStock",
    "LowMarks",
    "LowStockItem",
    "ModelAvailability",
    "Overview",
    "ShippingPlan",
    "SkuAvailability",
    "Source",
    "StockFigures",
    "build_availability",
    "combined_inventory",
    "find_location",
    "low_stock",
    "marks_of",
    "overview",
    "parse_threshold",
    "plan_shipment",
    "read_threshold",
    "shipping_order",
    "sku_availability",
    "with_threshold",
]
