"""What a record has before anyone set anything: its creation time and the catalogue's defaults.

Kept apart from the inventory rules so every module that makes records (the endpoints, a completed transfer's new
stock item, a reservation) builds them the same way without importing the rules that call it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from desktop_app.schema import format_datetime, get_resource, parse_datetime


def timestamp(previous: str | None = None) -> str:
    """Now, in Commerce Layer's form, and strictly after ``previous`` (millisecond resolution)."""
    moment = datetime.now(UTC)
    now = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    if previous:
        floor = parse_datetime(previous) + timedelta(milliseconds=1)
        now = max(now, floor)
    return format_datetime(now)


def defaults(type_: str) -> dict[str, Any]:
    """Every returned attribute with its catalogue default: ``metadata`` is ``{}`` and a boolean without a stated
    default is ``false``, as Commerce Layer returns them (the seed pages print ``"on_hold": false``); a resource
    with a life cycle starts in its initial state."""
    resource = get_resource(type_)
    out: dict[str, Any] = {}
    for name in resource.attribute_names:
        spec = resource.fields[name]
        if name == "metadata":
            out[name] = {}
        elif spec.default is None and spec.type == "boolean":
            out[name] = False
        else:
            out[name] = spec.default
    if resource.states is not None:
        out[resource.states.field] = resource.states.initial
    return out
