"""Typed failures of the Commerce Layer client.

Every failure the server reports becomes one exception class per status family, carrying Commerce Layer's error
objects, so callers branch on a class (``NotFoundError``, ``ValidationError``) instead of on numbers, and a form
can show a validation message beside the field named by ``source.pointer``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from desktop_app.errors import StockroomError


@dataclass(frozen=True)
class ErrorObject:
    """One entry of a JSON:API ``errors`` array; ``field`` is the attribute or relationship ``pointer`` names."""

    title: str
    detail: str
    code: str
    status: str
    pointer: str | None = None
    field: str | None = None
    meta: Mapping[str, Any] | None = None


def field_from_pointer(pointer: str | None) -> str | None:
    """``/data/attributes/priority`` → ``priority``; ``/data/relationships/sku`` → ``sku``; else ``None``."""
    if not pointer:
        return None
    parts = [p for p in pointer.split("/") if p]
    if len(parts) >= 3 and parts[0] == "data" and parts[1] in ("attributes", "relationships"):
        return parts[2]
    return None


def parse_error_objects(body: Any, status: int) -> list[ErrorObject]:
    """The ``errors`` array of a response body; a body that is not one yields a single generic object."""
    raw = body.get("errors") if isinstance(body, dict) else None
    out: list[ErrorObject] = []
    if isinstance(raw, list):
        for item in raw:
            if not isinstance(item, dict):
                continue
            source = item.get("source")
            pointer = source.get("pointer") if isinstance(source, dict) else None
            pointer = pointer if isinstance(pointer, str) else None
            meta = item.get("meta")
            out.append(
                ErrorObject(
                    title=str(item.get("title") or ""),
                    detail=str(item.get("detail") or item.get("title") or ""),
                    code=str(item.get("code") or ""),
                    status=str(item.get("status") or status),
                    pointer=pointer,
                    field=field_from_pointer(pointer),
                    meta=meta if isinstance(meta, dict) else None,
                )
            )
    if not out:
        out.append(
            ErrorObject(
                title=f"HTTP {status}", detail=f"the server answered HTTP {status}", code="", status=str(status)
            )
        )
    return out


class ApiError(StockroomError):
    """The server answered with an error status; ``errors`` holds its error objects."""

    def __init__(self, status: int, errors: Sequence[ErrorObject], message: str | None = None) -> None:
        self.status = status
        self.errors = list(errors)
        self.message = message or _summary(status, self.errors)
        super().__init__(self.message)

    @property
    def codes(self) -> list[str]:
        return [e.code for e in self.errors]

    @property
    def explanation(self) -> str:
        """The server's own words, without the "HTTP 423:" prefix (what a refusal shows a person)."""
        prefix = f"HTTP {self.status}: "
        return self.message[len(prefix) :] if self.message.startswith(prefix) else self.message

    @property
    def code(self) -> str:
        """The first error object's code (``RECORD_NOT_FOUND``, ``VALIDATION_ERROR`` …)."""
        return self.errors[0].code if self.errors else ""

    @property
    def field(self) -> str | None:
        """The first field any error object names."""
        return next((e.field for e in self.errors if e.field), None)


class BadRequestError(ApiError):
    """400: a filter, sort, include or document the server refused."""


class AuthenticationError(ApiError):
    """401 (or a refused token request): wrong credentials, or a token the server no longer accepts."""


class ForbiddenError(ApiError):
    """403: the credentials' role may not do this."""


class NotFoundError(ApiError):
    """404: no such record (or no such resource path)."""


class ConflictError(ApiError):
    """409: the change violates a uniqueness rule."""


class ValidationError(ApiError):
    """422: the server refused values; ``field_errors`` maps each named field to its message."""

    @property
    def field_errors(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for error in self.errors:
            if error.field and error.field not in out:
                out[error.field] = _field_message(error)
        return out


class LockedError(ApiError):
    """423: the record cannot be deleted because others still refer to it."""


class RateLimitedError(ApiError):
    """429 after every retry: the server kept refusing for too many requests.

    ``wait`` is how long the server asked us to wait (``Retry-After``), or its window's length; ``tokens`` is set
    when it was the token endpoint that refused (Commerce Layer issues 30 tokens a minute)."""

    wait: float | None = None
    tokens: bool = False

    def describe(self) -> str:
        """One line for a person: rate limiting, not an unreachable server, and how long to wait."""
        what = "token requests (30 a minute)" if self.tokens else "requests"
        wait = f"; try again in {round(self.wait)} s" if self.wait else "; try again in a minute"
        return f"the server is limiting {what} and refused this one{wait}"

    def __str__(self) -> str:
        return self.describe()


class ServerError(ApiError):
    """5xx: the server failed; reads were retried before this was raised."""


class NetworkError(StockroomError):
    """No answer from the server (connection refused, dropped, timed out) after the retries.

    ``maybe_committed`` is true when a write was sent and its answer was lost, so the change may have been applied:
    the caller must look the record up rather than send it again.
    """

    def __init__(self, message: str, *, maybe_committed: bool = False, method: str = "", url: str = "") -> None:
        super().__init__(message)
        self.maybe_committed = maybe_committed
        self.method = method
        self.url = url


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    422: ValidationError,
    423: LockedError,
    429: RateLimitedError,
}


def error_class(status: int) -> type[ApiError]:
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return ServerError
    if status in {405, 406, 415}:
        return BadRequestError
    return ApiError


def error_from_response(status: int, content: bytes) -> ApiError:
    """Build the typed exception for an error response body (JSON:API ``errors`` or anything else)."""
    try:
        body = json.loads(content) if content else None
    except (ValueError, UnicodeDecodeError):
        body = None
    return error_class(status)(status, parse_error_objects(body, status))


def _field_message(error: ErrorObject) -> str:
    detail = error.detail
    prefix = f"{error.field} - "
    if error.field and detail.startswith(prefix):
        return detail[len(prefix) :]
    return detail or error.title


def _summary(status: int, errors: Sequence[ErrorObject]) -> str:
    parts = []
    for error in errors:
        text = error.detail or error.title
        if error.field and not text.startswith(error.field):
            text = f"{error.field} - {text}"
        parts.append(text)
    return f"HTTP {status}: " + "; ".join(parts)
