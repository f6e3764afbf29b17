"""Versions: the audit trail Commerce Layer keeps of every change, in the shape of its ``version`` resource.

The store records one as each write lands (see :meth:`Store.save`), so every path that changes a record leaves one:
a client's POST, PATCH or DELETE, through either stock-level path, and what a request's rules change besides (a
completed transfer's stock items, the reserved stock a transfer holds). Each version carries ``resource_type`` (the
canonical plural type), ``resource_id``, ``event`` (``create``, ``update`` or ``destroy``), ``changes`` as
``{field: [old, new]}`` and ``who``: the application of the token that made the request (``id``, ``kind``,
``public``, and the ``owner`` when the token has one), as the catalogue's example shows it.

Where Commerce Layer is silent, as PaperTrail (which it runs on) does: a to-one relationship changes as its
``<name>_id`` column; a create lists every field given a value ([null, value]) and a destroy every field that had
one ([value, null]); an update that changed nothing but ``updated_at`` leaves no version. Seed data and
``/_sandbox/reset`` leave none.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from desktop_app.schema import resources

Values = dict[str, Any]
Links = dict[str, str | None]


@cache
def history_type() -> str | None:
    """The type whose records describe changes of other records (``versions``), found by its shape."""
    shape = {"resource_type", "resource_id", "changes"}
    return next((t for t, r in resources().items() if shape <= r.fields.keys()), None)


def who_of(claims: dict[str, Any]) -> dict[str, Any]:
    """``who`` of the versions a request leaves, from its token's claims."""
    application = claims.get("application") or {}
    who: dict[str, Any] = {
        "application": {
            "id": application.get("id"),
            "kind": application.get("kind"),
            "public": bool(application.get("public")),
        }
    }
    owner = claims.get("owner")
    if isinstance(owner, dict):
        who["owner"] = {"id": owner.get("id"), "type": owner.get("type")}
    return who


def changes(old: tuple[Values, Links] | None, new: tuple[Values, Links] | None) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every attribute and stored relationship (as ``<name>_id``) that differs."""
    old_values, old_links = old or ({}, {})
    new_values, new_links = new or ({}, {})
    out: dict[str, list[Any]] = {}
    for name in dict.fromkeys([*old_values, *new_values]):
        before, after = old_values.get(name), new_values.get(name)
        if before != after:
            out[name] = [before, after]
    for name in dict.fromkeys([*old_links, *new_links]):
        before_id, after_id = old_links.get(name), new_links.get(name)
        if before_id != after_id:
            out[f"{name}_id"] = [before_id, after_id]
    return out


def event_of(old: object | None, new: object | None) -> str:
    return "create" if old is None else "destroy" if new is None else "update"


def worth_a_version(event: str, changed: dict[str, list[Any]]) -> bool:
    """Whether a write leaves a version: always when a record comes or goes, and when an update changed a field
    other than its ``updated_at`` stamp."""
    return event != "update" or any(name != "updated_at" for name in changed)
