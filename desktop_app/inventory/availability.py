"""Where a SKU is and how many can be sold: per inventory model, its stock locations in shipping order.

Commerce Layer answers this one SKU at a time, online, in a market's scope (``GET /api/skus/{id}`` → ``inventory``).
Stockroom answers it from the cache, for every inventory model at once, with the same rules: a model's stock
locations are taken in priority order (the smaller number first; ties by creation), only the first
``stock_locations_cutoff`` (default 2) count, and what a location can sell is its stock item's quantity net of its
reserved stock. :func:`combined_inventory` is Commerce Layer's own aggregate over all models (a location reached
through several counts once, at its best place), which tests hold against the sandbox's answer.
"""

from collections.abc import Sequence
from typing import NamedTuple

from desktop_app.errors import UsageError
from desktop_app.inventory.shipping import DEFAULT_STRATEGY, STRATEGIES, ShippingPlan, Source, plan_shipment
from desktop_app.store.stock_figures import LevelRow, LocationRow, ModelRow, SkuRow, StockFigures, StockRow

#: Commerce Layer counts this many locations of a model when the model does not say.
DEFAULT_CUTOFF = 2


class LocationStock(NamedTuple):
    """One stock location of a model, with the SKU's stock there (zeros and no stock item when it has none)."""

    location_id: str
    name: str
    code: str | None
    level_id: str | None
    priority: int | None
    on_hold: bool
    counted: bool
    stock_item_id: str | None
    quantity: int
    reserved: int
    pending: bool = False

    @property
    def available(self) -> int:
        return self.quantity - self.reserved


class ModelAvailability(NamedTuple):
    """A model's locations in shipping order, its totals over the counted ones, and where the next order ships
    from (:mod:`desktop_app.inventory.shipping`)."""

    id: str
    name: str
    strategy: str
    cutoff: int
    locations: tuple[LocationStock, ...]
    plan: ShippingPlan

    @property
    def counted(self) -> tuple[LocationStock, ...]:
        return tuple(location for location in self.locations if location.counted)

    @property
    def quantity(self) -> int:
        return sum(location.quantity for location in self.counted)

    @property
    def reserved(self) -> int:
        return sum(location.reserved for location in self.counted)

    @property
    def available(self) -> int:
        return sum(location.available for location in self.counted)

    @property
    def ships_from(self) -> LocationStock | None:
        return next((loc for loc in self.locations if loc.location_id == self.plan.ships_from), None)


class CombinedLevel(NamedTuple):
    location_id: str
    quantity: int


class CombinedInventory(NamedTuple):
    """Commerce Layer's ``inventory`` of the SKU with every model in scope: ``quantity`` net of reserved stock,
    ``levels`` per counted location holding the SKU, in priority order."""

    available: bool
    quantity: int
    levels: tuple[CombinedLevel, ...]


class SkuAvailability(NamedTuple):
    sku: SkuRow
    models: tuple[ModelAvailability, ...]
    #: Stock of the SKU at locations no inventory model ships from (it cannot be sold from there).
    elsewhere: tuple[LocationStock, ...]
    combined: CombinedInventory
    #: Units of the order the "ships from" answers are for.
    order_quantity: int = 1


def shipping_order(levels: Sequence[LevelRow]) -> list[LevelRow]:
    """Stock levels of one model in the order it ships from them: priority (smaller first; none last), then
    creation, then id (Commerce Layer leaves ties undefined; this keeps them stable)."""
    return sorted(levels, key=lambda lv: (lv.priority is None, lv.priority or 0, lv.created_at or "", lv.id))


def effective_cutoff(model: ModelRow) -> int:
    return model.cutoff if model.cutoff is not None and model.cutoff > 0 else DEFAULT_CUTOFF


def find_model(models: Sequence[ModelRow], wanted: str) -> ModelRow:
    """The model with this id, or else this name (any case); a ``UsageError`` naming ``--inventory-model``."""
    text = wanted.strip()
    found = next((m for m in models if m.id == text), None) or next(
        (m for m in models if m.name.casefold() == text.casefold()), None
    )
    if found is None:
        raise UsageError(f"inventory-model - no inventory model {wanted!r} in the cache (an id or a name)")
    return found


def build_availability(
    sku: SkuRow,
    stock: Sequence[StockRow],
    models: Sequence[ModelRow],
    levels: Sequence[LevelRow],
    locations: Sequence[LocationRow],
    *,
    only_model: str | None = None,
    quantity: int = 1,
) -> SkuAvailability:
    """The availability of ``sku`` from plain rows (see :class:`StockFigures`); ``only_model`` an id or name."""
    by_location = {row.location_id: row for row in stock if row.location_id}
    places = {row.id: row for row in locations}
    chosen = [find_model(models, only_model)] if only_model else sorted(models, key=lambda m: (m.name, m.id))
    result: list[ModelAvailability] = []
    for model in chosen:
        cutoff = effective_cutoff(model)
        ordered = shipping_order([lv for lv in levels if lv.model_id == model.id and lv.location_id])
        rows = tuple(
            _location(level, places, by_location.get(level.location_id or ""), position < cutoff)
            for position, level in enumerate(ordered)
        )
        strategy = model.strategy if model.strategy in STRATEGIES else DEFAULT_STRATEGY
        sources = [Source(r.location_id, r.available, r.on_hold) for r in rows if r.counted]
        plan = plan_shipment(strategy, sources, quantity, do_not_track=sku.do_not_track, do_not_ship=sku.do_not_ship)
        result.append(ModelAvailability(model.id, model.name, strategy, cutoff, rows, plan))
    in_models = {lv.location_id for lv in levels if lv.model_id in {m.id for m in models}}
    elsewhere = tuple(
        _location(None, places, row, False, location_id=row.location_id)
        for row in sorted(stock, key=lambda r: r.location_id or "")
        if row.location_id and row.location_id not in in_models
    )
    combined = combined_inventory(sku, stock, models, levels)
    return SkuAvailability(sku, tuple(result), elsewhere, combined, quantity)


def _location(
    level: LevelRow | None,
    places: dict[str, LocationRow],
    item: StockRow | None,
    counted: bool,
    *,
    location_id: str | None = None,
) -> LocationStock:
    location_id = location_id or (level.location_id if level else None) or ""
    place = places.get(location_id)
    return LocationStock(
        location_id=location_id,
        name=place.name if place else location_id,
        code=place.code if place else None,
        level_id=level.id if level else None,
        priority=level.priority if level else None,
        on_hold=level.on_hold if level else False,
        counted=counted,
        stock_item_id=item.id if item else None,
        quantity=item.quantity if item else 0,
        reserved=item.reserved if item else 0,
        pending=item.pending if item else False,
    )


def combined_inventory(
    sku: SkuRow, stock: Sequence[StockRow], models: Sequence[ModelRow], levels: Sequence[LevelRow]
) -> CombinedInventory:
    """Commerce Layer's aggregate with every model in scope (see the module's notes)."""
    best: dict[str, tuple[int, int]] = {}
    for model in models:
        ordered = shipping_order([lv for lv in levels if lv.model_id == model.id and lv.location_id])
        for position, level in enumerate(ordered[: effective_cutoff(model)]):
            rank = (level.priority or 0, position)
            location = level.location_id or ""
            if location not in best or rank < best[location]:
                best[location] = rank
    items = {row.location_id: row for row in stock if row.location_id}
    out = [
        CombinedLevel(location, items[location].quantity - items[location].reserved)
        for location in sorted(best, key=lambda loc: (best[loc], loc))
        if location in items
    ]
    total = sum(level.quantity for level in out)
    return CombinedInventory(total > 0 or sku.do_not_track, total, tuple(out))


def sku_availability(
    figures: StockFigures, code: str, *, only_model: str | None = None, quantity: int = 1
) -> SkuAvailability:
    """The availability of the SKU with this code (or id) in the cache; a ``UsageError`` naming ``SKU_CODE`` when
    the cache has no such SKU."""
    wanted = code.strip()
    if not wanted:
        raise UsageError("SKU_CODE - give a SKU code")
    sku = figures.sku_by_code(wanted)
    if sku is None:
        raise UsageError(f"SKU_CODE - no SKU with code {wanted!r} in the cache (run `stockroom sync` first?)")
    return build_availability(
        sku,
        figures.stock_of_sku(sku.id),
        figures.models(),
        figures.levels(),
        figures.locations(),
        only_model=only_model,
        quantity=quantity,
    )
