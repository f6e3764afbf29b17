"""Query parameters of a JSON:API request: include, sparse fieldsets, Ransack filters, sort and paging.

Filter keys are parsed by the shared query grammar (``schema.parse_filter_key``) so the sandbox refuses exactly what
the client's own checks refuse; this module only gives the predicates their Ransack meaning and applies them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from desktop_app.sandbox.errors import ApiError, error
from desktop_app.sandbox.names import PATH_TYPES, canonical_relationship
from desktop_app.sandbox.predicates import compile_condition
from desktop_app.sandbox.storage import Record, Store
from desktop_app.schema import QueryError, Resource, get_resource, parse_filter_key, parse_include, parse_sort

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 25
MAX_PAGE_NUMBER = 2**31 - 1
Matcher = Callable[[Record], bool]


@dataclass
class Query:
    """What a request asked for; ``include`` keeps the names as written (``stock_levels`` stays ``stock_levels``)."""

    include: list[tuple[str, ...]] = field(default_factory=list)
    fields: dict[str, frozenset[str]] = field(default_factory=dict)
    matchers: list[Matcher] = field(default_factory=list)
    sort: list[tuple[str, bool]] = field(default_factory=list)
    page: int = 1
    size: int = DEFAULT_PAGE_SIZE


def bad_query(exc: QueryError) -> ApiError:
    return error(400, exc.code, exc.message, meta={"parameter": exc.parameter})


def parse_query(store: Store, resource: Resource, params: Mapping[str, str], *, collection: bool) -> Query:
    """Read the query string; anything Commerce Layer would not accept is a 400 naming the parameter."""
    query = Query()
    try:
        for key, value in params.items():
            if key == "include":
                query.include = parse_include(resource, value)
            elif key.startswith("fields[") and key.endswith("]"):
                type_name = key[len("fields[") : -1]
                query.fields[type_name] = _parse_fields(type_name, value)
            elif not collection:
                raise QueryError("PARAM_NOT_ALLOWED", key, f"{key} is not allowed here")
            elif key.startswith("filter[q][") and key.endswith("]"):
                condition = parse_filter_key(resource, key[len("filter[q][") : -1])
                query.matchers.append(compile_condition(store, resource, condition, value))
            elif key == "filter[ids]":
                wanted = frozenset(v for v in value.split(",") if v)
                query.matchers.append(lambda record, wanted=wanted: record.id in wanted)  # type: ignore[misc]
            elif key == "sort":
                query.sort = parse_sort(resource, value)
            elif key in ("page[number]", "page[size]"):
                number = _page_value(key, value)
                if key == "page[number]":
                    query.page = number
                else:
                    query.size = number
            else:
                raise QueryError("PARAM_NOT_ALLOWED", key, f"{key} is not a parameter this endpoint accepts")
    except QueryError as exc:
        raise bad_query(exc) from None
    return query


def check_paging(params: Mapping[str, str], *, collection: bool) -> Query:
    """The query of a relationship to a type the sandbox keeps nothing of: paging is read and checked as anywhere
    else; include, fields, filters and sort are accepted unread (there is nothing for them to select); any other
    key is refused as :func:`parse_query` refuses it."""
    query = Query()
    try:
        for key, value in params.items():
            if collection and key in ("page[number]", "page[size]"):
                if key == "page[number]":
                    query.page = _page_value(key, value)
                else:
                    query.size = _page_value(key, value)
            elif not _unread(key, collection):
                raise QueryError("PARAM_NOT_ALLOWED", key, f"{key} is not a parameter this endpoint accepts")
    except QueryError as exc:
        raise bad_query(exc) from None
    return query


def _unread(key: str, collection: bool) -> bool:
    """Whether ``key`` is one of JSON:API's query parameters that an empty answer may leave unread."""
    if key == "include" or key.startswith("fields["):
        return True
    return collection and (key == "sort" or key.startswith("filter["))


def _page_value(key: str, value: str) -> int:
    """A page number or size; numbers are PostgreSQL integers on Commerce Layer, so a page beyond 2,147,483,647
    is refused rather than looked for."""
    text = value.strip()
    number = int(text) if text.isascii() and text.isdigit() and len(text) <= 10 else 0
    limit = MAX_PAGE_SIZE if key == "page[size]" else MAX_PAGE_NUMBER
    if number < 1 or number > limit:
        raise QueryError(
            "INVALID_PAGE_VALUE", key, f'"{value}" is not a valid value for {key}: it must be between 1 and {limit:,}'
        )
    return number


def _parse_fields(type_name: str, text: str) -> frozenset[str]:
    canonical = PATH_TYPES.get(type_name)
    if canonical is None:
        raise QueryError("INVALID_RESOURCE", f"fields[{type_name}]", f"{type_name} is not a valid resource")
    resource = get_resource(canonical)
    names = frozenset(n.strip() for n in text.split(",") if n.strip())
    for name in names:
        if name not in resource.fields and canonical_relationship(resource, name) is None:
            raise QueryError("INVALID_FIELD", f"fields[{type_name}]", f"{name} is not a valid field for {type_name}")
    return names


def select(records: Collection[Record], query: Query) -> Collection[Record]:
    """Filter then sort (stable; missing values last when ascending and first when descending, as PostgreSQL)."""
    matchers = query.matchers
    if not matchers and not query.sort:
        return records  # the common sync request: no copy of the whole table
    chosen = [r for r in records if all(m(r) for m in matchers)] if matchers else list(records)
    if query.sort:
        for name, descending in reversed(query.sort):
            if name == "id":
                chosen.sort(key=lambda r: r.id, reverse=descending)
            else:
                chosen.sort(key=lambda r, n=name: _sort_key(r.attributes.get(n)), reverse=descending)  # type: ignore[misc]
    return chosen


def _sort_key(value: Any) -> tuple[int, Any]:
    return (1, 0) if value is None else (0, value)


@dataclass(frozen=True)
class Page:
    records: list[Record]
    record_count: int
    page_count: int
    number: int
    size: int


def paginate(records: Collection[Record], query: Query) -> Page:
    count = len(records)
    start = (query.page - 1) * query.size
    end = start + query.size
    window = records[start:end] if isinstance(records, list) else islice(records, start, end)
    return Page(list(window), count, math.ceil(count / query.size), query.page, query.size)
