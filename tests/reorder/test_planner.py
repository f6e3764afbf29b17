"""The reorder planner: hand cases, an exhaustive comparison with brute force, and properties."""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.reorder import STEP, Plan, PlanError, current_order, plan_priorities


def brute_force_minimum(current: dict[str, int | None], desired: Sequence[str]) -> int:
    """The true fewest changes: try every kept set, largest first, and fill the others greedily.

    A kept set is feasible when walking the desired order and giving each moved level the smallest integer above the
    previous priority (starting from 0, so at least 1) never reaches the next kept level's priority.
    """
    n = len(desired)
    for size in range(n, -1, -1):
        for kept in itertools.combinations(range(n), size):
            kept_set = set(kept)
            previous = 0
            feasible = True
            for position, level_id in enumerate(desired):
                if position in kept_set:
                    priority = current[level_id]
                    if priority is None or priority <= previous:
                        feasible = False
                        break
                    previous = priority
                else:
                    previous += 1
            if feasible:
                return n - size
    raise AssertionError("the empty kept set is always feasible")


def check_plan(current: dict[str, int | None], desired: Sequence[str], plan: Plan[str]) -> None:
    """Everything a plan must satisfy, whatever the input."""
    values = [plan.priorities[level_id] for level_id in desired]
    assert all(type(value) is int for value in values)
    assert all(value >= 1 for value in values)
    assert all(a < b for a, b in itertools.pairwise(values)), values
    assert set(plan.priorities) == set(current)
    for level_id, value in plan.priorities.items():
        if level_id in plan.changes:
            assert plan.changes[level_id] == value
            assert current[level_id] != value
        else:
            assert current[level_id] == value
    assert plan.order == tuple(desired)


def plan_for(
    priorities: Sequence[int | None], desired_indexes: Sequence[int]
) -> tuple[dict[str, int | None], list[str], Plan[str]]:
    current = {f"L{i}": p for i, p in enumerate(priorities)}
    desired = [f"L{i}" for i in desired_indexes]
    plan = plan_priorities(current.items(), desired)
    check_plan(current, desired, plan)
    return current, desired, plan


# --- hand cases -------------------------------------------------------------------------------------------------------


def test_no_op_has_no_changes() -> None:
    _, _, plan = plan_for([10, 20, 30], [0, 1, 2])
    assert plan.changes == {}
    assert plan.is_noop


def test_single_level() -> None:
    _, _, plan = plan_for([7], [0])
    assert plan.changes == {}
    _, _, plan = plan_for([None], [0])
    assert plan.changes == {"L0": STEP}


def test_spread_move_to_top_costs_one() -> None:
    _, _, plan = plan_for([10, 20, 30, 40, 50], [4, 0, 1, 2, 3])
    assert plan.changes == {"L4": 5}


def test_spread_move_to_bottom_costs_one() -> None:
    _, _, plan = plan_for([10, 20, 30, 40, 50], [1, 2, 3, 4, 0])
    assert plan.changes == {"L0": 60}


def test_spread_move_to_middle_costs_one() -> None:
    _, _, plan = plan_for([10, 20, 30, 40, 50], [0, 1, 4, 2, 3])
    assert plan.changes == {"L4": 25}


def test_contiguous_move_to_bottom_costs_one() -> None:
    _, _, plan = plan_for([1, 2, 3, 4, 5], [1, 2, 3, 4, 0])
    assert plan.changes == {"L0": 10}


def test_contiguous_move_to_top_renumbers_in_steps() -> None:
    # Nothing fits below priority 1, so the four others move above the one kept level, 10 apart.
    _, _, plan = plan_for([1, 2, 3, 4, 5], [4, 0, 1, 2, 3])
    assert plan.changes == {"L0": 10, "L1": 20, "L2": 30, "L3": 40}
    # ...and the next move to the top is cheap again.
    current = plan.priorities
    next_plan = plan_priorities(current.items(), ["L3", "L4", "L0", "L1", "L2"])
    assert next_plan.patch_count == 1


def test_contiguous_move_to_middle() -> None:
    # 1 2 3 4 5 -> 1 2 5 3 4: keep 1 2 and 5, renumber 3 and 4 after 5.
    current, desired, plan = plan_for([1, 2, 3, 4, 5], [0, 1, 4, 2, 3])
    assert plan.patch_count == brute_force_minimum(current, desired) == 2
    assert plan.changes == {"L2": 10, "L3": 20}


def test_gaps_are_spread_evenly() -> None:
    _, _, plan = plan_for([100, 200], [1, 0])
    assert plan.changes == {"L1": 50}
    _, _, plan = plan_for([10, 40, 100], [0, 2, 1])  # 100 between 10 and 40
    assert plan.changes == {"L2": 25}
    # 30 moved above 20: either could be patched; the widest room wins (20 -> 65 between 30 and 100, not 30 -> 15)
    _, _, plan = plan_for([10, 20, 30, 100], [0, 2, 1, 3])
    assert plan.changes == {"L1": 65}


def test_ties_between_largest_kept_sets_go_to_the_widest_room() -> None:
    # reversing 10, 20, 30: keeping any one level costs two PATCHes; keeping 20 leaves 10 apart, not 3, 6, 10
    _, desired, plan = plan_for([10, 20, 30], [2, 1, 0])
    assert plan.patch_count == 2
    values = [plan.priorities[level_id] for level_id in desired]
    assert min(b - a for a, b in itertools.pairwise([0, *values])) >= 10, values


def test_ties_are_resolved() -> None:
    _, _, plan = plan_for([5, 5, 5], [0, 1, 2])
    assert plan.patch_count == 2
    assert sorted(plan.priorities.values()).count(5) == 1


def test_missing_and_invalid_priorities_are_replaced() -> None:
    _, _, plan = plan_for([None, 0, -3, 4], [0, 1, 2, 3])
    assert plan.changes == {"L0": 1, "L1": 2, "L2": 3}
    assert plan.priorities["L3"] == 4


def test_current_order_sorts_by_priority_with_missing_last() -> None:
    assert current_order([("a", 30), ("b", None), ("c", 10), ("d", 10)]) == ["c", "d", "a", "b"]


@pytest.mark.parametrize(
    ("desired", "message"),
    [
        (["a", "b", "b"], "more than once: b"),
        (["a", "b", "x", "c"], "not a stock level of this inventory model: x"),
        (["a", "b"], "leaves out stock level c"),
    ],
)
def test_bad_orders_name_the_problem(desired: list[str], message: str) -> None:
    with pytest.raises(PlanError, match=message):
        plan_priorities([("a", 1), ("b", 2), ("c", 3)], desired)


# --- exhaustive comparison with brute force -----------------------------------------------------------------------

PRIORITY_SETS: dict[str, list[int | None]] = {
    "contiguous": [1, 2, 3, 4, 5, 6],
    "spread": [10, 20, 30, 40, 50, 60],
    "mixed": [1, 2, 10, 11, 30, 31],
    "tied": [3, 3, 4, 8, 8, 9],
    "holes": [2, None, 5, 6, None, 7],
}


@pytest.mark.parametrize("kind", sorted(PRIORITY_SETS))
@pytest.mark.parametrize("n", range(1, 7))
def test_matches_brute_force_on_every_permutation(kind: str, n: int) -> None:
    priorities = PRIORITY_SETS[kind][:n]
    for desired_indexes in itertools.permutations(range(n)):
        current, desired, plan = plan_for(priorities, desired_indexes)
        assert plan.patch_count == brute_force_minimum(current, desired), (priorities, desired)


# --- properties ------------------------------------------------------------------------------------------------------


@st.composite
def levels_and_order(draw: st.DrawFn) -> tuple[list[int | None], list[int]]:
    n = draw(st.integers(min_value=1, max_value=7))
    priorities = draw(st.lists(st.one_of(st.none(), st.integers(-2, 40)), min_size=n, max_size=n))
    order = draw(st.permutations(list(range(n))))
    return priorities, order


@settings(max_examples=400, deadline=None)
@given(levels_and_order())
def test_plans_are_valid_and_minimal(case: tuple[list[int | None], list[int]]) -> None:
    priorities, order = case
    current, desired, plan = plan_for(priorities, order)
    assert plan.patch_count == brute_force_minimum(current, desired)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 10_000), min_size=1, max_size=60, unique=True), st.randoms(use_true_random=False))
def test_large_plans_are_valid_and_replanning_is_free(priorities: list[int], rng: random.Random) -> None:
    current = {f"L{i}": p for i, p in enumerate(priorities)}
    desired = list(current)
    rng.shuffle(desired)
    plan = plan_priorities(current.items(), desired)
    check_plan(dict(current), desired, plan)
    again = plan_priorities(plan.priorities.items(), desired)
    assert again.is_noop
