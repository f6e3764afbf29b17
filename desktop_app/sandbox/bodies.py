"""Reading JSON that a client sent (request bodies, ``metadata_jcont`` filter values) without ever failing with a 500.

Python's parser accepts things the sandbox cannot store or print back: lone surrogates (``"\\ud800"``, which no
UTF-8 document can carry, so every later page holding the value would fail), ``NaN`` and ``Infinity`` (not JSON),
numbers of thousands of digits (refused by ``int()`` itself) and nesting deep enough to exhaust the interpreter's
stack when the value is printed or matched. Commerce Layer parses with Ruby's JSON, whose default ``max_nesting``
is 100, and answers a body it cannot parse with a 400; so does the sandbox, naming what is wrong and, for a bad
string, where it is (a JSON pointer). Bodies above :data:`MAX_BODY_BYTES` are refused with a 413 before they are
read whole.
"""

from __future__ import annotations

import json
from typing import Any

from desktop_app.sandbox.errors import ApiError, error

#: Ruby's ``JSON.parse`` default ``max_nesting``, which Commerce Layer's Rails stack inherits.
MAX_NESTING = 100
#: The largest request body the sandbox reads: far above any single-record JSON:API document.
MAX_BODY_BYTES = 1024 * 1024


class BadJson(ValueError):
    """Why a JSON text cannot be accepted, and where (a JSON pointer, empty for the whole text)."""

    def __init__(self, message: str, pointer: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.pointer = pointer


def _no_constant(name: str) -> Any:
    raise BadJson(f"holds {name}, which is not a JSON number")


def _finite(text: str) -> float:
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise BadJson("holds a number too large to represent")
    return number


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def _has_surrogate(text: str) -> bool:
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _check(value: Any) -> None:
    """Depth and text of a parsed value, walked without recursion (the value may be nearly as deep as the stack)."""
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        item, pointer, depth = stack.pop()
        if isinstance(item, str):
            if _has_surrogate(item):
                raise BadJson("is not valid Unicode text (it holds a lone surrogate)", pointer)
            continue
        if not isinstance(item, dict | list):
            continue
        if depth >= MAX_NESTING:
            raise BadJson(f"nests deeper than {MAX_NESTING} levels", pointer)
        pairs = item.items() if isinstance(item, dict) else enumerate(item)
        for key, child in pairs:
            if isinstance(key, str) and _has_surrogate(key):
                raise BadJson("has a key that is not valid Unicode text (it holds a lone surrogate)", pointer)
            stack.append((child, f"{pointer}/{_escape(str(key))}", depth + 1))


def parse_json(raw: bytes | str) -> Any:
    """The value of a JSON text, or :class:`BadJson` saying why the sandbox will not take it."""
    try:
        value = json.loads(raw, parse_constant=_no_constant, parse_float=_finite)
    except BadJson:
        raise
    except RecursionError:
        raise BadJson(f"nests deeper than {MAX_NESTING} levels") from None
    except json.JSONDecodeError as exc:
        raise BadJson(f"is not valid JSON ({exc.msg} at character {exc.pos})") from None
    except UnicodeDecodeError:
        raise BadJson("is not valid UTF-8") from None
    except ValueError:
        # int() refuses integers of more than 4,300 digits (CPython's guard against quadratic conversion).
        raise BadJson("holds a number with too many digits") from None
    _check(value)
    return value


def read_body(raw: bytes) -> Any:
    """A request body as JSON (an empty body is ``null``), or a 400 ``INVALID_DATA_FORMAT`` naming the problem."""
    try:
        return parse_json(raw or b"null")
    except BadJson as exc:
        detail = f"The value at {exc.pointer} {exc.message}." if exc.pointer else f"The request body {exc.message}."
        raise error(400, "INVALID_DATA_FORMAT", detail, "Invalid data format", pointer=exc.pointer or None) from None


def too_large() -> ApiError:
    return error(
        413,
        None,
        f"The request body is larger than {MAX_BODY_BYTES:,} bytes.",
        "Payload too large",
    )
