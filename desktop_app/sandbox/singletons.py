"""``GET /api/organization`` and ``GET /api/application``: whom a token belongs to.

Commerce Layer's own command line reads both right after fetching a token and refuses to log in without them
(``applications:login`` stores the organisation's name and slug and the application's name). The catalogue marks
both as singletons (one record per token, no id in the path) and lists their attributes; the sandbox fills those it
knows from the credentials it issues and leaves the rest ``null``, as an organisation that never set them would.
The application's ``secret`` is never echoed.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from desktop_app.sandbox.api import ACCEPTABLE, JSON_API, error_response, respond
from desktop_app.sandbox.auth import Authority
from desktop_app.sandbox.errors import ApiError, error
from desktop_app.sandbox.inventory import timestamp
from desktop_app.schema import Singleton

#: What a client may ask of a singleton (``GET``, and ``HEAD`` like it).
READ_METHODS = ("GET", "HEAD")


class SingletonEndpoint:
    """One singleton's endpoint; its record is made from the authority's credentials when the sandbox starts."""

    def __init__(self, singleton: Singleton, authority: Authority) -> None:
        self.singleton = singleton
        self.authority = authority
        self.created_at = timestamp()

    def values(self) -> tuple[str, dict[str, Any]]:
        """The record's id and every attribute the catalogue lists (unknown ones ``null``)."""
        auth = self.authority
        known: dict[str, Any] = {"created_at": self.created_at, "updated_at": self.created_at, "metadata": {}}
        if self.singleton.type == "organizations":
            id_ = auth.organization_id
            known |= {"name": auth.organization_name, "slug": auth.organization_slug}
        else:
            id_ = auth.application_id
            known |= {"name": auth.application_name, "kind": "integration", "public_access": False}
            known |= {"uid": auth.client_id, "scopes": auth.default_scope}
        names = [name for name in self.singleton.fields if name != "id"]
        return id_, {name: known.get(name) for name in names}

    async def handle(self, request: Request) -> Response:
        try:
            return self._answer(request)
        except ApiError as exc:
            return error_response(exc)

    def _answer(self, request: Request) -> Response:
        self.authority.check(request.headers.get("authorization"))
        if request.method not in READ_METHODS:
            refusal = error(405, None, f"{request.method} is not allowed on {request.url.path}.")
            refusal.headers = {"Allow": ", ".join(READ_METHODS)}
            raise refusal
        accept = request.headers.get("accept")
        if accept and not any(p.split(";")[0].strip().lower() in ACCEPTABLE for p in accept.split(",")):
            raise error(406, "NOT_ACCEPTABLE", f"This API answers {JSON_API}; the request accepts only {accept}.")
        type_ = self.singleton.type
        id_, attributes = self.values()
        for key, value in request.query_params.multi_items():
            if key != f"fields[{type_}]":
                raise error(400, "PARAM_NOT_ALLOWED", f"{key} is not a parameter this endpoint accepts.")
            wanted = {name.strip() for name in value.split(",") if name.strip()}
            unknown = sorted(wanted - set(attributes))
            if unknown:
                raise error(400, "INVALID_FIELD", f"{unknown[0]} is not a valid field for {type_}.")
            attributes = {name: attributes[name] for name in attributes if name in wanted}
        host = request.headers.get("host") or f"{request.url.hostname}:{request.url.port}"
        meta = {
            "mode": "test" if self.authority.test else "live",
            "organization_id": self.authority.organization_id,
            "trace_id": secrets.token_hex(16),
        }
        document = {
            "data": {
                "id": id_,
                "type": type_,
                "links": {"self": f"{request.url.scheme}://{host}/api/{type_}/{id_}"},
                "attributes": attributes,
                "meta": meta,
            }
        }
        return respond(document)
