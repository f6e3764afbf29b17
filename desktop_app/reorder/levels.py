"""The stock levels of one inventory model as plain rows: what the reorder list shows and what the planner reads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from desktop_app.reorder.planner import Plan, current_order


@dataclass(frozen=True)
class StockLevelRow:
    """One stock level (``inventory_stock_locations`` record) with the location it points at, resolved for display."""

    id: str
    priority: int | None
    location_name: str = ""
    location_code: str = ""
    on_hold: bool = False
    #: A change to this row waits in the outbox (offline, or not yet sent).
    pending: bool = False

    @property
    def location_label(self) -> str:
        if self.location_code and self.location_name:
            return f"{self.location_name} ({self.location_code})"
        return self.location_name or self.location_code or "—"


def in_priority_order(rows: Iterable[StockLevelRow]) -> list[StockLevelRow]:
    """Rows sorted the way Commerce Layer ships: ascending priority, rows without one last."""
    by_id = {row.id: row for row in rows}
    return [by_id[level_id] for level_id in current_order((row.id, row.priority) for row in by_id.values())]


def apply_plan(rows: Sequence[StockLevelRow], plan: Plan[str], *, pending: bool | None = None) -> list[StockLevelRow]:
    """The rows in the plan's order with its priorities; ``pending`` marks the changed ones (``None`` leaves it)."""
    by_id = {row.id: row for row in rows}
    result = []
    for level_id in plan.order:
        row = by_id[level_id]
        changed = level_id in plan.changes
        row = replace(row, priority=plan.priorities[level_id])
        if changed and pending is not None:
            row = replace(row, pending=pending)
        result.append(row)
    return result
