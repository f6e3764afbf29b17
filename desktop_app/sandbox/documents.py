"""JSON:API documents as the seed pages print them: resource objects, list pages, ``included`` and links.

Rendering is the hot path of a sync (hundreds of list pages a second), so per-type facts (attribute names, which
relationships to list, which attributes are derived) are computed once and each record becomes a few dict
literals handed to the stdlib encoder.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any
from urllib.parse import quote, urlencode

from desktop_app.sandbox.names import canonical_relationship, relationship_names, shown_type
from desktop_app.sandbox.querying import Page, Query
from desktop_app.sandbox.storage import Record, Store
from desktop_app.schema import LEGACY_STOCK_LEVELS, get_resource

Extra = Callable[[Store, Record], dict[str, Any]]


@cache
def attribute_plan(type_: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, str], ...]]:
    """(stored attribute names, single-retrieve-only names, derived ``<rel>_code`` attributes as (name, rel))."""
    resource = get_resource(type_)
    stored: list[str] = []
    single: list[str] = []
    codes: list[tuple[str, str]] = []
    for name in resource.attribute_names:
        field = resource.fields[name]
        rel_name = name.removesuffix("_code")
        rel = resource.relationships.get(rel_name) if name.endswith("_code") else None
        if field.single_retrieve_only:
            single.append(name)
        elif rel is not None and rel.to_one and "code" in get_resource(rel.target).fields:
            codes.append((name, rel_name))
        else:
            stored.append(name)
    return tuple(stored), tuple(single), tuple(codes)


#: Where a record's URL goes in :func:`_links_template` (no URL holds a NUL: JSON text escapes it).
URL_SLOT = "\x00"


@cache
def _links_template(type_: str) -> str:
    """The links of every relationship of a list entry of ``type_``, with :data:`URL_SLOT` for the record's URL:
    one ``str.replace`` per record instead of formatting two URLs per relationship (a tenth of a page's rendering)."""
    return ",".join(
        f'"{name}":{{"links":{{"self":"{URL_SLOT}/relationships/{name}","related":"{URL_SLOT}/{name}"}}}}'
        for name, _ in relationship_names(type_)
    )


_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def encode(document: dict[str, Any]) -> bytes:
    return _dumps(document).encode()


@dataclass
class Renderer:
    """Renders records for one request: knows the base URL the client used and the resource ``meta``."""

    store: Store
    base_url: str
    meta: dict[str, Any]
    single_extra: Extra | None = None

    def resource(
        self,
        record: Record,
        shown: str,
        fields: frozenset[str] | None = None,
        data_rels: set[str] | None = None,
        single: bool = False,
    ) -> dict[str, Any]:
        stored, single_only, codes = attribute_plan(record.type)
        source = record.attributes
        if fields is None:
            attributes = {name: source.get(name) for name in stored}
        else:
            attributes = {name: source.get(name) for name in stored if name in fields}
        for name, rel_name in codes:
            if fields is None or name in fields:
                target = self.store.related(record, rel_name)
                attributes[name] = target[0].attributes.get("code") if target else source.get(name)
        if single_only:
            extra = self.single_extra(self.store, record) if single and self.single_extra else {}
            for name in single_only:
                if fields is None or name in fields:
                    attributes[name] = extra.get(name)
        self_url = f"{self.base_url}/api/{shown}/{record.id}"
        relationships: dict[str, Any] = {}
        legacy = LEGACY_STOCK_LEVELS in (fields or ()) or LEGACY_STOCK_LEVELS in (data_rels or ())
        for name, canonical in relationship_names(record.type, legacy):
            if fields is not None and name not in fields:
                continue
            entry: dict[str, Any] = {
                "links": {"self": f"{self_url}/relationships/{name}", "related": f"{self_url}/{name}"}
            }
            if data_rels and name in data_rels:
                entry["data"] = self.linkage(record, name, canonical)
            relationships[name] = entry
        document = {"id": record.id, "type": shown, "links": {"self": self_url}, "attributes": attributes}
        if relationships:  # a sparse fieldset naming none leaves the member out, as Commerce Layer does
            document["relationships"] = relationships
        document["meta"] = self.meta
        return document

    def resource_text(
        self, record: Record, shown: str, fields: frozenset[str] | None, data_rels: set[str] | None
    ) -> str:
        """A list entry as JSON text. The common case (no sparse fieldset, no linkage) is assembled from the
        record's cached attribute text and this request's URL and meta, which is most of a sync's serving time."""
        if fields is not None or data_rels:
            return _dumps(self.resource(record, shown, fields, data_rels))
        stored, single_only, codes = attribute_plan(record.type)
        attributes = record.encoded
        if attributes is None:
            source = record.attributes
            values = {name: source.get(name) for name in stored} | dict.fromkeys(single_only)
            attributes = record.encoded = _dumps(values)
        if codes:
            extra = []
            for name, rel_name in codes:
                target = self.store.related(record, rel_name)
                value = target[0].attributes.get("code") if target else record.attributes.get(name)
                extra.append(f'"{name}":{_dumps(value)}')
            attributes = attributes[:-1] + ("," if len(attributes) > 2 else "") + ",".join(extra) + "}"
        record_id = f'"{record.id}"' if record.id.isalnum() else _dumps(record.id)
        url = f"{self._base_text}/api/{shown}/{record_id[1:-1]}"
        links = _links_template(record.type)
        relationships = f'"relationships":{{{links.replace(URL_SLOT, url)}}},' if links else ""
        return (
            f'{{"id":{record_id},"type":"{shown}","links":{{"self":"{url}"}},"attributes":{attributes},'
            f'{relationships}"meta":{self._meta_text}}}'
        )

    @cached_property
    def _base_text(self) -> str:
        return _dumps(self.base_url)[1:-1]

    @cached_property
    def _meta_text(self) -> str:
        return _dumps(self.meta)

    def linkage(self, record: Record, name: str, canonical: str) -> Any:
        rel = get_resource(record.type).relationships[canonical]
        shown = shown_type(rel.target, name)
        related = [{"type": shown, "id": r.id} for r in self.store.related(record, canonical)]
        if rel.to_one:
            return related[0] if related else None
        return related

    def _included(
        self, primary: list[tuple[Record, str]], query: Query
    ) -> tuple[dict[tuple[str, str], set[str]], list[tuple[Record, str]]]:
        """Which relationships of which rendered records carry ``data``, and the records to put in ``included``."""
        data_rels: dict[tuple[str, str], set[str]] = {}
        seen = {(shown, r.id) for r, shown in primary}
        included: list[tuple[Record, str]] = []
        for path in query.include:
            level = primary
            for step in path:
                following: list[tuple[Record, str]] = []
                for record, shown in level:
                    canonical = canonical_relationship(get_resource(record.type), step)
                    if canonical is None:
                        continue
                    data_rels.setdefault((shown, record.id), set()).add(step)
                    target_shown = shown_type(get_resource(record.type).relationships[canonical].target, step)
                    for related in self.store.related(record, canonical):
                        key = (target_shown, related.id)
                        if key not in seen:
                            seen.add(key)
                            included.append((related, target_shown))
                        following.append((related, target_shown))
                # A record reached twice is followed once: ``stock_items.sku.stock_items`` must not multiply.
                level = list(dict.fromkeys(following))
        return data_rels, included

    def single(self, record: Record | None, shown: str, query: Query) -> dict[str, Any]:
        if record is None:
            return {"data": None}
        primary = [(record, shown)]
        data_rels, included = self._included(primary, query) if query.include else ({}, [])
        document: dict[str, Any] = {
            "data": self.resource(
                record, shown, query.fields.get(shown), data_rels.get((shown, record.id)), single=True
            )
        }
        if query.include:
            document["included"] = [
                self.resource(r, s, query.fields.get(s), data_rels.get((s, r.id))) for r, s in included
            ]
        return document

    def page(self, page: Page, shown: str, query: Query, path: str, params: list[tuple[str, str]]) -> bytes:
        """A list document, already encoded."""
        primary = [(r, shown) for r in page.records]
        data_rels, included = self._included(primary, query) if query.include else ({}, [])
        fields = query.fields.get(shown)
        data = ",".join(self.resource_text(r, shown, fields, data_rels.get((shown, r.id))) for r in page.records)
        meta = {"record_count": page.record_count, "page_count": page.page_count}
        text = f'{{"data":[{data}],"meta":{_dumps(meta)},"links":{_dumps(self.page_links(page, path, params))}'
        if query.include:
            entries = ",".join(
                self.resource_text(r, s, query.fields.get(s), data_rels.get((s, r.id))) for r, s in included
            )
            text += f',"included":[{entries}]'
        return (text + "}").encode()

    def page_links(self, page: Page, path: str, params: list[tuple[str, str]]) -> dict[str, str]:
        kept = urlencode([(k, v) for k, v in params if k not in ("page[number]", "page[size]")], quote_via=quote)
        last = max(page.page_count, 1)
        prefix = f"{self.base_url}{path}?{kept + '&' if kept else ''}page%5Bnumber%5D="
        suffix = f"&page%5Bsize%5D={page.size}"

        def link(number: int) -> str:
            return f"{prefix}{number}{suffix}"

        links = {"first": link(1)}
        if page.number > 1:
            links["prev"] = link(min(page.number - 1, last))
        if page.number < page.page_count:
            links["next"] = link(page.number + 1)
        links["last"] = link(last)
        return links
