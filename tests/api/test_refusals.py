"""How a refusal reads to a person: the server's words, and rate limiting as rate limiting with its wait."""

from __future__ import annotations

import json

import httpx

from desktop_app.api import LockedError, RateLimitedError
from desktop_app.api.errors import error_from_response
from desktop_app.api.transport import _refusal


def _body(status: int, code: str, detail: str) -> bytes:
    return json.dumps({"errors": [{"title": code, "detail": detail, "code": code, "status": str(status)}]}).encode()


def test_a_refusal_explains_itself_in_the_server_s_words() -> None:
    locked = error_from_response(423, _body(423, "LOCKED", "Cannot delete record because dependent stock items exist"))
    assert isinstance(locked, LockedError)
    assert locked.explanation == "Cannot delete record because dependent stock items exist"


def test_a_429_says_it_is_rate_limiting_and_how_long_to_wait() -> None:
    hinted = _refusal(httpx.Response(429, headers={"Retry-After": "12"}, content=_body(429, "TOO_MANY", "slow down")))
    assert isinstance(hinted, RateLimitedError) and hinted.wait == 12
    assert "limiting requests" in str(hinted) and "try again in 12 s" in str(hinted)
    windowed = _refusal(httpx.Response(429, headers={"X-Ratelimit-Interval": "60"}, content=b""))
    assert isinstance(windowed, RateLimitedError) and windowed.wait == 60
    windowed.tokens = True
    assert "token requests (30 a minute)" in str(windowed) and "not reachable" not in str(windowed)
