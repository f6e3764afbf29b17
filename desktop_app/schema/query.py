"""Commerce Layer's query language (Ransack filters, sort, include, sparse fieldsets), parsed once for everybody.

The sandbox parses incoming keys with these functions and refuses what Commerce Layer refuses; the client builds
keys with them and checks them before sending, so a typo is reported locally with the offending key named.
"""

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from desktop_app.schema.model import Resource, get_resource
from desktop_app.schema.values import format_datetime

# Ransack matchers Commerce Layer accepts (API-NOTES.md section 4), longest first so ``not_eq`` wins over ``eq``.
PREDICATES: tuple[str, ...] = tuple(
    sorted(
        {
            "eq",
            "eq_or_null",
            "not_eq",
            "not_eq_or_null",
            "matches",
            "does_not_match",
            "matches_any",
            "matches_all",
            "does_not_match_any",
            "does_not_match_all",
            "lt",
            "lteq",
            "gt",
            "gteq",
            "present",
            "blank",
            "null",
            "not_null",
            "in",
            "not_in",
            "not_in_or_null",
            "lt_any",
            "lteq_any",
            "gt_any",
            "gteq_any",
            "lt_all",
            "lteq_all",
            "gt_all",
            "gteq_all",
            "not_eq_all",
            "start",
            "not_start",
            "start_any",
            "start_all",
            "not_start_any",
            "not_start_all",
            "end",
            "not_end",
            "end_any",
            "end_all",
            "not_end_any",
            "not_end_all",
            "cont",
            "not_cont",
            "cont_any",
            "cont_all",
            "not_cont_all",
            "i_cont",
            "not_i_cont",
            "jcont",
            "eq_any",
            "not_eq_any",
            "true",
            "false",
        },
        key=len,
        reverse=True,
    )
)
#: Predicates whose value is a comma-separated list.
LIST_PREDICATES = frozenset(
    p for p in PREDICATES if p in ("in", "not_in", "not_in_or_null") or p.endswith(("_any", "_all"))
)
#: Predicates whose value is only a switch (``filter[q][reference_null]=true``).
SWITCH_PREDICATES = frozenset({"null", "not_null", "present", "blank", "true", "false"})

Path = tuple[str, ...]
#: The longest ``include`` path served: every useful one among these resources is shorter (``stock_items.sku``,
#: ``stock_location.address``), and a chain going back and forth (``sku.stock_items.sku…``) only multiplies work.
MAX_INCLUDE_DEPTH = 4


class QueryError(ValueError):
    """A filter, sort, include or fieldset Commerce Layer would refuse with a 400; ``code`` is its error code."""

    def __init__(self, code: str, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.code = code
        self.parameter = parameter
        self.message = message


class Condition(NamedTuple):
    """One ``filter[q][key]`` parsed: attribute paths (relationship names, then an attribute), a predicate,
    and whether several paths are OR-ed (``name_or_code_cont``) or AND-ed."""

    key: str
    paths: tuple[Path, ...]
    predicate: str
    combinator: str = "or"

    def is_list(self) -> bool:
        return self.predicate in LIST_PREDICATES


def _resolve(resource: Resource, name: str, depth: int = 0) -> Path | None:
    if name == "id" or (name in resource.fields and resource.fields[name].filterable and name in resource.filters):
        return (name,)
    if name.endswith("_id"):
        rel_name = name[: -len("_id")]
        if rel_name in resource.relationships and name in resource.filters:
            return (rel_name, "id")
    if depth >= 3:
        return None
    for rel_name in sorted(resource.relationships, key=len, reverse=True):
        rel = resource.relationships[rel_name]
        if not rel.filterable or not name.startswith(rel_name + "_"):
            continue
        rest = _resolve(get_resource(rel.target), name[len(rel_name) + 1 :], depth + 1)
        if rest is not None:
            return (rel_name, *rest)
    return None


def _shortcut(resource: Resource, key: str) -> Condition | None:
    """Catalogue keys that carry no predicate: ``ids``, ``<datetime>_from``/``_to``, ``codes``, ``sku_codes``."""
    if key not in resource.filters:
        return None
    if key == "ids":
        return Condition(key, (("id",),), "in")
    for suffix, predicate in (("_from", "gteq"), ("_to", "lteq")):
        base = key[: -len(suffix)]
        if key.endswith(suffix) and base in resource.fields and resource.fields[base].type == "datetime":
            return Condition(key, ((base,),), predicate)
    if key.endswith("s"):
        path = _resolve(resource, key[:-1])
        if path is not None:
            return Condition(key, (path,), "in")
    return None


def parse_filter_key(resource: Resource, key: str) -> Condition:
    """Parse ``key`` of ``filter[q][key]`` for ``resource`` or raise :class:`QueryError` (``FILTER_NOT_ALLOWED``)."""
    shortcut = _shortcut(resource, key)
    if shortcut is not None:
        return shortcut
    for predicate in PREDICATES:
        if not key.endswith("_" + predicate):
            continue
        head = key[: -len(predicate) - 1]
        for combinator in ("or", "and"):
            names = head.split(f"_{combinator}_") if f"_{combinator}_" in head else [head]
            paths = [_resolve(resource, name) for name in names]
            if all(p is not None for p in paths):
                resolved = tuple(p for p in paths if p is not None)
                if predicate == "jcont" and any(p[-1] != "metadata" for p in resolved):
                    continue
                if predicate != "jcont" and any(p[-1] == "metadata" for p in resolved):
                    continue
                return Condition(key, resolved, predicate, combinator)
            if len(names) > 1:
                break
    raise QueryError("FILTER_NOT_ALLOWED", f"filter[q][{key}]", f"{key} is not a filter that {resource.type} accepts")


def encode_filter_value(predicate: str, value: Any) -> str:
    """A Python value as Commerce Layer expects it in a filter: lists joined by commas without spaces, booleans as
    ``true``/``false``, datetimes in its timestamp form, objects as JSON."""
    if predicate in SWITCH_PREDICATES and isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"), sort_keys=True)
    if isinstance(value, list | tuple | set | frozenset):
        return ",".join(encode_filter_value("eq", item) for item in value)
    return str(value)


def parse_sort(resource: Resource, text: str) -> list[tuple[str, bool]]:
    """``sort=-created_at,code`` as ``[(field, descending)]``; only the catalogue's sortable fields."""
    out: list[tuple[str, bool]] = []
    for part in text.split(","):
        name = part.strip()
        descending = name.startswith("-")
        name = name.lstrip("-")
        if not name or name not in resource.fields or not resource.fields[name].sortable:
            raise QueryError(
                "INVALID_SORT_CRITERIA", "sort", f'"{name or part}" is not a valid sort criteria for {resource.type}'
            )
        out.append((name, descending))
    return out


def parse_include(resource: Resource, text: str) -> list[Path]:
    """``include=sku,stock_location.address`` as relationship paths (as written), each step checked."""
    paths: list[Path] = []
    for part in text.split(","):
        steps = tuple(s for s in part.strip().split(".") if s)
        if not steps:
            raise QueryError("INVALID_INCLUDE", "include", f'"{part}" is not a valid relationship')
        if len(steps) > MAX_INCLUDE_DEPTH:
            message = f'"{part[:80]}" goes deeper than {MAX_INCLUDE_DEPTH} relationships'
            raise QueryError("INVALID_INCLUDE", "include", message)
        if steps in paths:
            continue
        current = resource
        for step in steps:
            rel = current.relationship_named(step)
            if rel is None or not rel.includable:
                raise QueryError("INVALID_INCLUDE", "include", f"{step} is not a valid relationship of {current.type}")
            current = get_resource(rel.target)
        paths.append(steps)
    return paths


def parse_fields(resource: Resource, text: str) -> frozenset[str]:
    """``fields[type]=a,b``: attribute or relationship names of ``resource``."""
    names = frozenset(n.strip() for n in text.split(",") if n.strip())
    for name in names:
        if name not in resource.fields and name not in resource.relationships:
            raise QueryError(
                "INVALID_FIELD", f"fields[{resource.type}]", f"{name} is not a valid field for {resource.type}"
            )
    return names


def build_filter_params(resource: Resource, filters: dict[str, Any] | Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Query parameters for ``{"quantity_gt": 0, "id_in": ["a", "b"]}``, each key checked against ``resource``."""
    items = filters.items() if isinstance(filters, dict) else filters
    params: dict[str, str] = {}
    for key, value in items:
        condition = parse_filter_key(resource, key)
        params[f"filter[q][{key}]"] = encode_filter_value(condition.predicate, value)
    return params


def build_sort_param(resource: Resource, sort: Sequence[str]) -> str:
    text = ",".join(sort)
    parse_sort(resource, text)
    return text
