"""Review of a count before it is applied: only what differs from the cache, and the edits that make it agree.

- A counted SKU with a stock item at the location becomes an update of its quantity; without one, a create.
- Stock items of the location that were not counted are left alone, unless the count says "items not counted are
  zero" (then each one above zero becomes an update to zero).
- The cache's quantity may have moved since a line was counted (an order shipped while the aisle was counted). The
  shelf held ``counted`` when the cache said ``expected``; it now says ``current``. The line then offers two
  numbers: the counted one as it is, or the counted one adjusted by what moved since (``counted + current -
  expected``, never below zero). Adjusted is the default: a sale shipped after the count left the shelf with less.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from desktop_app.schema import parse_datetime
from desktop_app.store.counts import CountRow, CountStore

Choice = Literal["counted", "adjusted"]
Action = Literal["create", "update"]
STOCK_ITEMS = "stock_items"


@dataclass(frozen=True, slots=True)
class ReviewLine:
    """One stock item the count changes. ``counted`` is ``None`` for an item not counted (set to zero by choice);
    ``expected`` is what the cache held when the SKU was counted (``None``: no stock item then)."""

    sku_id: str
    code: str
    name: str
    action: Action
    stock_item_id: str | None
    current: int
    expected: int | None
    counted: int | None
    #: Units reserved for placed orders: a new quantity below it leaves them short (the review says so).
    reserved: int = 0

    @property
    def moved(self) -> int:
        """What the cache's quantity moved by since the line was counted (0 for an item not counted)."""
        if self.counted is None:
            return 0
        return self.current - (self.expected or 0)

    @property
    def drifted(self) -> bool:
        return self.moved != 0

    def target(self, choice: Choice = "adjusted") -> int:
        """The quantity the item gets under ``choice`` (only a line that drifted tells the two apart)."""
        if self.counted is None:
            return 0
        if choice == "adjusted":
            return max(0, self.counted + self.moved)
        return self.counted

    def short_of_reserved(self, choice: Choice = "adjusted") -> int:
        """How many units placed orders would lack at ``choice``'s quantity (0: none)."""
        return max(0, self.reserved - self.target(choice))

    def label(self, location_name: str) -> str:
        """How the line reads in a batch and in Pending edits: "ABC-1 at Berlin Hub"."""
        return f"{self.code} at {location_name}"


@dataclass(frozen=True, slots=True)
class Edit:
    """One change to send: an update of a stock item's quantity, or a create of one."""

    action: Action
    record_id: str | None
    attributes: dict[str, Any]
    relationships: dict[str, str]
    line_label: str


@dataclass(frozen=True, slots=True)
class Review:
    count: CountRow
    location_name: str
    lines: tuple[ReviewLine, ...]
    unchanged: int

    @property
    def drifted(self) -> list[ReviewLine]:
        return [line for line in self.lines if line.drifted]

    def edits(self, choices: Mapping[str, Choice] | None = None) -> list[Edit]:
        """The edits that make the cache agree with the count; ``choices`` by SKU id for lines that drifted
        (adjusted when not given). A line whose chosen number is what the cache holds sends nothing."""
        chosen = choices or {}
        edits: list[Edit] = []
        for line in self.lines:
            target = line.target(chosen.get(line.sku_id, "adjusted"))
            label = line.label(self.location_name)
            if line.action == "create":
                if target > 0:
                    relationships = {"sku": line.sku_id, "stock_location": self.count.location_id}
                    edits.append(Edit("create", None, {"quantity": target}, relationships, label))
            elif target != line.current and line.stock_item_id is not None:
                edits.append(Edit("update", line.stock_item_id, {"quantity": target}, {}, label))
        return edits

    @property
    def batch_name(self) -> str:
        return batch_name(self.location_name, self.count.started_at)


def batch_name(location_name: str, started_at: str) -> str:
    """ "Count of Berlin Hub, 6 Dec 14:02": the location and the local time the count started."""
    try:
        moment = parse_datetime(started_at).astimezone()
    except ValueError:
        moment = datetime.now().astimezone()
    return f"Count of {location_name}, {moment.day} {moment:%b %H:%M}"


def review(store: CountStore, count: CountRow, location_name: str | None = None) -> Review:
    """The differences between the count and the cache now."""
    name = location_name or store.locations().get(count.location_id, count.location_name)
    lines = store.lines(count.id)
    skus = store.skus([line.sku_id for line in lines])
    changes: list[ReviewLine] = []
    unchanged = 0
    counted_skus: set[str] = set()
    for line in lines:
        counted_skus.add(line.sku_id)
        item = store.item_at(line.sku_id, count.location_id)
        sku = skus.get(line.sku_id)
        current = item.quantity if item else 0
        shown = ReviewLine(
            line.sku_id,
            sku.code if sku else line.code,
            sku.name if sku else line.code,
            "update" if item else "create",
            item.id if item else None,
            current,
            line.expected,
            line.quantity,
        )
        if _differs(shown):
            changes.append(shown)
        else:
            unchanged += 1
    if count.uncounted_zero:
        rest = [i for i in store.items_at(count.location_id) if i.sku_id not in counted_skus]
        rest_skus = store.skus([i.sku_id for i in rest if i.sku_id])
        for item in rest:
            if item.quantity == 0:
                continue
            sku = rest_skus.get(item.sku_id or "")
            code = sku.code if sku else item.sku_id or item.id
            name_ = sku.name if sku else code
            changes.append(ReviewLine(item.sku_id or "", code, name_, "update", item.id, item.quantity, None, None))
    reserved = store.reserved([line.stock_item_id for line in changes if line.stock_item_id])
    if reserved:
        changes = [replace(line, reserved=reserved.get(line.stock_item_id or "", 0)) for line in changes]
    return Review(count, name, tuple(changes), unchanged)


def _differs(line: ReviewLine) -> bool:
    """Whether either number the line could take differs from the cache (a create of zero changes nothing)."""
    if line.action == "create":
        return line.target("counted") > 0 or line.target("adjusted") > 0
    return line.target("counted") != line.current or line.target("adjusted") != line.current
