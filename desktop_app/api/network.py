"""The sockets under the HTTP client: asyncio's own streams, not anyio's.

httpx reaches its sockets through httpcore, which on asyncio goes through anyio by default. A full sync is a long
run of small GETs on a few kept-alive connections, and anyio's layer cost more processor time than the HTTP itself:
a cancel scope per read and write, and before every request the connection pool asks each idle connection whether
the server closed it, which anyio answers by building a dictionary of every attribute of the socket (and asking the
kernel for its peer's address) to read one. On a two-core machine the sync shares its processor with the server it
lists, so that time came off both. This backend does the same with asyncio's streams directly, and GETs (every
page of a listing) skip httpx's client layer too (:meth:`PooledTransport.get`).
"""

# httpcore's interface passes each timeout as an argument (ASYNC109 would have it be the caller's scope).
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import select
import socket
import ssl
import urllib.request
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpcore
import httpx
from httpcore import AsyncNetworkBackend, AsyncNetworkStream

#: What httpcore passes to set on a new socket: ``(level, option, value)``.
SocketOption = tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]


class AsyncioStream(AsyncNetworkStream):
    """One TCP (or TLS) connection as httpcore sees it."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._socket: socket.socket | None = writer.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            async with asyncio.timeout(timeout):
                return await self._reader.read(max_bytes)
        except TimeoutError:
            raise httpcore.ReadTimeout("timed out reading from the server") from None
        except (OSError, ssl.SSLError) as error:
            raise httpcore.ReadError(str(error) or type(error).__name__) from error

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        try:
            async with asyncio.timeout(timeout):
                self._writer.write(buffer)
                await self._writer.drain()
        except TimeoutError:
            raise httpcore.WriteTimeout("timed out writing to the server") from None
        except (OSError, ssl.SSLError) as error:
            raise httpcore.WriteError(str(error) or type(error).__name__) from error

    async def aclose(self) -> None:
        self._writer.close()
        with contextlib.suppress(OSError, ssl.SSLError):  # a connection the server already dropped
            await self._writer.wait_closed()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                await self._writer.start_tls(ssl_context, server_hostname=server_hostname)
        except TimeoutError:
            await self.aclose()
            raise httpcore.ConnectTimeout("timed out in the TLS handshake") from None
        except (OSError, ssl.SSLError) as error:
            await self.aclose()
            raise httpcore.ConnectError(str(error) or type(error).__name__) from error
        return self

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            # An idle kept-alive connection is readable only when the server closed it (or sent what it should
            # not have): what asyncio already read, or what waits in the socket.
            return self._reader.at_eof() or _readable(self._socket)
        if info == "ssl_object":
            return self._writer.get_extra_info("ssl_object")
        if info == "client_addr":
            return self._writer.get_extra_info("sockname")
        if info == "server_addr":
            return self._writer.get_extra_info("peername")
        if info == "socket":
            return self._socket
        return None


class AsyncioBackend(AsyncNetworkBackend):
    """httpcore's network backend on asyncio's streams (see the module's notes)."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host, port, local_addr=(local_address, 0) if local_address else None
                )
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"timed out connecting to {host}:{port}") from None
        except OSError as error:
            raise httpcore.ConnectError(str(error) or type(error).__name__) from error
        sock = writer.get_extra_info("socket")
        for option in socket_options or ():
            sock.setsockopt(*option)
        return AsyncioStream(reader, writer)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[SocketOption] | None = None
    ) -> AsyncNetworkStream:
        raise httpcore.ConnectError("Stockroom connects over TCP only")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def _readable(sock: socket.socket | None) -> bool:
    if sock is None:
        return True
    poller = select.poll()
    poller.register(sock.fileno(), select.POLLIN)
    return bool(poller.poll(0))


#: URLs whose parts :meth:`PooledTransport._origin` keeps (a listing's handful, and some GETs of one record).
ORIGINS_KEPT = 256


class PooledTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport (its request and response handling, its errors) over a connection pool on
    :class:`AsyncioBackend`: httpx offers no argument for the backend, so the pool it made is replaced by the same
    pool on this one.

    :meth:`get` sends a GET on that pool without httpx's client around it: a full sync is thousands of GETs, and
    the client's work for each (parsing the URL twice, merging the query, cookies, auth and redirect hooks, the
    events) cost about as much again as the HTTP exchange itself (1.5 against 0.9 ms of processor a page of 25
    stock items on this machine)."""

    def __init__(self, max_connections: int) -> None:
        limits = _limits(max_connections)
        # One context for both pools: each reads the whole CA bundle (40-80 ms on the event loop's thread, as a
        # sync starts in the window).
        context = httpx.create_ssl_context()  # verified, as httpx's default
        super().__init__(verify=context, limits=limits)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=AsyncioBackend(),
        )
        self._origins: dict[str, tuple[bytes, bytes, int | None, bytes, bytes]] = {}

    async def get(
        self, url: str, params: Mapping[str, str] | None, headers: Mapping[str, str], timeout: httpx.Timeout
    ) -> httpx.Response:
        """GET ``url`` with ``params`` as its query, on the same connections as the client's other requests.
        Only for URLs the client would send through this transport itself (no proxy: see ``client_connections``); the
        answer is read whole and its ``gzip`` undone, as the client does, and failures raise httpx's errors."""
        scheme, host, port, path, host_header = self._origin(url)
        target = path + (b"?" + urlencode(params).encode() if params else b"")
        sent = [(b"Host", host_header), (b"Accept-Encoding", b"gzip")]
        sent += [(name.encode(), value.encode()) for name, value in headers.items()]
        request = httpcore.Request(
            b"GET",
            httpcore.URL(scheme=scheme, host=host, port=port, target=target),
            headers=sent,
            extensions={"timeout": timeout.as_dict()},
        )
        try:
            answer = await self._pool.handle_async_request(request)
            try:
                body = await answer.aread()
            finally:
                await answer.aclose()
        except _HTTPCORE_ERRORS as error:
            raise _httpx_error(error) from None
        return httpx.Response(answer.status, headers=answer.headers, content=body)

    def _origin(self, url: str) -> tuple[bytes, bytes, int | None, bytes, bytes]:
        """Scheme, host, port, path and Host header of ``url`` (an API path: a handful per client, kept)."""
        known = self._origins.get(url)
        if known is None:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
                raise ValueError(f"not a URL to GET directly: {url!r}")
            known = (
                parts.scheme.encode(),
                parts.hostname.encode("idna"),
                parts.port,
                (parts.path or "/").encode(),
                parts.netloc.encode("idna"),
            )
            if len(self._origins) >= ORIGINS_KEPT:  # a record's own URL per GET by id: kept few, not all
                self._origins.clear()
            self._origins[url] = known
        return known


_HTTPCORE_ERRORS = (
    httpcore.TimeoutException,
    httpcore.NetworkError,
    httpcore.ProtocolError,
    httpcore.UnsupportedProtocol,
)


def _httpx_error(error: Exception) -> httpx.TransportError:
    """httpx's error of the same name as httpcore's (the client maps them so; the retries read httpx's)."""
    for kind in type(error).__mro__:
        mapped = getattr(httpx, kind.__name__, None)
        if isinstance(mapped, type) and issubclass(mapped, httpx.TransportError):
            return mapped(str(error))
    return httpx.TransportError(str(error))


def _limits(max_connections: int) -> httpx.Limits:
    """Up to ``max_connections`` connections, all of them kept alive between requests."""
    return httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)


def pooled_transport(max_connections: int) -> PooledTransport:
    """The transport of Stockroom's HTTP client: up to ``max_connections`` kept-alive connections."""
    return PooledTransport(max_connections)


def client_connections(max_connections: int) -> dict[str, Any]:
    """The connection arguments of Stockroom's ``httpx.AsyncClient``: :func:`pooled_transport`, unless the
    environment names a proxy (``HTTPS_PROXY``, ``ALL_PROXY``, ...; read as httpx reads it). A transport given to the
    client turns httpx's proxies from the environment off, and a warehouse's network may only reach the internet
    through one: then httpx's own transports, which go through it (and honour ``NO_PROXY``)."""
    if any(scheme != "no" for scheme in urllib.request.getproxies()):
        return {"limits": _limits(max_connections)}
    return {"transport": pooled_transport(max_connections)}
