"""The asyncio Commerce Layer client (no Qt): endpoints, tokens, JSON:API records, rate limits, retries, errors.

The public names load on first use (PEP 562): reading a profile's endpoint must not pull in httpx, so the window
can paint from the cache before the network stack is imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop_app.lazy import lazy_exports

if TYPE_CHECKING:
    from desktop_app.api.auth import Credentials, Token, decode_jwt_payload
    from desktop_app.api.client import DIALECTS, CommerceLayerClient
    from desktop_app.api.endpoints import Endpoint, is_loopback
    from desktop_app.api.errors import (
        ApiError,
        AuthenticationError,
        BadRequestError,
        ConflictError,
        ErrorObject,
        ForbiddenError,
        LockedError,
        NetworkError,
        NotFoundError,
        RateLimitedError,
        ServerError,
        ValidationError,
    )
    from desktop_app.api.raw import RawPage
    from desktop_app.api.records import Page, Record
    from desktop_app.api.transport import ClientStats

#: Public name → the submodule that defines it.
_WHERE = {
    "Credentials": "auth",
    "Token": "auth",
    "decode_jwt_payload": "auth",
    "DIALECTS": "client",
    "CommerceLayerClient": "client",
    "Endpoint": "endpoints",
    "is_loopback": "endpoints",
    "ApiError": "errors",
    "AuthenticationError": "errors",
    "BadRequestError": "errors",
    "ConflictError": "errors",
    "ErrorObject": "errors",
    "ForbiddenError": "errors",
    "LockedError": "errors",
    "NetworkError": "errors",
    "NotFoundError": "errors",
    "RateLimitedError": "errors",
    "ServerError": "errors",
    "ValidationError": "errors",
    "RawPage": "raw",
    "Page": "records",
    "Record": "records",
    "ClientStats": "transport",
}


__getattr__, __dir__ = lazy_exports(__name__, _WHERE)

__all__ = [
    "DIALECTS",
    "ApiError",
    "AuthenticationError",
    "BadRequestError",
    "ClientStats",
    "CommerceLayerClient",
    "ConflictError",
    "Credentials",
    "Endpoint",
    "ErrorObject",
    "ForbiddenError",
    "LockedError",
    "NetworkError",
    "NotFoundError",
    "Page",
    "RateLimitedError",
    "RawPage",
    "Record",
    "ServerError",
    "Token",
    "ValidationError",
    "decode_jwt_payload",
    "is_loopback",
]
