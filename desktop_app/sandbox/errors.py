"""Commerce Layer's error documents, raised from anywhere in the sandbox and rendered in one place.

Every refusal travels as :class:`ApiError` so the shape (``errors[]`` with a string ``status``) is built once and a
handler can collect several validation problems before answering, as Rails-backed Commerce Layer does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

#: Titles Commerce Layer uses for the statuses the sandbox produces.
TITLES = {
    400: "Bad request",
    401: "Invalid token",
    404: "Record not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Record not unique",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Unprocessable entity",
    423: "Locked",
    429: "Too many requests",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway timeout",
}

#: Every code Commerce Layer's error objects carry, as its own clients list them (``CodeErrorType`` of
#: ``@commercelayer/react-components``; ``API-NOTES.md`` §5). The sandbox answers with no other: a client that
#: switches on ``code`` must meet here only what it meets in production.
COMMERCE_LAYER_CODES = frozenset(
    {
        "FILTER_NOT_ALLOWED", "FORBIDDEN", "INTERNAL_SERVER_ERROR", "INVALID_DATA_FORMAT", "INVALID_FIELD",
        "INVALID_FIELD_FORMAT", "INVALID_FIELD_VALUE", "INVALID_FILTERS_SYNTAX", "INVALID_FILTER_VALUE",
        "INVALID_INCLUDE", "INVALID_LINKS_OBJECT", "INVALID_PAGE_OBJECT", "INVALID_PAGE_VALUE", "INVALID_RESOURCE",
        "INVALID_RESOURCE_ID", "INVALID_SORT_CRITERIA", "INVALID_TOKEN", "KEY_NOT_INCLUDED_IN_URL",
        "KEY_ORDER_MISMATCH", "LOCKED", "NOT_ACCEPTABLE", "OUT_OF_STOCK", "PARAM_MISSING", "PARAM_NOT_ALLOWED",
        "RECORD_NOT_FOUND", "RELATION_EXISTS", "SAVE_FAILED", "TYPE_MISMATCH", "UNAUTHORIZED",
        "UNSUPPORTED_MEDIA_TYPE", "VALIDATION_ERROR",
    }
)  # fmt: skip

#: The code a bare status carries when nothing more specific is known (faults, the router). Commerce Layer
#: documents the statuses 405, 409, 413 and 429 but no code of their own (none is in its list), so each carries
#: the listed code nearest its meaning: a method the API has disabled, or a client over its rate, is
#: ``FORBIDDEN`` (the request will not be carried out as sent); a body too large is ``INVALID_DATA_FORMAT``; a
#: unique constraint is a ``VALIDATION_ERROR``, as Rails reports it before the database would.
CODES = {
    400: "INVALID_DATA_FORMAT",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "RECORD_NOT_FOUND",
    405: "FORBIDDEN",
    406: "NOT_ACCEPTABLE",
    409: "VALIDATION_ERROR",
    413: "INVALID_DATA_FORMAT",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_ERROR",
    423: "LOCKED",
    429: "FORBIDDEN",
    500: "INTERNAL_SERVER_ERROR",
}


def code_for(status: int) -> str:
    """:data:`CODES`' code of ``status``; any other server fault is an ``INTERNAL_SERVER_ERROR``, any other
    refusal ``FORBIDDEN``."""
    return CODES.get(status) or ("INTERNAL_SERVER_ERROR" if status >= 500 else "FORBIDDEN")


@dataclass
class ErrorObject:
    """One entry of ``errors[]``."""

    status: int
    code: str
    title: str
    detail: str
    pointer: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "title": self.title,
            "detail": self.detail,
            "code": self.code,
            "status": str(self.status),
        }
        if self.pointer is not None:
            out["source"] = {"pointer": self.pointer}
        out["meta"] = self.meta
        return out


class ApiError(Exception):
    """A refusal the client sees as a Commerce Layer error document; ``errors`` share ``status``."""

    def __init__(self, errors: list[ErrorObject], headers: dict[str, str] | None = None) -> None:
        super().__init__(errors[0].detail if errors else "error")
        self.errors = errors
        self.status = errors[0].status if errors else 500
        self.headers = headers or {}

    def document(self) -> dict[str, Any]:
        return {"errors": [e.to_json() for e in self.errors]}


def error(status: int, code: str | None = None, detail: str = "", title: str | None = None, **extra: Any) -> ApiError:
    """A one-entry :class:`ApiError`; ``pointer`` and ``meta`` may be passed as keywords."""
    return ApiError(
        [
            ErrorObject(
                status=status,
                code=code or code_for(status),
                title=title or TITLES.get(status, "Error"),
                detail=detail or title or TITLES.get(status, "Error"),
                pointer=extra.get("pointer"),
                meta=extra.get("meta") or {},
            )
        ]
    )


def shown(value: Any) -> str:
    """A client's value as a message quotes it: text as written, anything else as JSON (never a Python repr such
    as ``[None, 1]`` or ``True``, which means nothing to a client in another language)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def not_found(type_: str, id_: str) -> ApiError:
    return error(
        404,
        "RECORD_NOT_FOUND",
        "The requested resource was not found. Please double-check the resource id.",
        meta={"type": type_, "id": id_},
    )


def unknown_path(path: str) -> ApiError:
    """A path this API has no route for, refused with Commerce Layer's 404 code (after the token was checked)."""
    return error(404, "RECORD_NOT_FOUND", f"{path} is not a path of this API.", "Not found")


def invalid_token() -> ApiError:
    return error(401, "INVALID_TOKEN", "The access token you provided is invalid.", "Invalid token")


def field_problem(name: str, message: str, kind: str, pointer: str, value: Any = None) -> ErrorObject:
    """A 422 entry in Rails' words: title is the message, detail ``"<field> - <message>"``."""
    meta: dict[str, Any] = {"error": kind}
    if value is not None:
        meta["value"] = value
    return ErrorObject(422, "VALIDATION_ERROR", message, f"{name} - {message}", pointer, meta)
