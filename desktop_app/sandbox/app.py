"""The sandbox as one ASGI application: token endpoint, ``/api`` resources, and the ``/_sandbox`` test surface.

The outermost layer (:class:`Sandbox`) sees every request before Starlette does, so it can log it, apply an armed
fault (including cutting the TCP connection, which only the server's own ``send`` can reach) and enforce rate
limits the same way for every endpoint.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from desktop_app.sandbox.api import ResourceEndpoints, error_response, respond
from desktop_app.sandbox.auth import Authority
from desktop_app.sandbox.bodies import MAX_BODY_BYTES, too_large
from desktop_app.sandbox.errors import ApiError, error, invalid_token, unknown_path
from desktop_app.sandbox.faults import Fault, Faults, RequestLog, parse_fault
from desktop_app.sandbox.inventory import defaults, server_values
from desktop_app.sandbox.names import resource_for_path
from desktop_app.sandbox.ratelimit import ClassLimits, Limit, RateLimiter, request_class
from desktop_app.sandbox.singletons import SingletonEndpoint
from desktop_app.sandbox.storage import Record, Store, stored_relationships
from desktop_app.schema import FieldError, canonical_type, coerce, get_resource, singletons

DEFAULT_CLIENT_ID = "stockroom-demo"
DEFAULT_CLIENT_SECRET = "stockroom-demo-secret"
ORGANIZATION_SLUG = "stockroom-demo"
ORGANIZATION_ID = "StckrmDemo"
SeedData = dict[str, list[dict[str, Any]]]
#: Methods whose request body the sandbox reads (and holds to :data:`MAX_BODY_BYTES`).
BODY_METHODS = frozenset({"POST", "PATCH", "PUT"})


def generate_seed(seed: str) -> SeedData:
    """The records of a named seed (``demo``, ``empty``, ``bench:N``) from the seed generator."""
    try:
        from desktop_app.sandbox.seeds import generate
    except ModuleNotFoundError as exc:
        if exc.name != "desktop_app.sandbox.seeds":
            raise
        if seed == "empty":
            return {}
        raise ValueError(f"seed {seed!r} needs desktop_app.sandbox.seeds, which is not installed") from None
    result: SeedData = generate(seed)
    return result


def seed_records(data: SeedData) -> list[Record]:
    """Seed dictionaries as records: integer fields as integers, defaults filled, only stored keys kept."""
    out: list[Record] = []
    for type_name, items in data.items():
        type_ = canonical_type(type_name)
        resource = get_resource(type_)
        keys = {r.name for r in stored_relationships(type_)}
        for item in items:
            attributes = defaults(type_)
            for name, value in (item.get("attributes") or {}).items():
                spec = resource.fields.get(name)
                if spec is None or spec.trigger:
                    continue
                try:
                    attributes[name] = coerce(spec, value)
                except FieldError:
                    attributes[name] = value
            relationships: dict[str, str | None] = {name: None for name in keys}
            for name, value in (item.get("relationships") or {}).items():
                if name in keys and (value is None or isinstance(value, str)):
                    relationships[name] = value
            out.append(Record(type_, str(item["id"]), attributes, relationships))
    return out


def _settle_heap() -> None:
    """Move the records just loaded out of the cyclic collector's sight: a million of them otherwise make every
    full collection walk millions of objects in the middle of some request (they are never part of a cycle)."""
    gc.collect()
    gc.freeze()


class Sandbox:
    """The ASGI application. ``records`` (seed-shaped data) replaces the named seed, for tests."""

    def __init__(
        self,
        *,
        seed: str = "demo",
        db: str | None = None,
        rate_limits: str = "off",
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        records: SeedData | None = None,
        rate_limit_overrides: dict[str, ClassLimits | Limit] | None = None,
        token_lifetime: int = 7200,
    ) -> None:
        self.seed_data: Callable[[], SeedData] = (
            (lambda: records) if records is not None else (lambda: generate_seed(seed))
        )
        self.store = Store(db)
        self.authority = Authority(
            client_id, client_secret, ORGANIZATION_SLUG, ORGANIZATION_ID, lifetime=token_lifetime
        )
        self.limiter = RateLimiter(rate_limits, rate_limit_overrides)
        self.faults = Faults()
        self.log = RequestLog()
        if db is None or self.store.is_empty():
            self._load_seed()
        else:
            self.store.load_from_disk()
        _settle_heap()
        self.endpoints = endpoints = ResourceEndpoints(self.store, self.authority)
        self.singletons = {name: SingletonEndpoint(spec, self.authority) for name, spec in singletons().items()}
        any_method = ["GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS"]
        # The /api routes come first: Starlette tries routes in order, and list pages are the hot path.
        self.router = Starlette(
            routes=[
                Route("/api/{segment}", self.collection, methods=any_method),
                Route("/api/{segment}/{id}", endpoints.member, methods=any_method),
                Route("/api/{segment}/{id}/{relationship}", endpoints.nested, methods=any_method),
                Route("/api/{segment}/{id}/relationships/{relationship}", endpoints.linkage, methods=any_method),
                Route("/oauth/token", self.token, methods=any_method),
                Route("/_sandbox/requests", self.requests_endpoint, methods=any_method),
                Route("/_sandbox/faults", self.faults_endpoint, methods=any_method),
                Route("/_sandbox/reset", self.reset_endpoint, methods=any_method),
                Route("/{path:path}", self.unknown_path, methods=any_method),
            ]
        )

    async def collection(self, request: Request) -> Response:
        """``/api/<segment>``: a resource's collection, or one of the singletons (``/api/organization``)."""
        singleton = self.singletons.get(request.path_params["segment"])
        if singleton is not None:
            return await singleton.handle(request)
        return await self.endpoints.collection(request)

    def _load_seed(self) -> None:
        records = seed_records(self.seed_data())
        for record in records:
            server_values(self.store, record, creating=False)
        self.store.replace_all(records)

    # -- the outer layer ---------------------------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sandbox/"):
            await self.router(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        seen: dict[str, int | None] = {"status": None}
        extra_headers: list[tuple[bytes, bytes]] = []

        async def observed(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
                if extra_headers:
                    message = dict(message, headers=[*message.get("headers", []), *extra_headers])
            await send(message)

        try:
            fault = self.faults.take(method, path)
            if fault is not None and await self._apply_fault(fault, scope, receive, send, observed):
                return
            try:
                extra_headers.extend((k.lower().encode(), v.encode()) for k, v in self._rate_limit(scope).items())
                if method in BODY_METHODS and _declared_length(scope) > MAX_BODY_BYTES:
                    raise too_large()
            except ApiError as exc:
                await error_response(exc)(scope, receive, observed)
                return
            await self.router(scope, _limited(receive) if method in BODY_METHODS else receive, observed)
        finally:
            query = scope.get("query_string", b"").decode("latin-1")
            self.log.add(method, path, query, seen["status"])

    def _rate_limit(self, scope: Scope) -> dict[str, str]:
        if not self.limiter.enabled:
            return {}
        client = (scope.get("client") or ("?", 0))[0]
        path: str = scope["path"]
        if path == "/oauth/token":
            return self.limiter.check_token(client)
        parts = path.split("/")
        segment = parts[2] if len(parts) > 2 and parts[1] == "api" else ""
        resource = resource_for_path(segment)
        if resource is None and segment not in singletons():
            return {}
        # The singletons are not among the cacheable resources Commerce Layer lists.
        klass = request_class(scope["method"], resource.cacheable if resource is not None else False)
        return self.limiter.check(client, klass, f"{scope['method'] if klass == 'write' else 'GET'} /api/{parts[2]}")

    async def _apply_fault(self, fault: Fault, scope: Scope, receive: Receive, send: Send, observed: Send) -> bool:
        """Make this request fail as ``fault`` says; ``False`` when only a delay was asked for."""
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.drop == "before":
            await _cut_connection(receive, send)
            return True
        if fault.expire_token:
            await error_response(invalid_token())(scope, receive, observed)
            return True
        if fault.status is not None:
            refusal = error(fault.status, detail=f"The sandbox was told to answer {fault.status} to this request.")
            await error_response(refusal)(scope, receive, observed)
            return True
        if fault.drop == "after":

            async def swallow(message: Message) -> None:
                return None

            await self.router(scope, receive, swallow)
            await _cut_connection(receive, send)
            return True
        return False

    # -- token endpoint and test surface -----------------------------------------------------------------------
    async def token(self, request: Request) -> Response:
        if request.method != "POST":
            return error_response(error(405, None, "Use POST to request a token."))
        try:
            issued = self.authority.issue(await request.body(), request.headers.get("content-type", ""))
        except ApiError as exc:
            return JSONResponse(exc.document(), exc.status, exc.headers or None)
        return JSONResponse(issued)

    async def unknown_path(self, request: Request) -> Response:
        """Any other path: under ``/api`` the token is checked first, as Commerce Layer does."""
        try:
            if request.url.path.startswith("/api/") or request.url.path == "/api":
                self.authority.check(request.headers.get("authorization"))
            raise unknown_path(request.url.path)
        except ApiError as exc:
            return error_response(exc)

    async def requests_endpoint(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.log.clear()
            return Response(status_code=204)
        if request.method != "GET":
            return _surface_error(405, "use GET or DELETE")
        return JSONResponse({"requests": list(self.log.entries)})

    async def faults_endpoint(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.faults.clear()
            return Response(status_code=204)
        if request.method == "GET":
            return JSONResponse({"faults": [f.to_json() for f in self.faults.armed]})
        if request.method != "POST":
            return _surface_error(405, "use GET, POST or DELETE")
        try:
            fault = parse_fault(json.loads(await request.body() or b"null"))
        except (ValueError, UnicodeDecodeError) as exc:
            return _surface_error(400, f"bad fault: {exc}")
        self.faults.arm(fault)
        return JSONResponse({"fault": fault.to_json(), "faults": [f.to_json() for f in self.faults.armed]}, 201)

    async def reset_endpoint(self, request: Request) -> Response:
        if request.method != "POST":
            return _surface_error(405, "use POST")
        self.endpoints.jobs.cancel_all()
        self._load_seed()
        _settle_heap()
        self.faults.clear()
        self.log.clear()
        self.limiter.reset()
        return JSONResponse({"reset": True})


def _declared_length(scope: Scope) -> int:
    """The ``Content-Length`` a request announces (0 when absent or unreadable)."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() and len(value) < 20 else 0
    return 0


def _limited(receive: Receive) -> Receive:
    """``receive`` that refuses a body growing past the limit while it streams in (chunked bodies announce no
    length); the refusal reaches the handler reading the body as an :class:`ApiError`, answered as a 413."""
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > MAX_BODY_BYTES:
            raise too_large()
        return message

    return counted


def _surface_error(status: int, detail: str) -> Response:
    return respond(error(status, detail=detail).document(), status)


async def _cut_connection(receive: Receive, send: Send) -> None:
    """Close the TCP connection without an answer, as a crashed proxy or a lost network would.

    The transport is reached through the server's own ``send`` (uvicorn's request cycle); after closing it we wait
    for the server to notice, so it does not try to answer with a 500 of its own.
    """
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        raise ConnectionAbortedError("the sandbox dropped this connection on purpose")
    transport.close()
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(5):
            while (await receive())["type"] != "http.disconnect":
                pass


def create_app(**options: Any) -> Sandbox:
    """The sandbox ASGI application; options as :class:`Sandbox` takes them."""
    return Sandbox(**options)
