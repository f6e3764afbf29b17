"""The checks every edit meets before it is queued, single or in a batch: the resource allows the action, each
field fits the description, required values are there, and relationships point at records the cache knows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop_app.errors import UsageError
from desktop_app.schema import FieldError, Resource, app_type, check_attributes, get_resource
from desktop_app.store import LOCAL_ID_PREFIX, RecordStore, SyncStateStore, UnknownRecordError
from desktop_app.store.records import Relationships


def checked_relationships(
    records: RecordStore, sync_state: SyncStateStore, resource: Resource, relationships: Mapping[str, Any], action: str
) -> Relationships:
    """The relationships an edit sets, each writable on ``action`` and pointing at a known record."""
    clean: Relationships = {}
    for name, value in relationships.items():
        spec = resource.writable_relationship(name, action)
        if spec.to_one:
            if value is not None and not isinstance(value, str):
                raise FieldError(name, "must be one record id", "invalid")
            if value:
                _check_known(records, sync_state, spec.target, value, name)
        elif value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise FieldError(name, "must be a list of record ids", "invalid")
        clean[name] = value
    return clean


def _check_known(records: RecordStore, sync_state: SyncStateStore, target: str, record_id: str, name: str) -> None:
    """A relationship to a synced type must point at a record the cache holds (catches typos offline). A type kept
    only for what points at it is not checked: the address a location moves to is cached once the move is."""
    state = sync_state.get(target)
    partial = app_type(target).synced_for is not None
    if (state.full_synced_at is None or partial) and not record_id.startswith(LOCAL_ID_PREFIX):
        return
    if records.get(target, record_id) is None:
        error = UnknownRecordError(target, record_id)
        raise FieldError(name, str(error).split(" - ", 1)[1], "unknown_id")


def checked_attributes(resource: Resource, attributes: Mapping[str, Any], action: str) -> dict[str, Any]:
    """The attributes coerced; a required field emptied is refused here, as the server would (an update that
    could only come back refused would hold the record's later edits behind it)."""
    clean = check_attributes(resource, attributes, action)
    app_type(resource.type).check(clean)
    for name, value in clean.items():
        spec = resource.fields[name]
        if value is None and spec.required and spec.required_when is None:
            raise FieldError(name, "can't be blank", "blank")
    return clean


def resource_for(type_: str, action: str) -> Resource:
    try:
        resource = get_resource(type_)
    except KeyError:
        raise UsageError(f"resource - unknown resource {type_!r}") from None
    if not resource.can(action):
        raise UsageError(f"resource - {resource.plural_label} cannot be {action}d")
    return resource


def check_required(resource: Resource, attributes: dict[str, Any], relationships: Relationships) -> None:
    for name, spec in resource.fields.items():
        if not spec.required or not spec.creatable or spec.default is not None or attributes.get(name) is not None:
            continue
        if spec.required_when is not None:
            other, value = spec.required_when
            if attributes.get(other) != value:
                continue
        raise FieldError(name, "is required", "blank")
    for name, rel in resource.relationships.items():
        if not rel.required or not rel.creatable or relationships.get(name):
            continue
        if rel.required_unless and (attributes.get(rel.required_unless) or relationships.get(rel.required_unless)):
            continue
        raise FieldError(name, "is required", "blank")
