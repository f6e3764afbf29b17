"""The ``/api/<type>`` endpoints, the same few handlers for every served type, driven by the catalogue.

Each handler reads the whole body first and then runs to completion without awaiting, so two requests never
interleave inside one change: the event loop is the sandbox's lock.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from desktop_app.sandbox.auth import Authority
from desktop_app.sandbox.documents import Renderer, encode
from desktop_app.sandbox.errors import ApiError, error, not_found, shown, unknown_path
from desktop_app.sandbox.history import who_of
from desktop_app.sandbox.imports import ImportJobs, job_type
from desktop_app.sandbox.inventory import (
    apply_triggers,
    defaults,
    on_delete,
    problems,
    server_values,
    single_extra,
    timestamp,
)
from desktop_app.sandbox.names import canonical_relationship, resource_for_path, shown_type
from desktop_app.sandbox.querying import Query, check_paging, paginate, parse_query, select
from desktop_app.sandbox.storage import Record, Store, stored_relationships
from desktop_app.sandbox.validation import check_type, duplicates, missing, read_changes, read_data
from desktop_app.schema import Relationship, Resource, get_resource

log = logging.getLogger(__name__)
JSON_API = "application/vnd.api+json"
ACCEPTABLE = frozenset({JSON_API, "*/*", "application/*"})
#: The catalogue action each method needs on a collection and on a member.
COLLECTION_ACTIONS = {"GET": "list", "POST": "create"}
MEMBER_ACTIONS = {"GET": "retrieve", "PATCH": "update", "DELETE": "delete"}
WRITES = frozenset({"POST", "PATCH", "DELETE"})


def respond(
    document: dict[str, Any] | bytes | None, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    body = b"" if document is None else document if isinstance(document, bytes) else encode(document)
    return Response(body, status_code=status, media_type=None if document is None else JSON_API, headers=headers)


def error_response(exc: ApiError) -> Response:
    return respond(exc.document(), exc.status, exc.headers or None)


class ResourceEndpoints:
    """List, retrieve, create, update, delete and nested reads for every served type."""

    def __init__(self, store: Store, authority: Authority) -> None:
        self.store = store
        self.authority = authority
        #: Import jobs: created here, then run in the background through :meth:`create_from` and
        #: :meth:`update_from`, one input at a time.
        self.jobs = ImportJobs(store, self)

    async def collection(self, request: Request) -> Response:
        return await self._run(request, self._collection)

    async def member(self, request: Request) -> Response:
        return await self._run(request, self._member)

    async def nested(self, request: Request) -> Response:
        return await self._run(request, self._nested)

    async def linkage(self, request: Request) -> Response:
        return await self._run(request, self._linkage)

    async def _run(self, request: Request, handler: Any) -> Response:
        try:
            body = await request.body() if request.method in ("POST", "PATCH", "PUT") else b""
            return handler(request, body)  # type: ignore[no-any-return]
        except ApiError as exc:
            return error_response(exc)
        except Exception:
            # A bug of the sandbox still answers in Commerce Layer's error shape, and says where in the log.
            log.exception("sandbox failed on %s %s", request.method, request.url.path)
            return error_response(error(500, "INTERNAL_SERVER_ERROR", "The sandbox failed; its log has the details."))
        finally:
            self.store.who = None

    # -- common checks -----------------------------------------------------------------------------------------
    def _prepare(self, request: Request, actions: dict[str, str]) -> tuple[str, Resource]:
        """Token first (Commerce Layer answers 401 before it says anything about the path), then the path, the
        method (``HEAD`` is ``GET`` without the body), and the content types."""
        claims = self.authority.check(request.headers.get("authorization"))
        if request.method in WRITES:
            self.store.who = who_of(claims)  # the versions this request's writes leave name its client
        segment = request.path_params["segment"]
        resource = resource_for_path(segment)
        if resource is None:
            raise unknown_path(request.url.path)
        allowed = [m for m, a in actions.items() if resource.can(a)]
        if (request.method if request.method != "HEAD" else "GET") not in allowed:
            refusal = error(405, None, f"{request.method} is not allowed on {request.url.path}.")
            refusal.headers = {"Allow": ", ".join([*allowed, "HEAD"] if "GET" in allowed else allowed)}
            raise refusal
        accept = request.headers.get("accept")
        if accept and not any(p.split(";")[0].strip().lower() in ACCEPTABLE for p in accept.split(",")):
            raise error(406, "NOT_ACCEPTABLE", f"This API answers {JSON_API}; the request accepts only {accept}.")
        if request.method in ("POST", "PATCH"):
            content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type != JSON_API:
                raise error(
                    415, "UNSUPPORTED_MEDIA_TYPE", f"Send the body as {JSON_API}, not {content_type or 'nothing'}."
                )
        return segment, resource

    def _renderer(self, request: Request) -> Renderer:
        host = request.headers.get("host") or f"{request.url.hostname}:{request.url.port}"
        meta = {
            "mode": "test" if self.authority.test else "live",
            "organization_id": self.authority.organization_id,
            "trace_id": secrets.token_hex(16),
        }
        return Renderer(self.store, f"{request.url.scheme}://{host}", meta, single_extra)

    def _find(self, resource: Resource, id_: str) -> Record:
        record = self.store.get(resource.type, id_)
        if record is None:
            raise not_found(resource.type, id_)
        return record

    # -- handlers ----------------------------------------------------------------------------------------------
    def _collection(self, request: Request, body: bytes) -> Response:
        segment, resource = self._prepare(request, COLLECTION_ACTIONS)
        renderer = self._renderer(request)
        params = request.query_params
        if request.method == "POST":
            query = parse_query(self.store, resource, params, collection=False)
            record = self._create(segment, resource, body)
            return respond(renderer.single(record, segment, query), 201)
        query = parse_query(self.store, resource, params, collection=True)
        page = paginate(select(self.store.listing(resource.type), query), query)
        return respond(renderer.page(page, segment, query, f"/api/{segment}", params.multi_items()))

    def _member(self, request: Request, body: bytes) -> Response:
        segment, resource = self._prepare(request, MEMBER_ACTIONS)
        record = self._find(resource, request.path_params["id"])
        if request.method == "DELETE":
            self._delete(record)
            return respond(None, 204)
        query = parse_query(self.store, resource, request.query_params, collection=False)
        if request.method == "PATCH":
            record = self._update(segment, resource, record, body)
        return respond(self._renderer(request).single(record, segment, query))

    def _relationship_of(self, request: Request) -> tuple[str, Resource, Record, str, str | None]:
        """The path's resource, record and relationship (as written and as the catalogue names it; ``None`` for a
        relationship to a type nothing here keeps), or a 404."""
        segment, resource = self._prepare(request, {"GET": "retrieve"})
        record = self._find(resource, request.path_params["id"])
        name = request.path_params["relationship"]
        canonical = canonical_relationship(resource, name)
        if canonical is None and name not in resource.other_relationships:
            raise unknown_path(request.url.path)
        return segment, resource, record, name, canonical

    def _nested(self, request: Request, body: bytes) -> Response:
        segment, resource, record, name, canonical = self._relationship_of(request)
        if canonical is None:
            return self._nothing_related(request, resource.other_relationships[name], f"/api/{segment}/{record.id}")
        rel = resource.relationships[canonical]
        target = get_resource(rel.target)
        shown = shown_type(rel.target, name)
        renderer = self._renderer(request)
        related = self.store.related(record, canonical)
        if rel.to_one:
            query = parse_query(self.store, target, request.query_params, collection=False)
            return respond(renderer.single(related[0] if related else None, shown, query))
        query = parse_query(self.store, target, request.query_params, collection=True)
        page = paginate(select(related, query), query)
        path = f"/api/{segment}/{record.id}/{name}"
        return respond(renderer.page(page, shown, query, path, request.query_params.multi_items()))

    def _linkage(self, request: Request, body: bytes) -> Response:
        """``GET /api/<type>/<id>/relationships/<rel>``: the identifiers the documents advertise in ``links.self``."""
        segment, _resource, record, name, canonical = self._relationship_of(request)
        if request.query_params:
            raise error(400, "PARAM_NOT_ALLOWED", "Relationship endpoints take no query parameters.")
        renderer = self._renderer(request)
        url = f"{renderer.base_url}/api/{segment}/{record.id}"
        links = {"self": f"{url}/relationships/{name}", "related": f"{url}/{name}"}
        if canonical is None:
            empty: list[Any] | None = None if _resource.other_relationships[name].to_one else []
            return respond({"data": empty, "links": links})
        return respond({"data": renderer.linkage(record, name, canonical), "links": links})

    def _nothing_related(self, request: Request, rel: Relationship, parent: str) -> Response:
        """A relationship to a type the sandbox keeps no records of answers as Commerce Layer answers for a record
        with nothing related: ``null``, or an empty page whose paging parameters are still checked."""
        if rel.to_one:
            check_paging(request.query_params, collection=False)
            return respond({"data": None})
        page = paginate([], check_paging(request.query_params, collection=True))
        path = f"{parent}/{rel.name}"
        return respond(
            self._renderer(request).page(page, rel.target, Query(), path, request.query_params.multi_items())
        )

    # -- changes -----------------------------------------------------------------------------------------------
    def _create(self, segment: str, resource: Resource, body: bytes) -> Record:
        data = read_data(body)
        check_type(data, segment, resource)
        if data.get("id") is not None:
            raise error(400, "PARAM_NOT_ALLOWED", "Client-generated ids are not supported.", pointer="/data/id")
        if resource.type == job_type():
            return self.jobs.create(resource, data)
        return self.create_from(resource, data)

    def create_from(self, resource: Resource, data: dict[str, Any]) -> Record:
        """A new record from a JSON:API ``data`` object (a POST's, or one input of an import)."""
        changes = read_changes(self.store, resource, data, creating=True)
        now = timestamp()
        attributes = defaults(resource.type) | changes.attributes | {"created_at": now, "updated_at": now}
        relationships = {r.name: None for r in stored_relationships(resource.type)} | changes.relationships
        record = Record(resource.type, self.store.new_id(resource.type), attributes, relationships)
        refused = missing(resource, record) + duplicates(self.store, record) + problems(record)
        if refused:
            raise ApiError(refused)
        server_values(self.store, record, creating=True)
        with self.store.transaction():
            self.store.save(record)
        return record

    def _update(self, segment: str, resource: Resource, old: Record, body: bytes) -> Record:
        data = read_data(body)
        check_type(data, segment, resource)
        if data.get("id") is None:
            raise error(400, "PARAM_MISSING", "The required parameter id is missing.", pointer="/data/id")
        if data["id"] != old.id:
            raise error(
                400,
                "KEY_NOT_INCLUDED_IN_URL",
                f"The URL does not support the key {shown(data['id'])}.",
                "Key is not included in URL",
                pointer="/data/id",
            )
        if resource.type == job_type():
            return self.jobs.update(resource, old, data)
        return self.update_from(resource, old, data)

    def update_from(self, resource: Resource, old: Record, data: dict[str, Any]) -> Record:
        """``old`` changed as a JSON:API ``data`` object says (a PATCH's, or one input of an import)."""
        changes = read_changes(self.store, resource, data, creating=False)
        new = Record(
            old.type, old.id, dict(old.attributes) | changes.attributes, dict(old.relationships) | changes.relationships
        )
        refused = missing(resource, new) + duplicates(self.store, new) + problems(new)
        if refused:
            raise ApiError(refused)
        effects = apply_triggers(self.store, old, new, changes.triggers)
        server_values(self.store, new, creating=False)
        if new.attributes == old.attributes and new.relationships == old.relationships and effects.empty:
            # Rails saves nothing when nothing changed: updated_at stays, so other clients see no false conflict.
            return old
        new.attributes["updated_at"] = timestamp(old.attributes.get("updated_at"))
        with self.store.transaction():
            self.store.save(new)
            self.store.apply(effects)
        return new

    def _delete(self, record: Record) -> None:
        blockers = self.store.referrers(record)
        if blockers:
            other, rel = blockers[0]
            raise error(
                423,
                "LOCKED",
                f"The resource could not be deleted due to integrity constraints: {len(blockers)} "
                f"record(s) refer to it, e.g. {other.type}/{other.id} through {rel}.",
            )
        effects = on_delete(self.store, record)
        with self.store.transaction():
            self.store.delete(record)
            self.store.apply(effects)
