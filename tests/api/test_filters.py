"""Every Ransack predicate through the client on real lists: the server's answer must equal what the full list,
filtered here in Python, says it should be."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from desktop_app.api import Record
from tests.api.conftest import ClientFactory

Check = Callable[[Any, Any], bool]


def _text(v: Any) -> str | None:
    return v.lower() if isinstance(v, str) else None


def _like(pattern: str) -> re.Pattern[str]:
    """SQL LIKE (``%`` any run, ``_`` one character), case-insensitive as the sandbox documents."""
    translated = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.compile(f"^{translated}$", re.IGNORECASE | re.DOTALL)


def start(v: Any, x: Any) -> bool:
    return _text(v) is not None and _text(v).startswith(x.lower())  # type: ignore[union-attr]


def end(v: Any, x: Any) -> bool:
    return _text(v) is not None and _text(v).endswith(x.lower())  # type: ignore[union-attr]


def cont(v: Any, x: Any) -> bool:
    return _text(v) is not None and x.lower() in _text(v)  # type: ignore[operator]


def matches(v: Any, x: Any) -> bool:
    return isinstance(v, str) and bool(_like(x).match(v))


def negate(check: Check) -> Check:
    """SQL negation: NULL satisfies neither a predicate nor its negation."""
    return lambda v, x: v is not None and not check(v, x)


def any_of(check: Check) -> Check:
    return lambda v, xs: any(check(v, x) for x in xs)


def all_of(check: Check) -> Check:
    return lambda v, xs: all(check(v, x) for x in xs)


def cmp(op: Callable[[Any, Any], bool]) -> Check:
    return lambda v, x: v is not None and op(v, x)


EQ: Check = lambda v, x: v == x  # noqa: E731
LT = cmp(lambda v, x: v < x)
LTEQ = cmp(lambda v, x: v <= x)
GT = cmp(lambda v, x: v > x)
GTEQ = cmp(lambda v, x: v >= x)

# (resource, attribute, predicate, value, expected check)
CASES: list[tuple[str, str, str, Any, Check]] = [
    ("stock_items", "quantity", "eq", 0, EQ),
    ("stock_items", "quantity", "not_eq", 0, negate(EQ)),
    ("stock_items", "quantity", "lt", 5, LT),
    ("stock_items", "quantity", "lteq", 5, LTEQ),
    ("stock_items", "quantity", "gt", 40, GT),
    ("stock_items", "quantity", "gteq", 40, GTEQ),
    ("stock_items", "quantity", "in", [1, 2, 3], lambda v, xs: v in xs),
    ("stock_items", "quantity", "not_in", [0, 1], lambda v, xs: v is not None and v not in xs),
    ("stock_items", "quantity", "lt_any", [2, 4], any_of(LT)),
    ("stock_items", "quantity", "lteq_any", [2, 4], any_of(LTEQ)),
    ("stock_items", "quantity", "gt_any", [30, 60], any_of(GT)),
    ("stock_items", "quantity", "gteq_any", [30, 60], any_of(GTEQ)),
    ("stock_items", "quantity", "lt_all", [5, 10], all_of(LT)),
    ("stock_items", "quantity", "lteq_all", [5, 10], all_of(LTEQ)),
    ("stock_items", "quantity", "gt_all", [5, 30], all_of(GT)),
    ("stock_items", "quantity", "gteq_all", [5, 30], all_of(GTEQ)),
    ("stock_items", "quantity", "eq_any", [0, 7], any_of(EQ)),
    ("stock_items", "quantity", "not_eq_any", [0, 7], any_of(negate(EQ))),
    ("stock_items", "quantity", "not_eq_all", [0, 7], all_of(negate(EQ))),
    ("skus", "reference", "eq_or_null", "ERP-10000", lambda v, x: v is None or v == x),
    ("skus", "reference", "not_eq_or_null", "ERP-10000", lambda v, x: v is None or v != x),
    ("skus", "reference", "not_in_or_null", ["ERP-10000", "ERP-10001"], lambda v, xs: v is None or v not in xs),
    ("skus", "reference", "null", True, lambda v, x: v is None),
    ("skus", "reference", "not_null", True, lambda v, x: v is not None),
    ("skus", "description", "present", True, lambda v, x: isinstance(v, str) and v.strip() != ""),
    ("skus", "description", "blank", True, lambda v, x: v is None or v.strip() == ""),
    ("skus", "name", "start", "summit", start),
    ("skus", "name", "not_start", "summit", negate(start)),
    ("skus", "name", "start_any", ["summit", "trail"], any_of(start)),
    ("skus", "name", "start_all", ["summit", "summit day"], all_of(start)),
    ("skus", "name", "not_start_any", ["summit", "trail"], any_of(negate(start))),
    ("skus", "name", "not_start_all", ["summit", "trail"], all_of(negate(start))),
    ("skus", "name", "end", "grey", end),
    ("skus", "name", "not_end", "grey", negate(end)),
    ("skus", "name", "end_any", ["grey", "black"], any_of(end)),
    ("skus", "name", "end_all", ["grey", "slate grey"], all_of(end)),
    ("skus", "name", "not_end_any", ["grey", "black"], any_of(negate(end))),
    ("skus", "name", "not_end_all", ["grey", "black"], all_of(negate(end))),
    ("skus", "name", "cont", "pack", cont),
    ("skus", "name", "not_cont", "pack", negate(cont)),
    ("skus", "name", "cont_any", ["pack", "tent"], any_of(cont)),
    ("skus", "name", "cont_all", ["summit", "grey"], all_of(cont)),
    ("skus", "name", "not_cont_all", ["pack", "grey"], all_of(negate(cont))),
    ("skus", "name", "i_cont", "DAYPACK", cont),
    ("skus", "name", "not_i_cont", "DAYPACK", negate(cont)),
    ("skus", "name", "matches", "%daypack%", matches),
    ("skus", "name", "does_not_match", "%daypack%", negate(matches)),
    ("skus", "name", "matches_any", ["%daypack%", "summit%"], any_of(matches)),
    ("skus", "name", "matches_all", ["%daypack%", "summit%"], all_of(matches)),
    ("skus", "name", "does_not_match_any", ["%daypack%", "summit%"], any_of(negate(matches))),
    ("skus", "name", "does_not_match_all", ["%daypack%", "summit%"], all_of(negate(matches))),
    ("skus", "do_not_ship", "true", True, lambda v, x: v is True),
    ("skus", "do_not_track", "false", True, lambda v, x: v is False),
    ("skus", "metadata", "jcont", {"season": "SS26"}, lambda v, x: isinstance(v, dict) and v.get("season") == "SS26"),
    ("skus", "code", "eq", "BACKPKMM7F8C8DFFFFFFXXXX", EQ),
]


@pytest.fixture(scope="module")
def catalogue(sandbox: Any) -> dict[str, list[Record]]:
    """Every stock item and SKU of the demo seed, read once."""
    import asyncio

    from tests.api.conftest import client_for

    async def read() -> dict[str, list[Record]]:
        sandbox.reset()
        async with client_for(sandbox) as client:
            out: dict[str, list[Record]] = {}
            for type_, include in (("stock_items", ["stock_location"]), ("skus", None)):
                out[type_] = [r async for page in client.list_all(type_, include=include) for r in page.records]
            return out

    return asyncio.run(read())


def _ids(records: list[Record]) -> list[str]:
    return sorted(r.id for r in records)


@pytest.mark.asyncio
@pytest.mark.parametrize("case", CASES, ids=[f"{c[1]}_{c[2]}" for c in CASES])
async def test_predicate(
    make_client: ClientFactory, catalogue: dict[str, list[Record]], case: tuple[str, str, str, Any, Check]
) -> None:
    type_, attribute, predicate, value, check = case
    expected = _ids([r for r in catalogue[type_] if check(r.attributes.get(attribute), value)])
    async with make_client() as client:
        got = [
            r
            async for page in client.list_all(type_, filters={f"{attribute}_{predicate}": value})
            for r in page.records
        ]
    assert _ids(got) == expected
    # A case that matches nothing, or everything, would prove little; the seed was chosen so neither happens
    # for most predicates.
    assert len(got) == len(expected)


@pytest.mark.asyncio
async def test_shortcuts_relationship_paths_and_or_keys(
    make_client: ClientFactory, catalogue: dict[str, list[Record]]
) -> None:
    skus = catalogue["skus"]
    items = catalogue["stock_items"]
    code = skus[0].attributes["code"]
    async with make_client() as client:
        by_code = [r async for p in client.list_all("stock_items", filters={"sku_code_eq": code}) for r in p.records]
        by_codes = [r async for p in client.list_all("stock_items", filters={"sku_codes": [code]}) for r in p.records]
        by_ids = await client.list_page("skus", filters={"ids": [s.id for s in skus[:3]]})
        either = await client.list_page("skus", filters={"name_or_code_cont": code[:8]})
        location = items[0].relationships["stock_location"]
        at = [
            r
            async for p in client.list_all("stock_items", filters={"stock_location_id_eq": location})
            for r in p.records
        ]
    assert _ids(by_code) == _ids([i for i in items if i.attributes.get("sku_code") == code]) != []
    assert _ids(by_codes) == _ids(by_code)
    assert _ids(by_ids.records) == _ids(skus[:3])
    assert code in {r.attributes["code"] for r in either.records}
    assert _ids(at) == _ids([i for i in items if i.relationships.get("stock_location") == location])


def test_cases_are_not_trivial(catalogue: dict[str, list[Record]]) -> None:
    """Most predicate cases select some records and leave some out, so a server ignoring the filter fails them."""
    trivial = []
    for type_, attribute, predicate, value, check in CASES:
        chosen = sum(1 for r in catalogue[type_] if check(r.attributes.get(attribute), value))
        if chosen in (0, len(catalogue[type_])):
            trivial.append(f"{attribute}_{predicate}")
    assert len(trivial) <= 6, trivial
