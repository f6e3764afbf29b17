"""The one entry line of a count: a SKU code (typed, or scanned: a keyboard-wedge scanner types it and Enter), then
its counted quantity; in scan-to-count mode every scan is one more and there is no quantity step.

The rules live here, not in the window, so the command line and the tests drive the same steps. What a step answers
with is a message for the person and the line written, never an exception: scanning must never stop.

After a code, a quantity is what looks like one: digits with an optional ``+`` (add to what was counted) and
thousands separators, at most :data:`QUANTITY_DIGITS` digits. Anything else is taken as the next code (barcodes
are longer: an EAN-13 scanned where a quantity was expected starts the next SKU instead of counting trillions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop_app.counts.counting import Counted, Counting
from desktop_app.errors import UsageError
from desktop_app.store.counts import SkuRef

#: A quantity has at most this many digits (a million units of one SKU on one location's shelves is already a lot).
QUANTITY_DIGITS = 7
_QUANTITY = re.compile(r"^\s*([+-]?)\s*(\d{1,3}(?:[,\u202f\u00a0 ]\d{3})+|\d+)\s*$")


def parse_quantity(text: str) -> tuple[int, bool] | None:
    """``(number, add)`` of a quantity as typed ("12", "1,200", "+3"); ``None`` when it is not one. A negative
    number parses (so it can be refused by name) and is returned as such."""
    match = _QUANTITY.match(text)
    if match is None:
        return None
    digits = re.sub(r"\D", "", match.group(2))
    if len(digits) > QUANTITY_DIGITS:
        return None
    number = int(digits)
    return (-number if match.group(1) == "-" else number), match.group(1) == "+"


@dataclass(frozen=True, slots=True)
class Step:
    """What one Enter did: ``ok`` false with a message naming what was wrong; ``line`` the line written (if any);
    ``waiting`` the SKU whose quantity the entry now asks for."""

    ok: bool
    message: str
    line: Counted | None = None
    waiting: SkuRef | None = None


class CountEntry:
    """The state of the entry line: nothing pending, or a SKU waiting for its quantity."""

    def __init__(self, counting: Counting, *, scan_mode: bool = False) -> None:
        self.counting = counting
        self.scan_mode = scan_mode
        self.waiting: SkuRef | None = None

    def prompt(self) -> str:
        """The entry's placeholder: what it takes now."""
        if self.waiting is None:
            if self.scan_mode:
                return "Scan a SKU: each scan counts one more"
            return "Scan or type a SKU code, then Enter"
        so_far = self.counting.counted(self.waiting.id)
        already = f" (counted {so_far:,} so far: type the new total, or +N to add)" if so_far is not None else ""
        return f"Quantity of {self.waiting.code}{already}, then Enter"

    def cancel(self) -> None:
        """Esc: forget the code waiting for its quantity."""
        self.waiting = None

    def submit(self, text: str) -> Step:
        text = text.strip()
        if not text:
            return Step(True, "", waiting=self.waiting)
        if self.waiting is not None:
            parsed = parse_quantity(text)
            if parsed is not None:
                return self._count(self.waiting, *parsed)
        return self._code(text)

    def _code(self, code: str) -> Step:
        skipped = self.waiting
        try:
            sku = self.counting.find(code)
        except UsageError as error:
            return Step(False, _sentence(error), waiting=self.waiting)
        self.waiting = None
        if self.scan_mode:
            return self._count(sku, 1, True)
        self.waiting = sku
        note = f"{skipped.code} was not counted (no quantity given). " if skipped and skipped.id != sku.id else ""
        return Step(True, f"{note}{sku.code} — {sku.name}: how many?", waiting=sku)

    def _count(self, sku: SkuRef, quantity: int, add: bool) -> Step:
        try:
            line = self.counting.add(sku, quantity, add=add)
        except UsageError as error:
            return Step(False, _sentence(error), waiting=self.waiting)
        self.waiting = None
        shown = self.counting.shown(line)
        return Step(True, f"{sku.code}: counted {line.quantity:,}", line=shown)


def _sentence(error: UsageError) -> str:
    """A usage error as the window says it: "No SKU with code 'X' in the cache"."""
    text = str(error).split(" - ", 1)[-1]
    return text[:1].upper() + text[1:]
