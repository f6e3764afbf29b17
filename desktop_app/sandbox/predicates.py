"""Ransack's matchers with the meaning they have on Commerce Layer (PostgreSQL underneath).

Two facts shape this module: Ransack's ``cont``/``start``/``end``/``matches`` become ``ILIKE`` on PostgreSQL, so
they ignore case (``i_cont`` is Commerce Layer's explicit spelling of the same); and SQL comparisons with ``NULL``
are never true, so ``not_eq``/``not_cont``/``lt``… skip records whose value is missing unless the predicate ends in
``_or_null``. A blank value makes Ransack drop the condition, and so does the sandbox. Relationship paths are
joins: a condition holds when any of the joined values satisfies it.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable
from typing import Any

from desktop_app.sandbox.bodies import BadJson, parse_json
from desktop_app.sandbox.storage import Record, Store
from desktop_app.schema import (
    Condition,
    QueryError,
    Resource,
    format_datetime,
    get_resource,
    parse_datetime,
)

Test = Callable[[Any, Any], bool]


def _like(pattern: str) -> re.Pattern[str]:
    parts = (".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern)
    return re.compile("^" + "".join(parts) + "$", re.IGNORECASE | re.DOTALL)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value) if isinstance(value, dict | list) else str(value)


def _compare(op: Callable[[Any, Any], bool]) -> Test:
    def test(actual: Any, expected: Any) -> bool:
        try:
            return bool(op(actual, expected))
        except TypeError:
            return False

    return test


def _jcont(actual: Any, expected: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and _jcont(actual[k], v) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and all(any(_jcont(a, e) for a in actual) for e in expected)
    return bool(actual == expected)


#: The positive base test of each matcher family, on a non-null value.
BASE: dict[str, Test] = {
    "eq": lambda a, e: a == e,
    "lt": _compare(operator.lt),
    "lteq": _compare(operator.le),
    "gt": _compare(operator.gt),
    "gteq": _compare(operator.ge),
    "cont": lambda a, e: e.lower() in _text(a).lower(),
    "i_cont": lambda a, e: e.lower() in _text(a).lower(),
    "start": lambda a, e: _text(a).lower().startswith(e.lower()),
    "end": lambda a, e: _text(a).lower().endswith(e.lower()),
    "matches": lambda a, e: _like(e).match(_text(a)) is not None,
    "in": lambda a, e: a in e,
    "jcont": _jcont,
}
#: ``not_x`` and the Ransack spellings that negate a base matcher.
NEGATED = {"not_eq": "eq", "not_cont": "cont", "not_i_cont": "i_cont", "not_start": "start", "not_end": "end"}
NEGATED |= {"does_not_match": "matches", "not_in": "in"}


def _value_test(predicate: str) -> tuple[Test, bool]:
    """The test applied to one (non-switch) value and whether NULL satisfies it."""
    or_null = predicate.endswith("_or_null")
    name = predicate.removesuffix("_or_null")
    for suffix, combine in (("_any", any), ("_all", all)):
        if name.endswith(suffix) and name != "not_in":
            single, _ = _value_test(name.removesuffix(suffix))
            return (lambda a, es, s=single, c=combine: c(s(a, e) for e in es)), or_null
    if name in NEGATED:
        positive = BASE[NEGATED[name]]
        return (lambda a, e, p=positive: not p(a, e)), or_null
    return BASE[name], or_null


#: Matcher families that compare text whatever the attribute's type.
TEXT_MATCHERS = frozenset({"cont", "i_cont", "start", "end", "matches"})


def _is_text_matcher(predicate: str) -> bool:
    name = predicate.removesuffix("_or_null").removesuffix("_any").removesuffix("_all")
    return NEGATED.get(name, name) in TEXT_MATCHERS


def _switch(raw: str, key: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("true", "1", "t", "yes"):
        return True
    if lowered in ("false", "0", "f", "no"):
        return False
    raise QueryError("INVALID_FILTER_VALUE", f"filter[q][{key}]", f'"{raw}" is not true or false')


def _switch_test(predicate: str, wanted: bool) -> Callable[[Any], bool]:
    if predicate == "null":
        return lambda a: (a is None) == wanted
    if predicate == "not_null":
        return lambda a: (a is not None) == wanted
    if predicate in ("present", "blank"):
        want_present = wanted == (predicate == "present")
        return lambda a: (a is not None and _text(a).strip() != "") == want_present
    # true / false: ``x_true=false`` is ``x != true``, which SQL does not satisfy with NULL.
    target = (predicate == "true") == wanted
    return lambda a: a is not None and bool(a) == target


def _final_field_type(resource: Resource, path: tuple[str, ...]) -> str:
    current = resource
    for step in path[:-1]:
        current = get_resource(current.relationships[step].target)
    last = path[-1]
    return "string" if last == "id" else current.fields[last].type


def _convert(kind: str, text: str, key: str) -> Any:
    try:
        if kind == "integer":
            return int(text)
        if kind == "float":
            return float(text)
        if kind == "boolean":
            return _switch(text, key)
        if kind == "datetime":
            return format_datetime(parse_datetime(text))
    except ValueError:
        raise QueryError("INVALID_FILTER_VALUE", f"filter[q][{key}]", f'"{text}" is not a valid {kind}') from None
    return text


def _path_values(store: Store, record: Record, path: tuple[str, ...]) -> list[Any]:
    current = [record]
    for step in path[:-1]:
        following: list[Record] = []
        for item in current:
            following.extend(store.related(item, step))
        current = following
    if not current:
        return [None]
    last = path[-1]
    return [item.id if last == "id" else item.attributes.get(last) for item in current]


def compile_condition(store: Store, resource: Resource, condition: Condition, raw: str) -> Callable[[Record], bool]:
    """A test for records of ``resource`` meaning ``filter[q][condition.key]=raw``."""
    key, predicate = condition.key, condition.predicate
    if predicate in ("null", "not_null", "present", "blank", "true", "false"):
        single = _switch_test(predicate, _switch(raw, key))
        holds: Callable[[Any], bool] = single
    elif raw.strip() == "":
        return lambda record: True
    else:
        test, or_null = _value_test(predicate)
        # Text matchers compare the value's text (``quantity_cont=5`` is ``quantity::text ILIKE '%5%'``).
        kind = "string" if _is_text_matcher(predicate) else _final_field_type(resource, condition.paths[0])
        expected: Any
        if predicate == "jcont":
            try:
                expected = parse_json(raw)
            except BadJson as exc:
                raise QueryError("INVALID_FILTER_VALUE", f"filter[q][{key}]", f"the value {exc.message}") from None
            if not isinstance(expected, dict):
                raise QueryError("INVALID_FILTER_VALUE", f"filter[q][{key}]", f"{key} takes a JSON object")
        elif condition.is_list():
            expected = [_convert(kind, part, key) for part in raw.split(",")]
            if predicate in ("in", "not_in", "not_in_or_null"):
                expected = frozenset(expected)
        else:
            expected = _convert(kind, raw, key)

        def holds(actual: Any) -> bool:
            if actual is None:
                return or_null
            return test(actual, expected)

    paths = condition.paths
    join = all if condition.combinator == "and" else any
    if len(paths) == 1 and len(paths[0]) == 1:
        name = paths[0][0]
        if name == "id":
            return lambda record: holds(record.id)
        return lambda record: holds(record.attributes.get(name))
    return lambda record: join(any(holds(v) for v in _path_values(store, record, p)) for p in paths)
