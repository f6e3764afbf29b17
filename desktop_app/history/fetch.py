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


def version_of(record: Record) -> Version:
    attributes: dict[str, Any] = record.attributes
    changes = attributes.get("changes") if isinstance(attributes.get("changes"), dict) else {}
    who = attributes.get("who") if isinstance(attributes.get("who"), dict) else {}
    return Version(
        record.id,
        get_resource(str(attributes.get("resource_type"))).type,
        str(attributes.get("resource_id")),
        str(attributes.get("event") or "update"),
        dict(changes or {}),
        dict(who or {}),
        str(attributes.get("created_at") or ""),
    )


async def fetch_history(
    cache: Cache, client: CommerceLayerClient, type_: str, record_id: str, *, pages: int = 1
) -> list[Version]:
    """Fetch the newest ``pages`` pages of a record's versions, keep them in the cache, and return every cached
    version of it, newest first."""
    canonical = get_resource(type_).type
    filters = {"resource_type_eq": canonical, "resource_id_eq": record_id}
    fetched: list[Version] = []
    complete = False
    number = 0
    for number in range(1, max(1, pages) + 1):
        page = await client.list_page(
            history_type(), filters=filters, sort=["-created_at"], page=number, page_size=PAGE_SIZE
        )
        fetched.extend(version_of(record) for record in page.records)
        if number >= page.page_count:
            complete = True
            break
    cache.history.store_versions(canonical, record_id, fetched, pages=number, complete=complete)
    return cache.history.versions(canonical, record_id)
