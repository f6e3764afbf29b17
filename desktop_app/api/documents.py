"""JSON:API documents and query parameters, built from the one description of each resource.

Everything is checked locally first: an unknown or read-only attribute, a value of the wrong type, a filter or sort
the server would refuse is reported with its name before a request is spent on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from desktop_app.schema import (
    LEGACY_STOCK_LEVELS,
    STOCK_LEVELS,
    FieldError,
    QueryError,
    Resource,
    build_filter_params,
    check_attributes,
    get_resource,
    parse_fields,
    parse_include,
    parse_sort,
)

RelationshipInput = str | Sequence[str] | None
Fields = Mapping[str, Sequence[str]] | Sequence[str]


def resource_for(type_: str) -> Resource:
    """The resource description for ``type_`` (canonical, ``stock_levels`` or singular), or :class:`FieldError`."""
    try:
        return get_resource(type_)
    except KeyError:
        raise FieldError("type", f"{type_!r} is not a resource type Stockroom knows") from None


def wire_type(canonical: str, stock_levels_path: str | None) -> str:
    """The type name the server uses: stock levels follow the discovered dialect, everything else is unchanged."""
    if canonical == STOCK_LEVELS and stock_levels_path == LEGACY_STOCK_LEVELS:
        return LEGACY_STOCK_LEVELS
    return canonical


def _relationships(
    resource: Resource, relationships: Mapping[str, RelationshipInput], action: str, stock_levels_path: str | None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in relationships.items():
        rel = resource.writable_relationship(name, action)
        target = wire_type(get_resource(rel.target).type, stock_levels_path)
        data: Any
        if value is None:
            data = None
        elif isinstance(value, str):
            if not rel.to_one:
                raise FieldError(name, "takes a list of ids", "not_an_array")
            data = {"type": target, "id": value}
        else:
            ids = list(value)
            if rel.to_one:
                raise FieldError(name, "takes one id", "not_a_string")
            if not all(isinstance(i, str) and i for i in ids):
                raise FieldError(name, "ids must be non-empty strings", "not_a_string")
            data = [{"type": target, "id": i} for i in ids]
        if isinstance(data, dict) and not data["id"]:
            raise FieldError(name, "id must not be empty", "blank")
        out[name] = {"data": data}
    return out


def create_document(
    type_: str,
    attributes: Mapping[str, Any],
    relationships: Mapping[str, RelationshipInput] | None = None,
    *,
    stock_levels_path: str | None = None,
) -> dict[str, Any]:
    """The POST body: only the attributes and relationships given, each checked against the resource."""
    resource = resource_for(type_)
    if not resource.can("create"):
        raise FieldError("type", f"{resource.plural_label} cannot be created", "not_allowed")
    data: dict[str, Any] = {"type": wire_type(resource.type, stock_levels_path)}
    data["attributes"] = check_attributes(resource, attributes, "create")
    if relationships:
        data["relationships"] = _relationships(resource, relationships, "create", stock_levels_path)
    return {"data": data}


def update_document(
    type_: str,
    id_: str,
    attributes: Mapping[str, Any] | None = None,
    relationships: Mapping[str, RelationshipInput] | None = None,
    *,
    stock_levels_path: str | None = None,
) -> dict[str, Any]:
    """The PATCH body: ``type`` and ``id`` plus only what changes."""
    resource = resource_for(type_)
    if not resource.can("update"):
        raise FieldError("type", f"{resource.plural_label} cannot be changed", "not_allowed")
    if not id_:
        raise FieldError("id", "must not be empty", "blank")
    data: dict[str, Any] = {"type": wire_type(resource.type, stock_levels_path), "id": id_}
    if attributes:
        data["attributes"] = check_attributes(resource, attributes, "update")
    if relationships:
        data["relationships"] = _relationships(resource, relationships, "update", stock_levels_path)
    return {"data": data}


def query_params(
    type_: str,
    *,
    filters: Mapping[str, Any] | None = None,
    sort: str | Sequence[str] | None = None,
    include: str | Sequence[str] | None = None,
    fields: Fields | None = None,
    page: int | None = None,
    page_size: int | None = None,
    stock_levels_path: str | None = None,
) -> dict[str, str]:
    """Query parameters for a list or a retrieve, each part validated against the resource description.

    ``fields`` is either the primary type's field names or ``{type: names}``; lists are joined without spaces.
    """
    resource = resource_for(type_)
    params: dict[str, str] = {}
    if filters:
        params.update(build_filter_params(resource, dict(filters)))
    if sort:
        text = sort if isinstance(sort, str) else ",".join(sort)
        parse_sort(resource, text)
        params["sort"] = text
    if include:
        text = include if isinstance(include, str) else ",".join(include)
        parse_include(resource, text)
        params["include"] = text
    if fields:
        by_type: Mapping[str, Sequence[str]]
        by_type = fields if isinstance(fields, Mapping) else {resource.type: fields}
        for name, names in by_type.items():
            target = resource_for(name)
            text = names if isinstance(names, str) else ",".join(names)
            parse_fields(target, text)
            params[f"fields[{wire_type(target.type, stock_levels_path)}]"] = text
    if page is not None:
        if page < 1:
            raise QueryError("INVALID_PAGE_VALUE", "page[number]", "must be 1 or more")
        params["page[number]"] = str(page)
    if page_size is not None:
        if not 1 <= page_size <= 25:
            raise QueryError("INVALID_PAGE_VALUE", "page[size]", "must be between 1 and 25")
        params["page[size]"] = str(page_size)
    return params
