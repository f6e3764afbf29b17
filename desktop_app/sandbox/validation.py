"""Reading a create or update body against the catalogue: which keys may be sent, their types, what is required.

Choices where Commerce Layer's documentation is silent (all documented in the sandbox README section of
``desktop_app/sandbox/__init__.py``): unknown, read-only, non-creatable or non-updatable keys are a 400
``PARAM_NOT_ALLOWED`` (jsonapi-resources refuses unpermitted parameters before any model validation); everything a
model validation would catch (types, blanks, unknown related ids, duplicates) is one 422 ``VALIDATION_ERROR`` per
problem, pointing at the attribute or relationship.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from desktop_app.sandbox.bodies import read_body
from desktop_app.sandbox.documents import attribute_plan
from desktop_app.sandbox.errors import ApiError, ErrorObject, error, field_problem, shown
from desktop_app.sandbox.names import PATH_TYPES, canonical_relationship
from desktop_app.sandbox.storage import Record, Store, stored_relationships
from desktop_app.schema import FieldError, Relationship, Resource, coerce, get_resource


@dataclass
class Changes:
    """What a body asks to set: coerced attributes, trigger switches, and to-one relationship ids (``None`` clears)."""

    attributes: dict[str, Any] = field(default_factory=dict)
    triggers: dict[str, bool] = field(default_factory=dict)
    relationships: dict[str, str | None] = field(default_factory=dict)


def read_data(raw: bytes) -> dict[str, Any]:
    """The ``data`` object of a request body, or a 400 saying what is wrong with the body."""
    body = read_body(raw)
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise error(400, "PARAM_MISSING", "The required parameter data is missing.", pointer="/data")
    return data


def check_type(data: dict[str, Any], segment: str, resource: Resource) -> None:
    sent = data.get("type")
    if sent is None:
        raise error(400, "PARAM_MISSING", "The required parameter type is missing.", pointer="/data/type")
    if not isinstance(sent, str) or PATH_TYPES.get(sent) != resource.type:
        raise error(400, "TYPE_MISMATCH", f"{shown(sent)} is not a valid type for {segment}.", pointer="/data/type")


def not_allowed(name: str, pointer: str) -> ApiError:
    return error(400, "PARAM_NOT_ALLOWED", f"{name} is not allowed.", "Param not allowed", pointer=pointer)


def read_changes(store: Store, resource: Resource, data: dict[str, Any], *, creating: bool) -> Changes:
    """Coerce what ``data`` sets, refusing keys the catalogue does not let a client write in this action."""
    changes = Changes()
    problems: list[ErrorObject] = []
    attributes = data.get("attributes") or {}
    relationships = data.get("relationships") or {}
    if not isinstance(attributes, dict) or not isinstance(relationships, dict):
        raise error(400, "INVALID_DATA_FORMAT", "attributes and relationships must be objects.", pointer="/data")
    for name, value in attributes.items():
        pointer = f"/data/attributes/{name}"
        spec = resource.fields.get(name)
        # Triggers are actions on an existing record: PATCH only.
        allowed = spec is not None and (spec.creatable if creating and not spec.trigger else spec.updatable)
        allowed = allowed and not (creating and spec is not None and spec.trigger)
        if spec is None or not allowed:
            raise not_allowed(name, pointer)
        try:
            coerced = coerce(spec, value)
        except FieldError as exc:
            problems.append(field_problem(name, exc.message, exc.code, pointer, value))
            continue
        if spec.trigger:
            changes.triggers[name] = bool(coerced)
        else:
            changes.attributes[name] = coerced
    for name, value in relationships.items():
        pointer = f"/data/relationships/{name}"
        canonical = canonical_relationship(resource, name)
        rel = resource.relationships.get(canonical) if canonical else None
        if rel is None and name in resource.other_relationships:
            problems.extend(_link_to_nothing(resource.other_relationships[name], value, pointer, creating))
            continue
        if rel is None or not rel.to_one or not (rel.creatable if creating else rel.updatable):
            raise not_allowed(name, pointer)
        linkage = value.get("data", ...) if isinstance(value, dict) else ...
        if linkage is None:
            changes.relationships[rel.name] = None
            continue
        if not isinstance(linkage, dict) or not isinstance(linkage.get("id"), str):
            problems.append(field_problem(name, "must be an object with type and id", "invalid", pointer))
            continue
        target_id = linkage["id"]
        if PATH_TYPES.get(shown(linkage.get("type"))) != rel.target:
            problems.append(field_problem(name, f"must be of type {rel.target}", "invalid", pointer))
        elif store.get(rel.target, target_id) is None:
            problems.append(field_problem(name, "not found", "not_found", pointer, target_id))
        else:
            changes.relationships[rel.name] = target_id
    _resolve_codes(store, resource, changes, problems)
    if problems:
        raise ApiError(problems)
    return changes


def _link_to_nothing(rel: Relationship, value: Any, pointer: str, creating: bool) -> list[ErrorObject]:
    """A writable relationship to a type the sandbox keeps no records of (a SKU's ``tags``, a transfer's
    ``shipment``): clearing it is accepted, there being nothing to clear, and any identifier names a record that
    does not exist here, refused as Commerce Layer refuses an unknown id (422, pointing at the relationship)."""
    if not (rel.creatable if creating else rel.updatable):
        raise not_allowed(rel.name, pointer)
    linkage = value.get("data", ...) if isinstance(value, dict) else ...
    if linkage == (None if rel.to_one else []):
        return []
    identifiers: list[Any] = [linkage] if rel.to_one else linkage if isinstance(linkage, list) else [None]
    if not all(isinstance(i, dict) and isinstance(i.get("id"), str) for i in identifiers):
        shape = "an object with type and id" if rel.to_one else "an array of objects with type and id"
        return [field_problem(rel.name, f"must be {shape}", "invalid", pointer)]
    if any(i.get("type") != rel.target for i in identifiers):
        return [field_problem(rel.name, f"must be of type {rel.target}", "invalid", pointer)]
    return [field_problem(rel.name, "not found", "not_found", pointer, identifiers[0]["id"])]


def _resolve_codes(store: Store, resource: Resource, changes: Changes, problems: list[ErrorObject]) -> None:
    """``sku_code`` sets the ``sku`` relationship to the SKU with that code (Commerce Layer's convenience alias)."""
    for name, rel_name in attribute_plan(resource.type)[2]:
        code = changes.attributes.pop(name, None)
        if code is None or rel_name in changes.relationships:
            continue
        target = resource.relationships[rel_name].target
        match = next((r for r in store.table(target).values() if r.attributes.get("code") == code), None)
        if match is None:
            problems.append(field_problem(name, "not found", "not_found", f"/data/attributes/{name}", code))
        else:
            changes.relationships[rel_name] = match.id


def missing(resource: Resource, record: Record) -> list[ErrorObject]:
    """Required attributes and relationships ``record`` lacks (after defaults and the change were applied)."""
    problems: list[ErrorObject] = []
    values = record.attributes
    for name, spec in resource.fields.items():
        if spec.trigger or name in ("id", "created_at", "updated_at") or not (spec.creatable or spec.updatable):
            continue
        needed = spec.required
        if spec.required_when is not None:
            other, wanted = spec.required_when
            current = values.get(other)
            needed = needed or (current if current is not None else resource.fields[other].default) == wanted
        if needed and (values.get(name) is None or values.get(name) == ""):
            problems.append(field_problem(name, "can't be blank", "blank", f"/data/attributes/{name}"))
    for rel in stored_relationships(resource.type):
        if not rel.required or record.relationships.get(rel.name):
            continue
        if rel.required_unless and values.get(rel.required_unless):
            continue
        problems.append(field_problem(rel.name, "must exist", "blank", f"/data/relationships/{rel.name}"))
    return problems


def duplicates(store: Store, record: Record) -> list[ErrorObject]:
    """Uniqueness: a join resource (exactly two required to-one keys, such as a stock item's SKU and location,
    or a stock level's model and location) is unique per pair; a ``code`` is unique within its type."""
    problems: list[ErrorObject] = []
    required = [r for r in stored_relationships(record.type) if r.required]
    if len(required) == 2 and all(record.relationships.get(r.name) for r in required):
        first, second = sorted(required, key=lambda r: r.name)  # the error names the same key whatever the order
        anchor = store.get(first.target, record.relationships[first.name] or "") or record
        for other, rel_name in store.referrers(anchor):
            if (
                other.type == record.type
                and other.id != record.id
                and rel_name == first.name
                and other.relationships.get(second.name) == record.relationships.get(second.name)
            ):
                problems.append(
                    field_problem(
                        first.name,
                        f"has already been taken for this {second.name.replace('_', ' ')}",
                        "taken",
                        f"/data/relationships/{first.name}",
                        record.relationships.get(first.name),
                    )
                )
                break
    code = record.attributes.get("code")
    if code is not None and "code" in get_resource(record.type).fields:
        for other in store.table(record.type).values():
            if other.id != record.id and other.attributes.get("code") == code:
                problems.append(field_problem("code", "has already been taken", "taken", "/data/attributes/code", code))
                break
    return problems
