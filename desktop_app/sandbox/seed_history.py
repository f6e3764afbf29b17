"""The demo company's past: versions of some stock items and of every transfer, so a history has something to show.

The sample SKU's stock items and about one in ten of the others updated since their creation have a history:
created by the warehouse integration with the quantity first counted, then (when updated since) a few recounts
between the two times, ending at the quantity held now, some by the integration and some by people in the dashboard.
The rest have none, as records older than the history kept would (the share is small because every reset reloads
the demo). A transfer is created by a person and gets one version per step it has been through, at the times its
timestamps say. The versions follow :mod:`desktop_app.sandbox.history` exactly, as if the sandbox had recorded the
writes itself; everything comes from the seed's random stream, after every other record.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from typing import Any

from desktop_app.sandbox.history import changes, history_type
from desktop_app.sandbox.storage import stored_relationships
from desktop_app.schema import format_datetime, parse_datetime

Record = dict[str, Any]
Seed = dict[str, list[Record]]

INTEGRATION = {"application": {"id": "WhseSync01", "kind": "integration", "public": False}}
PEOPLE = (
    {
        "application": {"id": "DashBoard1", "kind": "dashboard", "public": False},
        "owner": {"id": "UserMaria1", "type": "User"},
    },
    {
        "application": {"id": "DashBoard1", "kind": "dashboard", "public": False},
        "owner": {"id": "UserJonas1", "type": "User"},
    },
)
#: The share of the other stock items updated since their creation that have a history.
SHARE = 0.1
#: The states a transfer passes on its way to each status, after ``draft``.
_PATHS = {
    "draft": (),
    "upcoming": ("upcoming",),
    "on_hold": ("upcoming", "on_hold"),
    "picking": ("upcoming", "picking"),
    "in_transit": ("upcoming", "picking", "in_transit"),
    "completed": ("upcoming", "picking", "in_transit", "completed"),
    "cancelled": ("upcoming", "cancelled"),
}


def demo_history(out: Seed, rng: random.Random, new_id: Callable[[], str], sample_code: str) -> list[Record]:
    """The versions of some of ``out``'s stock items and all its stock transfers, oldest first per record."""
    versions: list[Record] = []

    def add(record: Record, event: str, changed: dict[str, list[Any]], when: str, who: dict[str, Any]) -> None:
        values = {
            "resource_type": record["type"],
            "resource_id": record["id"],
            "event": event,
            "changes": changed,
            "who": who,
            "reference": None,
            "reference_origin": None,
            "metadata": {},
            "created_at": when,
            "updated_at": when,
        }
        versions.append({"id": new_id(), "attributes": values, "relationships": {}})

    for item in out["stock_items"]:
        values = item["attributes"]
        changed = values["updated_at"] > values["created_at"]
        if values["sku_code"] == sample_code or (changed and rng.random() < SHARE):
            _stock_item(dict(item, type="stock_items"), rng, add)
    for transfer in out["stock_transfers"]:
        _transfer(dict(transfer, type="stock_transfers"), rng, add)
    return versions


Add = Callable[[Record, str, dict[str, list[Any]], str, dict[str, Any]], None]


def _created(record: Record, attributes: dict[str, Any]) -> dict[str, list[Any]]:
    links = {rel.name: record["relationships"].get(rel.name) for rel in stored_relationships(record["type"])}
    return changes(None, (attributes, links))


def _stock_item(item: Record, rng: random.Random, add: Add) -> None:
    attributes = item["attributes"]
    created, updated = attributes["created_at"], attributes["updated_at"]
    counts = sorted(_between(rng, parse_datetime(created), parse_datetime(updated), rng.randint(2, 8)))
    times = [*counts[:-1], updated] if updated > created else []
    quantities = [attributes["quantity"]]
    for _ in times:
        change = rng.randint(1, 12) if rng.random() < 0.7 else -rng.randint(5, 40)  # sold since, or restocked
        if quantities[0] + change < 0:
            change = rng.randint(1, 12)
        quantities.insert(0, quantities[0] + change)
    first = attributes | {"quantity": quantities[0], "updated_at": created}
    add(item, "create", _created(item, first), created, INTEGRATION)
    previous = created
    for when, before, after in zip(times, quantities[:-1], quantities[1:], strict=True):
        changed = {"quantity": [before, after], "updated_at": [previous, when]}
        add(item, "update", changed, when, INTEGRATION if rng.random() < 0.6 else rng.choice(PEOPLE))
        previous = when


def _transfer(transfer: Record, rng: random.Random, add: Add) -> None:
    attributes = transfer["attributes"]
    created = attributes["created_at"]
    who = rng.choice(PEOPLE)
    stamps = {state: attributes.get(f"{state}_at") for state in _PATHS}
    first = attributes | {"status": "draft", "updated_at": created} | {f"{s}_at": None for s in stamps if stamps[s]}
    add(transfer, "create", _created(transfer, first), created, who)
    status, previous = "draft", created
    for state in _PATHS[attributes["status"]]:
        when = stamps[state] or previous
        changed: dict[str, list[Any]] = {"status": [status, state]}
        if stamps[state]:
            changed[f"{state}_at"] = [None, when]
        if when != previous:
            changed["updated_at"] = [previous, when]
        add(transfer, "update", changed, when, who)
        status, previous = state, when


def _between(rng: random.Random, start: datetime, end: datetime, count: int) -> list[str]:
    span = max((end - start).total_seconds(), 0.0)
    return [format_datetime(start + (end - start) * (rng.random() if span else 0.0)) for _ in range(count)]


def history_records(out: Seed, rng: random.Random, new_id: Callable[[], str], sample_code: str) -> None:
    """Add the demo's history to ``out`` under the versions type."""
    versions = history_type()
    if versions is not None:
        out[versions] = demo_history(out, rng, new_id, sample_code)
