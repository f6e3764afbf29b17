"""Fetching one record's history from the server's audit trail, on demand, a page (25 versions) at a time.

Only a person opening a record (or ``stockroom history``) asks; a sync never does, so it costs nothing to the
catalogue's sync. What came back is kept in the cache, so the timeline still reads offline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop_app.schema import get_resource, resources
from desktop_app.store.history import Version

if TYPE_CHECKING:
    from desktop_app.api import CommerceLayerClient, Record
    from desktop_app.store import Cache

PAGE_SIZE = 25


def history_type() -> str:
    """The type whose records describe changes of other records (``versions``), found by its shape."""
    shape = {"resource_type", "resource_id", "changes"}
    found = next((t for t, r in resources().items() if shape <= r.fields.keys()), None)
    if found is None:
        raise LookupError("the resource description has no audit trail type")
    return found


def version_of(record: Record, names: dict[str, str] | None = None) -> Version:
    attributes: dict[str, Any] = record.attributes
    changes = attributes.get("changes") if isinstance(attributes.get("changes"), dict) else {}
    who = attributes.get("who") if isinstance(attributes.get("who"), dict) else {}
    return Version(
        record.id,
        get_resource(str(attributes.get("resource_type"))).type,
        str(attributes.get("resource_id")),
        str(attributes.get("event") or "update"),
        dict(changes or {}),
        with_names(dict(who or {}), names or {}),
        str(attributes.get("created_at") or ""),
    )


async def application_names(client: CommerceLayerClient) -> dict[str, str]:
    """``{id: name}`` of the application this client's token belongs to (``GET /api/application``).

    A version's ``who`` names its application by id only, and the API tells the name of no application but the
    token's own; that is the one a person asks about most ("was it us?"). Empty when the server does not say."""
    from desktop_app.api import ApiError

    try:
        application = await client.singleton("application")
    except ApiError:
        return {}
    name = application.attributes.get("name")
    return {application.id: str(name)} if isinstance(name, str) and name else {}


def with_names(who: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """``who`` as the server sent it, with its application's ``name`` added where ``names`` knows it (the cache
    keeps it so the timeline names it offline too)."""
    application = who.get("application")
    if not isinstance(application, dict) or application.get("name"):
        return who
    name = names.get(str(application.get("id")))
    return {**who, "application": {**application, "name": name}} if name else who


async def fetch_history(
    cache: Cache, client: CommerceLayerClient, type_: str, record_id: str, *, pages: int = 1, first: int = 1
) -> list[Version]:
    """Fetch ``pages`` pages of a record's versions, newest first, from page ``first`` on (2 for "Show older"
    after the first page), keep them in the cache, and return every cached version of it, newest first.

    Pages are counted from the newest version: one written since page 1 was read moves the oldest of it to page 2,
    which then repeats it (the cache keeps it once) rather than missing one."""
    canonical = get_resource(type_).type
    filters = {"resource_type_eq": canonical, "resource_id_eq": record_id}
    names = await application_names(client)
    fetched: list[Version] = []
    complete = False
    number = 0
    first = max(1, first)
    for number in range(first, first + max(1, pages)):
        page = await client.list_page(
            history_type(), filters=filters, sort=["-created_at"], page=number, page_size=PAGE_SIZE
        )
        fetched.extend(version_of(record, names) for record in page.records)
        if number >= page.page_count:
            complete = True
            break
    cache.history.store_versions(canonical, record_id, fetched, pages=number, complete=complete)
    return cache.history.versions(canonical, record_id)
