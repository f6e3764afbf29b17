"""Turning user and wire values into the types a resource description promises.

The same rules serve the sandbox (validating what a client sends), the command line (``--set quantity=12``) and
the edit dialogs, so "priority must be an integer" reads the same everywhere and always names the field.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from desktop_app.schema.errors import FieldError
from desktop_app.schema.model import Field, Resource

#: ASCII digits only: ``\d`` would take ``１２`` and ``١٢``, which ``int()`` reads but no server does. This
#: module's patterns stay text: ``re`` compiles each at its first use and keeps it (compiled at import, the four
#: took ~1 ms of the window's start, which reads no typed text).
_INTEGER_TEXT = r"^[+-]?[0-9]+$"
_FLOAT_TEXT = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
#: Commerce Layer keeps integers in 32-bit columns: a larger value would fail on the server, not here.
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
#: JSON typed into a field (metadata) nests at most this deep; deeper is a mistake or an attack.
MAX_JSON_DEPTH = 32
#: Integers travel as 32-bit PostgreSQL integers on Commerce Layer; text far longer than that is refused before
#: ``int()`` (which raises past 4,300 digits) is asked.
_MAX_DIGITS = 40
#: What Rails casts to a boolean on the wire (ActiveModel's ``Boolean`` type), case aside. Rails also reads any
#: other text as true; that silent guess is refused here, so a typo is an error and not a switch turned on.
_WIRE_BOOLEANS = {"true": True, "t": True, "1": True, "on": True, "false": False, "f": False, "0": False, "off": False}
_TRUE = {"true", "1", "yes", "y", "on", "t"}
_FALSE = {"false", "0", "no", "n", "off", "f"}


def format_datetime(moment: datetime) -> str:
    """Commerce Layer's timestamp form: ``2018-01-01T12:00:00.000Z``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return f"{moment.year:04d}-" + moment.strftime("%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_datetime(text: str) -> datetime:
    """Parse an ISO-8601 timestamp (``Z`` or offset; a bare date means midnight UTC)."""
    cleaned = text.strip()
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    moment = datetime.fromisoformat(cleaned)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 lies before the first representable moment
        raise ValueError(f"{text} is out of range") from None


def coerce(field: Field, value: Any) -> Any:
    """Validate a JSON value for ``field`` and return it in canonical form (``None`` stays ``None``).

    An integer field accepts an integer or a numeric string (the seed pages send ``"priority": "1"``) and yields
    an ``int``; anything else raises :class:`FieldError` naming the field.
    """
    if value is None:
        return None
    name = field.name
    kind = field.type
    if kind == "integer":
        result: Any
        if isinstance(value, bool):
            raise FieldError(name, "must be an integer", "not_an_integer")
        if isinstance(value, int):
            result = value
        elif isinstance(value, float) and value.is_integer():
            result = int(value)
        elif isinstance(value, str) and re.match(_INTEGER_TEXT, value.strip()) and len(value.strip()) <= _MAX_DIGITS:
            result = int(value.strip())
        else:
            raise FieldError(name, "must be an integer", "not_an_integer")
        _check_bounds(field, result)
        return result
    if kind == "float":
        if isinstance(value, bool):
            raise FieldError(name, "must be a number", "not_a_number")
        if isinstance(value, int | float):
            number = float(value)
        elif isinstance(value, str) and re.match(_FLOAT_TEXT, value.strip()):
            number = float(value.strip())
        else:
            raise FieldError(name, "must be a number", "not_a_number")
        if not math.isfinite(number):
            raise FieldError(name, "must be a finite number", "not_a_number")
        return number
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, int | str) and str(value).strip().lower() in _WIRE_BOOLEANS:
            return _WIRE_BOOLEANS[str(value).strip().lower()]
        raise FieldError(name, "must be true or false", "not_a_boolean")
    if kind == "datetime":
        if not isinstance(value, str):
            raise FieldError(name, "must be an ISO-8601 date and time", "invalid_datetime")
        try:
            return format_datetime(parse_datetime(value))
        except ValueError:
            raise FieldError(name, "must be an ISO-8601 date and time", "invalid_datetime") from None
    if kind == "object":
        if not isinstance(value, dict):
            raise FieldError(name, "must be an object", "not_an_object")
        return value
    if kind == "array":
        if not isinstance(value, list):
            raise FieldError(name, "must be an array", "not_an_array")
        return value
    if not isinstance(value, str):
        raise FieldError(name, "must be a string", "not_a_string")
    if field.enum is not None and value not in field.enum:
        raise FieldError(name, "must be one of " + ", ".join(field.enum), "inclusion")
    return value


def _check_bounds(field: Field, value: int) -> None:
    if field.minimum is not None and value < field.minimum:
        raise FieldError(field.name, f"must be greater than or equal to {field.minimum}", "greater_than_or_equal_to")
    if field.maximum is not None and value > field.maximum:
        raise FieldError(field.name, f"must be less than or equal to {field.maximum}", "less_than_or_equal_to")
    if not INT32_MIN <= value <= INT32_MAX:
        raise FieldError(field.name, f"must be between {INT32_MIN:,} and {INT32_MAX:,}", "out_of_range")


def check_attributes(resource: Resource, attributes: Mapping[str, Any], action: str) -> dict[str, Any]:
    """Attributes a client may send on ``action`` ("create" or "update"), each coerced; the first bad one raises
    :class:`FieldError` naming it. The client, the edit path and the sandbox all judge a write by this."""
    return {name: coerce(resource.writable_field(name, action), value) for name, value in attributes.items()}


def parse_text(field: Field, text: str) -> Any:
    """Read what a person typed (command line, dialog, table cell) as a value for ``field``.

    An empty string means "no value" for optional text; objects are JSON (``{"bin": "A3"}``); booleans accept the
    usual words (yes/no, on/off, 1/0). Text that is not valid Unicode (bytes that were not UTF-8 on the command
    line arrive as lone surrogates) and JSON nested deeper than :data:`MAX_JSON_DEPTH` are refused, naming the field.
    """
    _check_text(field, text)
    stripped = text.strip()
    if stripped == "" or stripped.lower() == "null":
        return None
    if field.type == "boolean":
        lowered = stripped.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise FieldError(field.name, "must be true or false", "not_a_boolean")
    if field.type in ("object", "array"):
        try:
            loaded = json.loads(stripped)
        except json.JSONDecodeError:
            raise FieldError(field.name, f"must be JSON ({field.type})", "invalid_json") from None
        except RecursionError:
            loaded = None
        if loaded is None or _depth(loaded) > MAX_JSON_DEPTH:
            raise FieldError(field.name, f"nests deeper than {MAX_JSON_DEPTH} levels", "too_deep")
        _check_strings(field, loaded)
        return coerce(field, loaded)
    if field.type == "string":
        return coerce(field, text)
    return coerce(field, stripped)


def _check_text(field: Field, text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise FieldError(
            field.name, "is not valid text (bytes that are not UTF-8, or a lone surrogate)", "invalid_text"
        ) from None


def _check_strings(field: Field, value: Any) -> None:
    """Every key and string inside a JSON value is valid Unicode (``"\\ud800"`` decodes to a lone surrogate)."""
    if isinstance(value, str):
        _check_text(field, value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(field, key)
            _check_strings(field, item)
    elif isinstance(value, list):
        for item in value:
            _check_strings(field, item)


def _depth(value: Any) -> int:
    """How deep a JSON value nests, counted without recursion (it may be deeper than Python's stack)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_JSON_DEPTH:
                stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def enum_label(value: str) -> str:
    """An enumeration value in words: ``in_transit`` reads "In transit"; codes in capitals (``PDF``) stay."""
    return value.replace("_", " ").capitalize() if value.islower() else value


_UNITS = (("day", 86_400), ("hour", 3_600), ("minute", 60), ("second", 1))


def duration_words(seconds: int | float | None, *, exact: bool = False) -> str:
    """A duration in seconds in words: 3600 reads "1 hour", 86400 "1 day", 5400 "1 hour 30 minutes" (the two
    largest units, so a cutoff reads at a glance; ``exact`` gives every unit, for an editor, so that reading the
    words back with :func:`parse_duration` gives the same seconds); zero reads "None"."""
    if seconds is None:
        return ""
    left = int(seconds)
    if left <= 0:
        return "None" if left == 0 else f"{left:,} seconds"
    parts: list[str] = []
    for unit, size in _UNITS:
        count, left = divmod(left, size)
        if count:
            parts.append(f"{count:,} {unit}{'' if count == 1 else 's'}")
    return " ".join(parts if exact else parts[:2])


_UNIT_WORDS = {
    **dict.fromkeys(("d", "day", "days"), 86_400),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3_600),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1),
}
#: A number as people write it: "1,000" groups thousands; "1,5" is no number here (a decimal comma would be
#: read as fifteen by one reader and one and a half by another).
_GROUPED = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"
_DURATION_PART = rf"(?i)\s*({_GROUPED}(?:\.[0-9]+)?)\s*([a-z]+)\s*(?:,|and\b)?"
_WHOLE_SECONDS = rf"^{_GROUPED}$"
_DURATION_HINT = "must be a duration: seconds (5400) or words (1 hour 30 minutes, 90m, 2 days)"


def parse_duration(field: Field, text: str) -> int | None:
    """A duration typed as a person says it, read as whole seconds: ``5400``, ``1,800``, ``1 hour 30 minutes``,
    ``1h30m``, ``1.5 hours``, ``2 days and 4 hours``; ``None`` (what :func:`duration_words` shows for zero) is zero
    and an empty text no value. The field's own bounds apply, so a negative cutoff is refused naming the field."""
    _check_text(field, text)
    stripped = text.strip()
    if stripped == "" or stripped.lower() == "null":
        return None
    if stripped.lower() in ("none", "no cutoff"):
        return _seconds(field, 0)
    if re.match(_WHOLE_SECONDS, stripped) and len(stripped) <= _MAX_DIGITS:
        return _seconds(field, stripped.replace(",", ""))
    seconds, at = 0.0, 0
    for part in re.finditer(_DURATION_PART, stripped):
        size = _UNIT_WORDS.get(part.group(2).lower())
        if part.start() != at or size is None or len(part.group(1)) > _MAX_DIGITS:
            break
        seconds += float(part.group(1).replace(",", "")) * size  # "1,000 days" as the window writes it
        at = part.end()
    if at == 0 or at != len(stripped):
        raise FieldError(field.name, _DURATION_HINT, "not_a_duration")
    return _seconds(field, round(seconds))


def _seconds(field: Field, value: int | str) -> int:
    """Whole seconds within the field's bounds (a cutoff below zero is refused naming the field)."""
    result: int = coerce(field, value)
    return result


def display(field: Field, value: Any) -> str:
    """A value as a person reads it in a table or an export."""
    if value is None:
        return ""
    if field.enum and isinstance(value, str):
        return enum_label(value)
    if field.type == "boolean":
        return "yes" if value else "no"
    if field.type in ("object", "array"):
        return json.dumps(value, sort_keys=True, separators=(", ", ": "))
    return str(value)
