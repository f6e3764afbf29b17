"""The asyncio Commerce Layer client (no Qt): endpoints, tokens, JSON:API records, rate limits, retries, errors."""

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
from desktop_app.api.records import Page, Record
from desktop_app.api.session import ClientStats

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
    "Record",
    "ServerError",
    "Token",
    "ValidationError",
    "decode_jwt_payload",
    "is_loopback",
]
