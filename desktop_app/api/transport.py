"""The HTTP transport of one Commerce Layer organisation: token, rate limits, retries, logging.

Every request goes through :meth:`Transport.request`, so each one waits for its slot in the rate limiter, carries a
fresh token, is retried when that is safe, is logged (without its Authorization header) and turns failures into
the typed exceptions of :mod:`desktop_app.api.errors`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import httpx

from desktop_app.api.auth import Credentials, Token
from desktop_app.api.endpoints import Endpoint
from desktop_app.api.errors import (
    ApiError,
    AuthenticationError,
    NetworkError,
    RateLimitedError,
    ServerError,
    error_from_response,
    parse_error_objects,
)
from desktop_app.api.network import PooledTransport, client_connections
from desktop_app.api.ratelimit import RateLimiter
from desktop_app.api.retry import Backoff, maybe_committed, retry_after, retryable_exception, retryable_status

log = logging.getLogger("desktop_app.api")
JSON_API = "application/vnd.api+json"
_HEADERS = {"Accept": JSON_API, "User-Agent": "Stockroom"}


@dataclass
class ClientStats:
    """Counters a caller (or a benchmark) can read to see what a run cost."""

    requests: int = 0
    retries: int = 0
    throttled_seconds: float = 0.0
    rate_limited_429s: int = 0
    token_requests: int = 0
    token_refreshes: int = 0


class Transport:
    """Sends requests for one endpoint and credential; owns the ``httpx.AsyncClient``."""

    def __init__(
        self,
        endpoint: Endpoint,
        credentials: Credentials,
        *,
        token: Token | None,
        on_token: Callable[[Token], None] | None,
        rate_limits: str,
        max_retries: int,
        timeout: float,
        max_connections: int,
        backoff: Backoff | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.credentials = credentials
        self.token = token
        self.on_token = on_token
        self.max_retries = max(0, max_retries)
        self.backoff = backoff or Backoff()
        self.stats = ClientStats()
        self.limiter = RateLimiter(rate_limits, test=token.test if token else True)
        self._token_lock = asyncio.Lock()
        self._rng = random.Random()
        connections = client_connections(max_connections)
        pooled = connections.get("transport")
        #: GETs skip the client's layer (see ``PooledTransport.get``), unless a proxy is in the way.
        self._pooled = pooled if isinstance(pooled, PooledTransport) else None
        self.http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            **connections,
            headers=_HEADERS,
            follow_redirects=False,
        )

    async def aclose(self) -> None:
        await self.http.aclose()

    # -- tokens ---------------------------------------------------------------------------------------------------

    async def access_token(self) -> str:
        """A token that is not about to expire, asking the token endpoint only when needed (one caller at a time)."""
        token = self.token
        if token is not None and token.fresh():
            return token.access_token
        async with self._token_lock:
            if self.token is not None and self.token.fresh():
                return self.token.access_token
            return (await self.fetch_token()).access_token

    async def sign_in(self) -> Token:
        """A new token now, whatever the current one (checks the credentials)."""
        async with self._token_lock:
            return await self.fetch_token()

    async def renew(self, rejected: str) -> None:
        """Replace a token the server refused, unless another request already did."""
        async with self._token_lock:
            if self.token is None or self.token.access_token == rejected:
                self.stats.token_refreshes += 1
                await self.fetch_token()

    async def fetch_token(self) -> Token:
        """Ask the token endpoint for a new token (``client_credentials``), within its 30-a-minute limit."""
        body = json.dumps(self.credentials.token_request()).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        attempt = 0
        while True:
            wait = self.limiter.reserve_token()
            if wait > 0:
                self.stats.throttled_seconds += wait
                await asyncio.sleep(wait)
            self.stats.token_requests += 1
            started = time.perf_counter()
            try:
                response = await self.http.post(self.endpoint.token_url, content=body, headers=headers)
            except httpx.TransportError as error:
                if attempt < self.max_retries:
                    attempt += 1
                    self.stats.retries += 1
                    await asyncio.sleep(self.backoff.delay(attempt, self._rng))
                    continue
                raise NetworkError(
                    f"no answer from the token endpoint {self.endpoint.token_url}: {_describe(error)}",
                    method="POST",
                    url=self.endpoint.token_url,
                ) from None
            _log_line("POST", self.endpoint.token_url, response.status_code, started)
            status = response.status_code
            if status == 200:
                break
            if (status == 429 or status >= 500) and attempt < self.max_retries:
                attempt += 1
                self.stats.retries += 1
                self.stats.rate_limited_429s += status == 429
                await asyncio.sleep(self._retry_delay(attempt, response))
                continue
            refused = _refusal(response)
            if isinstance(refused, RateLimitedError):
                refused.tokens = True
            if status in (400, 401, 403):
                raise AuthenticationError(status, refused.errors, f"sign-in refused: {refused.message}") from None
            raise refused
        try:
            token = Token.from_response(response.json())
        except ValueError as error:
            raise AuthenticationError(200, parse_error_objects(None, 200), f"sign-in failed: {error}") from None
        self.token = token
        if self.limiter.mode == "auto":
            self.limiter.set_environment(token.test)
        if self.on_token is not None:
            try:
                self.on_token(token)
            except Exception as error:  # storing is a convenience; the request in hand must not fail for it
                log.warning("could not store the new access token: %s", _describe(error))
        return token

    # -- requests -------------------------------------------------------------------------------------------------

    async def request(
        self,
        method: str,
        path: str,
        *,
        limit_type: str,
        params: Mapping[str, str] | None = None,
        document: Any = None,
    ) -> Any:
        """Send one API request and return its decoded JSON body (``None`` for 204).

        A DELETE whose answer was lost and whose retry finds nothing has succeeded. ``limit_type`` is the canonical
        resource type the request counts against in the rate limiter.
        """
        response = await self._exchange(method, path, limit_type=limit_type, params=params, document=document)
        return None if response is None else _decode(response)

    async def request_bytes(
        self, method: str, path: str, *, limit_type: str, params: Mapping[str, str] | None = None
    ) -> bytes:
        """Like :meth:`request`, but the body as received: for a caller that hands the JSON text on as it is
        (the sync writes list pages straight into SQLite) and would only pay to decode and re-encode it."""
        response = await self._exchange(method, path, limit_type=limit_type, params=params, document=None)
        return b"" if response is None else response.content

    async def request_dated(
        self, method: str, path: str, *, limit_type: str, params: Mapping[str, str] | None = None
    ) -> tuple[bytes, str | None]:
        """:meth:`request_bytes` plus the answer's ``Date`` header: the server's clock when it answered, which a
        full sync uses as its high-water mark instead of asking for the newest record first."""
        response = await self._exchange(method, path, limit_type=limit_type, params=params, document=None)
        return (b"", None) if response is None else (response.content, response.headers.get("date"))

    async def _exchange(
        self,
        method: str,
        path: str,
        *,
        limit_type: str,
        params: Mapping[str, str] | None,
        document: Any,
    ) -> httpx.Response | None:
        """The request with its retries, token renewal and rate limiting; the successful response, or ``None``
        for a DELETE that an earlier, unanswered attempt already applied."""
        url = self.endpoint.url(path)
        content = json.dumps(document, separators=(",", ":")).encode() if document is not None else None
        headers = {"Content-Type": JSON_API} if content is not None else {}
        attempt = 0
        renewed = False
        delivered = False  # an earlier attempt may have reached the server and been applied
        while True:
            token = await self.access_token()
            booking = await self.limiter.acquire(method, limit_type)
            self.stats.throttled_seconds += booking.delay if booking else 0.0
            self.stats.requests += 1
            started = time.perf_counter()
            try:
                if self._pooled is not None and method == "GET":
                    sent = {**_HEADERS, "Authorization": f"Bearer {token}"}
                    response = await self._pooled.get(url, params, sent, self.http.timeout)
                else:
                    response = await self.http.request(
                        method,
                        url,
                        params=params,
                        content=content,
                        headers={**headers, "Authorization": f"Bearer {token}"},
                    )
            except httpx.TransportError as error:
                self.limiter.complete(booking)
                _log_failure(method, url, params, error, started)
                delivered = delivered or maybe_committed(method, error)
                if retryable_exception(method, error) and attempt < self.max_retries:
                    attempt += 1
                    self.stats.retries += 1
                    delay = self.backoff.delay(attempt, self._rng)
                    log.debug("%s %s: retry %d of %d in %.2f s", method, url, attempt, self.max_retries, delay)
                    await asyncio.sleep(delay)
                    continue
                committed = maybe_committed(method, error)
                what = "the change may have been applied; " if committed else ""
                raise NetworkError(
                    f"{method} {url}: no answer from the server ({_describe(error)}); {what}giving up after "
                    f"{attempt + 1} attempt{'s' if attempt else ''}",
                    maybe_committed=committed,
                    method=method,
                    url=url,
                ) from None
            self.limiter.complete(booking)
            status = response.status_code
            _log_line(method, url, status, started, params)
            if status < 400:
                self.limiter.observe(method, limit_type, response.headers)
                return response
            if status == 404 and method == "DELETE" and delivered:
                log.debug("DELETE %s: gone after a lost answer, so the earlier attempt deleted it", url)
                return None
            if status == 401 and not renewed and _invalid_token(response):
                renewed = True
                await self.renew(token)
                continue
            if status == 429:
                self.stats.rate_limited_429s += 1
            if retryable_status(method, status) and attempt < self.max_retries:
                attempt += 1
                self.stats.retries += 1
                delay = self._retry_delay(attempt, response)
                if status == 429:
                    self.limiter.refused(method, limit_type, delay)
                log.debug(
                    "%s %s: HTTP %d, retry %d of %d in %.2f s", method, url, status, attempt, self.max_retries, delay
                )
                await asyncio.sleep(delay)
                continue
            raise _refusal(response)

    def _retry_delay(self, attempt: int, response: httpx.Response) -> float:
        if response.status_code == 429:
            delay = self.backoff.refused_delay(attempt, self._rng)
        else:
            delay = self.backoff.delay(attempt, self._rng)
        hinted = retry_after(response.headers.get("retry-after"))
        if hinted is not None:
            return max(delay, hinted)
        if response.status_code == 429:
            # The windows slide: after a refusal wait at least one request's share of the interval.
            interval = float(response.headers.get("x-ratelimit-interval", "0") or 0)
            limit = float(response.headers.get("x-ratelimit-limit", "0") or 0)
            if interval > 0 and limit > 0:
                delay = max(delay, interval / limit)
        return delay


def _refusal(response: httpx.Response) -> ApiError:
    """The typed error of a refused request; a 429 carries how long the server asks us to wait."""
    refused = error_from_response(response.status_code, response.content)
    if isinstance(refused, RateLimitedError):
        hinted = retry_after(response.headers.get("retry-after"))
        interval = response.headers.get("x-ratelimit-interval", "")
        refused.wait = hinted if hinted is not None else float(interval) if interval.isdigit() else None
    return refused


def _invalid_token(response: httpx.Response) -> bool:
    error = error_from_response(response.status_code, response.content)
    return "INVALID_TOKEN" in error.codes


def _decode(response: httpx.Response) -> Any:
    if response.status_code == 204 or not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        raise ServerError(
            response.status_code,
            parse_error_objects(None, response.status_code),
            f"HTTP {response.status_code}: the server's answer is not JSON",
        ) from None


def _describe(error: Exception) -> str:
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _log_line(method: str, url: object, status: int, started: float, params: Mapping[str, str] | None = None) -> None:
    """A request line at DEBUG, with the query readable; nothing is formatted when DEBUG is off (the hot path)."""
    if log.isEnabledFor(logging.DEBUG):
        query = "&".join(f"{k}={v}" for k, v in (params or {}).items())
        shown = unquote(str(url)) + (f"?{query}" if query else "")
        log.debug("%s %s -> %d (%.0f ms)", method, shown, status, (time.perf_counter() - started) * 1000)


def _log_failure(method: str, url: str, params: Mapping[str, str] | None, error: Exception, started: float) -> None:
    if log.isEnabledFor(logging.DEBUG):
        query = "&".join(f"{k}={v}" for k, v in (params or {}).items())
        log.debug(
            "%s %s%s -> %s (%.0f ms)",
            method,
            url,
            f"?{query}" if query else "",
            _describe(error),
            (time.perf_counter() - started) * 1000,
        )


__all__ = ["ApiError", "ClientStats", "RateLimitedError", "Transport"]
