"""One count of one stock location, as the window and the command line drive it: look a code up, write a line.

Everything here works from the cache alone (a warehouse floor often has no network); each line is committed as it
is entered (:class:`~desktop_app.store.counts.CountStore`), so the count survives anything but the disk.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.errors import UsageError
from desktop_app.store.counts import CountLine, CountRow, CountStore, SkuRef


class UnknownCodeError(UsageError):
    """A scanned or typed code that is no SKU in the cache; the message names the code."""

    def __init__(self, code: str) -> None:
        super().__init__(f"code - no SKU with code {code!r} in the cache")
        self.code = code


@dataclass(frozen=True, slots=True)
class Counted:
    """A line as shown: what was counted and what the cache holds now (``current`` is ``None`` with no stock item).

    The difference is against the cache's quantity when the line was counted, which is what the shelf was checked
    against; what moved since is the review's business."""

    line: CountLine
    name: str
    current: int | None

    @property
    def expected(self) -> int:
        return self.line.expected or 0

    @property
    def difference(self) -> int:
        return self.line.quantity - self.expected


def location_id_by_name(store: CountStore, name: str) -> tuple[str, str]:
    """A stock location named by name, code or id (any case): its id and name; a clear error naming it otherwise."""
    wanted = name.strip()
    locations = store.locations()
    if wanted in locations:
        return wanted, locations[wanted]
    matches = [i for i, label in locations.items() if label.casefold() == wanted.casefold()]
    if not matches:
        codes = store.location_codes()
        matches = [i for i, code in codes.items() if code.casefold() == wanted.casefold()]
    if not matches:
        raise UsageError(f"location - no stock location named {wanted!r} in the cache")
    if len(matches) > 1:
        raise UsageError(f"location - {len(matches):,} stock locations are named {wanted!r}; give its code or id")
    return matches[0], locations[matches[0]]


class Counting:
    """An open count: adds lines by SKU code, reads them back with the cache's figures."""

    def __init__(self, store: CountStore, count: CountRow) -> None:
        self.store = store
        self.count = count

    @classmethod
    def start(cls, store: CountStore, location_id: str, location_name: str) -> Counting:
        """The location's unfinished count, resumed, or a new one."""
        return cls(store, store.start(location_id, location_name))

    @classmethod
    def resume(cls, store: CountStore) -> Counting | None:
        """The most recently touched unfinished count, if any."""
        open_counts = store.unfinished()
        return cls(store, open_counts[0]) if open_counts else None

    @property
    def location_id(self) -> str:
        return self.count.location_id

    @property
    def location_name(self) -> str:
        return self.store.locations().get(self.count.location_id, self.count.location_name)

    def find(self, code: str) -> SkuRef:
        sku = self.store.sku_by_code(code.strip())
        if sku is None:
            raise UnknownCodeError(code.strip())
        return sku

    def add(self, code_or_sku: str | SkuRef, quantity: int, *, add: bool = False) -> CountLine:
        """Count ``quantity`` of a SKU (set it, or add to what was counted); written before this returns."""
        if quantity < 0:
            raise UsageError(f"quantity - a counted quantity must be 0 or more, not {quantity:,}")
        sku = code_or_sku if isinstance(code_or_sku, SkuRef) else self.find(code_or_sku)
        item = self.store.item_at(sku.id, self.location_id)
        return self.store.record(
            self.count.id,
            sku,
            quantity,
            add=add,
            expected=item.quantity if item else None,
            stock_item_id=item.id if item else None,
        )

    def scan(self, code: str) -> CountLine:
        """Scan-to-count: one more of this SKU."""
        return self.add(code, 1, add=True)

    def counted(self, sku_id: str) -> int | None:
        line = self.store.line(self.count.id, sku_id)
        return line.quantity if line else None

    def remove(self, sku_id: str) -> bool:
        return self.store.remove_line(self.count.id, sku_id)

    def set_uncounted_zero(self, value: bool) -> None:
        self.store.set_uncounted_zero(self.count.id, value)
        refreshed = self.store.get(self.count.id)
        if refreshed is not None:
            self.count = refreshed

    def lines(self) -> list[Counted]:
        """The lines with their SKU names and the cache's quantity now, the first counted first."""
        lines = self.store.lines(self.count.id)
        skus = self.store.skus([line.sku_id for line in lines])
        shown: list[Counted] = []
        for line in lines:
            item = self.store.item_at(line.sku_id, self.location_id)
            sku = skus.get(line.sku_id)
            shown.append(Counted(line, sku.name if sku else line.code, item.quantity if item else None))
        return shown

    def shown(self, line: CountLine) -> Counted:
        sku = self.store.skus([line.sku_id]).get(line.sku_id)
        item = self.store.item_at(line.sku_id, self.location_id)
        return Counted(line, sku.name if sku else line.code, item.quantity if item else None)

    def abandon(self) -> None:
        self.store.finish(self.count.id, "abandoned")
