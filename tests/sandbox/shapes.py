"""Checks of a JSON:API resource object against the seed pages' printed shape and the catalogue's types.

Shared by the seed-page replay and the generic catalogue test so "what a stock level looks like" and "what type
an attribute has" are stated once, from the catalogue, not copied per resource.
"""

from __future__ import annotations

import re
from typing import Any

from desktop_app.schema import Field, Resource, get_resource

ID = re.compile(r"^[A-Za-z0-9]{10}$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")

#: Python types a JSON value of each catalogue type decodes to (``bool`` is excluded from numbers below).
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "float": (int, float),
    "boolean": (bool,),
    "datetime": (str,),
    "object": (dict,),
    "array": (list,),
}


def type_problem(field: Field, value: Any) -> str | None:
    """Why ``value`` is not a legal JSON value for ``field``, or ``None`` when it is."""
    if value is None:
        return f"{field.name} is required but null" if field.required else None
    if isinstance(value, bool) and field.type != "boolean":
        return f"{field.name} should be {field.type}, got boolean {value!r}"
    if not isinstance(value, _JSON_TYPES[field.type]):
        return f"{field.name} should be {field.type}, got {type(value).__name__} {value!r}"
    if field.type == "datetime" and not TIMESTAMP.match(str(value)):
        return f"{field.name} should look like 2018-01-01T12:00:00.000Z, got {value!r}"
    if field.enum is not None and value not in field.enum:
        return f"{field.name} should be one of {field.enum}, got {value!r}"
    return None


def attribute_problems(resource: Resource, attributes: dict[str, Any]) -> list[str]:
    """Every attribute that is unknown, write-only or of the wrong JSON type."""
    problems = []
    for name, value in attributes.items():
        field = resource.fields.get(name)
        if field is None:
            problems.append(f"{resource.type}.{name} is not in the catalogue")
        elif field.trigger:
            problems.append(f"{resource.type}.{name} is a write-only trigger but was returned")
        elif (problem := type_problem(field, value)) is not None:
            problems.append(f"{resource.type}.{problem}")
    return problems


def check_resource(
    data: dict[str, Any],
    *,
    path_type: str,
    api_url: str,
    attributes: tuple[str, ...] = (),
    relationships: tuple[str, ...] = (),
) -> None:
    """Assert ``data`` has the seed pages' shape for a record served under ``/api/<path_type>``.

    ``type`` is the path's own name (``stock_levels`` answers ``stock_levels``), ``links.self`` sits on this
    server's base URL, every attribute has its catalogue type, relationship links follow the
    ``…/relationships/<rel>`` and ``…/<rel>`` forms, and ``meta.mode`` is ``test``.
    """
    assert {"id", "type", "links", "attributes", "relationships", "meta"} <= set(data), sorted(data)
    assert isinstance(data["id"], str) and ID.match(data["id"]), data["id"]
    assert data["type"] == path_type
    self_url = f"{api_url}/{path_type}/{data['id']}"
    assert data["links"] == {"self": self_url}
    resource = get_resource(path_type)
    missing = [name for name in ("created_at", "updated_at", *attributes) if name not in data["attributes"]]
    assert not missing, f"{path_type} lacks attributes {missing}"
    assert attribute_problems(resource, data["attributes"]) == []
    for name in relationships:
        assert name in data["relationships"], f"{path_type} lacks relationship {name}"
    for name, relationship in data["relationships"].items():
        assert relationship["links"] == {
            "self": f"{self_url}/relationships/{name}",
            "related": f"{self_url}/{name}",
        }, name
    assert data["meta"]["mode"] == "test"


def check_list_links(links: dict[str, Any], *, path_type: str, number: int, pages: int) -> None:
    """``first``/``last`` always; ``prev`` only after page 1, ``next`` only before the last page."""
    expected = {"first": 1, "last": pages}
    if number > 1:
        expected["prev"] = number - 1
    if number < pages:
        expected["next"] = number + 1
    assert set(links) == set(expected), links
    for name, page in expected.items():
        link = str(links[name])
        assert f"/api/{path_type}?" in link, link
        assert re.search(rf"page(\[|%5B)number(\]|%5D)={page}(&|$)", link), f"{name}: {link}"
        assert re.search(r"page(\[|%5B)size(\]|%5D)=\d+", link), f"{name}: {link}"
