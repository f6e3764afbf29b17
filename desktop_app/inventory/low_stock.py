"""What is running out: stock items whose available quantity is at or below their reorder point.

A stock item's reorder point is its own ``metadata.reorder_point``, else its SKU's default; likewise its target
level. Available is the quantity net of reserved stock. When a target level is set, the reorder quantity is what
brings available up to it. The store hands over a superset of candidates from its index
(:meth:`StockFigures.candidates`); the rules are applied here, once, for the window, the marks in every table and
the ``low-stock`` command alike.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from operator import attrgetter
from typing import NamedTuple

from desktop_app.errors import UsageError
from desktop_app.inventory.availability import find_model
from desktop_app.inventory.thresholds import read_threshold
from desktop_app.schema import low_mark_types
from desktop_app.store.stock_figures import Candidate, LocationRow, StockFigures


class LowStockItem(NamedTuple):
    stock_item_id: str
    sku_id: str | None
    sku_code: str
    sku_name: str
    location_id: str | None
    location_name: str
    quantity: int
    reserved: int
    reorder_point: int
    target_level: int | None
    #: ``"stock item"`` when the item sets its own reorder point, ``"SKU"`` when it is the SKU's default.
    reorder_point_from: str

    @property
    def available(self) -> int:
        return self.quantity - self.reserved

    @property
    def reorder_quantity(self) -> int | None:
        """Units to order to bring available up to the target level; ``None`` without a target."""
        if self.target_level is None:
            return None
        return max(self.target_level - self.available, 0)


#: Where a low stock item keeps each id it may mark by (its own, and those its relationships name).
_MARKED_BY = {"id": "stock_item_id", "sku": "sku_id", "stock_location": "location_id"}


def _pointer(how: str) -> Callable[[LowStockItem], str | None]:
    """What reads the id a low stock item marks by ``how`` (an :attr:`~desktop_app.schema.AppType.marked_low_by`):
    ``"id"`` its own, else the id its relationship of that name names (``None``: it names none)."""
    field = _MARKED_BY.get(how)
    if field is None:
        known = ", ".join(_MARKED_BY)
        raise ValueError(f"marked_low_by - a low stock item has no relationship {how!r} (it has {known})")
    return attrgetter(field)


class LowMarks(Mapping[str, frozenset[str]]):
    """Which rows each table marks as low on stock: type -> the ids of its marked rows. Which rows of a type are
    marked is the resource description's (:attr:`~desktop_app.schema.AppType.marked_low_by`): the low stock items
    themselves, the SKUs and the locations they point at."""

    __slots__ = ("_ids",)

    def __init__(self, ids: Mapping[str, Iterable[str]] | None = None) -> None:
        self._ids = {type_: frozenset(marked) for type_, marked in (ids or {}).items()}

    def __getitem__(self, type_: str) -> frozenset[str]:
        return self._ids[type_]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __repr__(self) -> str:
        return f"LowMarks({self._ids!r})"

    def of(self, type_: str) -> frozenset[str]:
        """The ids a table of ``type_`` marks (none for a type without marks)."""
        return self._ids.get(type_, frozenset())

    def marks(self, type_: str, record_id: str) -> bool:
        return record_id in self.of(type_)


def marks_of(items: Iterable[LowStockItem]) -> LowMarks:
    """The marks of every type the description marks, from these low stock items."""
    rows = list(items)
    return LowMarks({type_: frozenset(filter(None, map(_pointer(how), rows))) for type_, how in low_mark_types()})


def find_location(locations: Sequence[LocationRow], wanted: str) -> LocationRow:
    """The stock location with this id, else this code, else this name (codes and names in any case)."""
    text = wanted.strip()
    folded = text.casefold()
    found = (
        next((loc for loc in locations if loc.id == text), None)
        or next((loc for loc in locations if (loc.code or "").casefold() == folded), None)
        or next((loc for loc in locations if loc.name.casefold() == folded), None)
    )
    if found is not None:
        return found
    raise UsageError(f"location - no stock location {wanted!r} in the cache (an id, a code or a name)")


def judge(candidate: Candidate, reserved: int) -> tuple[int, int | None, str] | None:
    """(reorder point, target level, where the point comes from) when the candidate is low, else ``None``."""
    own = read_threshold(candidate.item_reorder_point)
    point = own if own is not None else read_threshold(candidate.sku_reorder_point)
    if point is None or candidate.quantity - reserved > point:
        return None
    target = read_threshold(candidate.item_target_level)
    if target is None:
        target = read_threshold(candidate.sku_target_level)
    return point, target, "stock item" if own is not None else "SKU"


def low_stock(figures: StockFigures, *, location: str | None = None, model: str | None = None) -> list[LowStockItem]:
    """Low stock items, by location name then SKU code; ``location`` (id, code or name) and ``model`` (id or name)
    narrow the list to one location, or to the locations of one inventory model."""
    locations = figures.locations()
    names = {loc.id: loc.name for loc in locations}
    wanted: set[str] | None = None
    if location:
        wanted = {find_location(locations, location).id}
    if model:
        chosen = find_model(figures.models(), model)
        in_model = {lv.location_id for lv in figures.levels() if lv.model_id == chosen.id and lv.location_id}
        wanted = in_model if wanted is None else wanted & in_model
    candidates = figures.candidates(sorted(wanted) if wanted is not None else None)
    reserved = figures.reserved_of([c.id for c in candidates])
    judged = [(c, judge(c, reserved.get(c.id, 0))) for c in candidates]
    low = [(c, verdict) for c, verdict in judged if verdict is not None]
    labels = figures.sku_labels(c.sku_id for c, _ in low if c.sku_id)
    rows = [
        LowStockItem(
            stock_item_id=c.id,
            sku_id=c.sku_id,
            sku_code=labels.get(c.sku_id or "", ("", ""))[0],
            sku_name=labels.get(c.sku_id or "", ("", ""))[1],
            location_id=c.location_id,
            location_name=names.get(c.location_id or "", c.location_id or ""),
            quantity=c.quantity,
            reserved=reserved.get(c.id, 0),
            reorder_point=verdict[0],
            target_level=verdict[1],
            reorder_point_from=verdict[2],
        )
        for c, verdict in low
    ]
    rows.sort(key=lambda r: (r.location_name.casefold(), r.sku_code, r.stock_item_id))
    return rows
