"""One logging filter that keeps secrets and tokens out of every log record.

Handlers get the filter, so records from any library (httpx logs request lines, uvicorn logs access lines) pass
through it. Secrets the program learns at run time (a client secret, an access token) are registered with
:func:`register_secret`; bearer tokens, JWT-shaped strings and ``client_secret`` values are redacted by pattern too.
"""

from __future__ import annotations

import logging
import re
import threading

REDACTED = "[redacted]"
#: Kept as text: ``re`` compiles each at the first record a handler takes and keeps it (compiled at import, they
#: took ~1 ms of the window's start, which logs nothing at the default level).
_PATTERNS = (
    r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?bearer\s+)[^\s'\",}]+",
    r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}",
    r"(?i)(client_secret['\"]?\s*[:=]\s*['\"]?)[^\s'\",}&]+",
    r"(?i)(access_token['\"]?\s*[:=]\s*['\"]?)[^\s'\",}&]+",
    r"()eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*",
)
_secrets: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Redact ``value`` from every later log record (ignored when empty or too short to be a secret)."""
    if value and len(value) >= 4:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = re.sub(pattern, lambda m: m.group(1) + REDACTED, text)
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites a record's message (arguments included) with secrets redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if record.exc_info and record.exc_text is None:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if cleaned != message or record.args:
            record.msg = cleaned
            record.args = None
        return True


_FILTER = RedactingFilter()


def install_redaction(logger: logging.Logger | None = None) -> None:
    """Attach the redacting filter to every handler of ``logger`` (the root logger by default)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
