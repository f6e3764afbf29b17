"""Turn a new order of stock levels into the fewest priority changes.

Commerce Layer ships an inventory model from its stock locations by ascending ``priority``; reordering means writing
new priorities, one PATCH per changed stock level. Every PATCH is a request against a rate limit and a chance to fail
halfway, so the planner keeps as many current priorities as it can and only renumbers the rest.

Why the kept set is a longest non-decreasing subsequence: walk the desired order with positions ``0..n-1``. A set ``K``
of levels can keep their priorities ``p`` exactly when, for consecutive kept levels at positions ``i < j``, the
``j - i - 1`` moved levels between them fit strictly between ``p_i`` and ``p_j`` (``p_j - p_i >= j - i``) and the ``i``
levels before the first kept one fit in ``1 .. p_i - 1`` (``p_i >= i + 1``); after the last kept level there is always
room. With ``q = p - position`` both conditions read "``q`` never decreases along ``K`` and starts at 1 or more", so the
largest ``K`` is a longest non-decreasing subsequence of ``q`` over the levels with ``q >= 1``; the brute-force
comparison in the tests checks it against every subset on small cases.

The moved levels are spread evenly inside their gaps, and levels after the last kept one get multiples of
``STEP``, so the next move usually finds room and costs one PATCH.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

Id = TypeVar("Id", bound=Hashable)

#: Distance between priorities the planner invents past the last kept level (10, 20, 30, ...).
STEP = 10


class PlanError(ValueError):
    """The desired order does not name exactly the current stock levels; the message says which ids are wrong."""


@dataclass(frozen=True)
class Plan(Generic[Id]):
    """The outcome of planning: what to PATCH and what every level's priority will be afterwards."""

    #: Only the levels whose priority changes: one PATCH each.
    changes: dict[Id, int]
    #: Every level's priority after the changes, keyed by id.
    priorities: dict[Id, int]
    #: The desired order the plan realises.
    order: tuple[Id, ...]

    @property
    def patch_count(self) -> int:
        return len(self.changes)

    @property
    def is_noop(self) -> bool:
        return not self.changes


def _usable(priority: object) -> int | None:
    """A priority the planner may keep: a plain integer of at least 1 (``bool`` and floats are not)."""
    if isinstance(priority, bool) or not isinstance(priority, int) or priority < 1:
        return None
    return priority


def check_order(current_ids: Sequence[Id], desired: Sequence[Id]) -> None:
    """Raise ``PlanError`` naming the ids that make ``desired`` something other than a permutation of the levels."""
    duplicates = sorted(str(item) for item, count in Counter(desired).items() if count > 1)
    if duplicates:
        raise PlanError(f"stock level listed more than once: {', '.join(duplicates)}")
    known = set(current_ids)
    if len(known) != len(current_ids):
        repeated = sorted(str(item) for item, count in Counter(current_ids).items() if count > 1)
        raise PlanError(f"the current stock levels repeat an id: {', '.join(repeated)}")
    unknown = [str(item) for item in desired if item not in known]
    if unknown:
        raise PlanError(f"not a stock level of this inventory model: {', '.join(unknown)}")
    wanted = set(desired)
    missing = [str(item) for item in current_ids if item not in wanted]
    if missing:
        raise PlanError(f"the new order leaves out stock level {', '.join(missing)}")


def _room(low: int, high: int, count: int) -> float:
    """Spacing the ``count`` levels placed strictly between ``low`` and ``high`` get (infinite when none are)."""
    return (high - low) / (count + 1) if count else math.inf


def _room_after(low: int, count: int) -> float:
    """Spacing of the ``count`` levels numbered in ``STEP`` multiples after ``low``."""
    return min((low // STEP + 1) * STEP - low, STEP) if count else math.inf


def kept_positions(priorities: Sequence[int | None]) -> list[int]:
    """Positions (in the desired order) of a largest set of levels that can keep their priority.

    ``priorities[i]`` is the current priority of the level wanted at position ``i`` (``None`` if it has none).
    Among several largest sets it picks the one that gives the renumbered levels the widest spacing (the smallest
    gap any of them gets, as large as possible), so the next move is more likely to find room. A dynamic program
    over pairs: O(n²), nothing for the handful of stock locations an inventory model has.
    """
    usable = [_usable(raw) for raw in priorities]
    length = [0] * len(usable)  # longest kept chain ending here (0: this level cannot be kept)
    spacing = [0.0] * len(usable)  # the best smallest spacing among such chains
    previous = [-1] * len(usable)
    for i, priority in enumerate(usable):
        if priority is None or priority - i < 1:
            continue
        best = (1, _room(0, priority, i), -1)
        for j in range(i):
            before = usable[j]
            if not length[j] or before is None or priority - before < i - j:
                continue
            candidate = (length[j] + 1, min(spacing[j], _room(before, priority, i - j - 1)), j)
            if candidate[:2] > best[:2]:
                best = candidate
        length[i], spacing[i], previous[i] = best
    end, best_key = -1, (0, -math.inf)
    for i, priority in enumerate(usable):
        if length[i] and priority is not None:
            key = (length[i], min(spacing[i], _room_after(priority, len(usable) - 1 - i)))
            if key > best_key:
                end, best_key = i, key
    kept: list[int] = []
    while end >= 0:
        kept.append(end)
        end = previous[end]
    kept.reverse()
    return kept


def _fill_between(low: int, high: int, count: int) -> list[int]:
    """``count`` integers strictly between ``low`` and ``high``, evenly spread (needs ``high - low > count``)."""
    span = high - low
    return [low + (k + 1) * span // (count + 1) for k in range(count)]


def _fill_after(low: int, count: int) -> list[int]:
    """``count`` multiples of ``STEP`` above ``low``: room for later moves without renumbering."""
    first = (low // STEP + 1) * STEP
    return [first + k * STEP for k in range(count)]


def plan_priorities(current: Iterable[tuple[Id, int | None]], desired: Sequence[Id]) -> Plan[Id]:
    """The fewest priority changes that make ``desired`` the ascending-priority order.

    ``current`` is every stock level of one inventory model as ``(id, priority)`` (``None`` when it has none; ties,
    zero and negative priorities are allowed and get resolved). ``desired`` lists the same ids in the wanted order.
    Raises ``PlanError`` when ``desired`` is not a permutation of the current ids.
    """
    levels = list(current)
    current_ids = [level_id for level_id, _ in levels]
    check_order(current_ids, desired)
    priority_of = dict(levels)
    wanted = [priority_of[level_id] for level_id in desired]
    kept = kept_positions(wanted)

    result: list[int] = [0] * len(desired)
    low, start = 0, 0
    for position in kept:
        high = wanted[position]
        assert high is not None  # kept positions always have a usable priority
        result[start:position] = _fill_between(low, high, position - start)
        result[position] = high
        low, start = high, position + 1
    result[start:] = _fill_after(low, len(desired) - start)

    priorities = dict(zip(desired, result, strict=True))
    changes = {level_id: value for level_id, value in priorities.items() if priority_of[level_id] != value}
    return Plan(changes=changes, priorities=priorities, order=tuple(desired))


def current_order(levels: Iterable[tuple[Id, int | None]]) -> list[Id]:
    """The order Commerce Layer ships in: ascending priority, levels without one last, ties kept in given order."""
    indexed = list(enumerate(levels))
    indexed.sort(key=lambda item: (item[1][1] is None, item[1][1] or 0, item[0]))
    return [level_id for _, (level_id, _) in indexed]
