"""The client's sockets (``api.network``): kept-alive connections reused, a connection the server closed while
idle replaced, silences and refusals turned into httpx's errors, which the transport's retries know; GETs sent on
the pool directly, unless a proxy is configured."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest

from desktop_app.api.network import AsyncioBackend, pooled_transport
from tests.sandbox.tls import make_certificate

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def _serve(handler: Handler) -> AsyncIterator[str]:
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.close()


async def _answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, body: bytes, *, close: bool) -> None:
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
    await writer.drain()
    if close:
        writer.close()


@pytest.mark.asyncio
async def test_connections_are_kept_alive_and_reused() -> None:
    accepted: list[int] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(1)
        for _ in range(3):
            await _answer(reader, writer, b"page", close=False)

    async for url in _serve(handler):
        async with httpx.AsyncClient(transport=pooled_transport(2)) as http:
            bodies = [(await http.get(url)).content for _ in range(3)]
    assert bodies == [b"page"] * 3
    assert len(accepted) == 1


@pytest.mark.asyncio
async def test_a_connection_the_server_closed_while_idle_is_replaced() -> None:
    accepted: list[int] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(1)
        await _answer(reader, writer, b"once", close=True)

    async for url in _serve(handler):
        async with httpx.AsyncClient(transport=pooled_transport(1)) as http:
            first = await http.get(url)
            await asyncio.sleep(0.05)  # the close reaches the client's loop
            second = await http.get(url)
    assert (first.content, second.content) == (b"once", b"once")
    assert len(accepted) == 2


@pytest.mark.asyncio
async def test_silence_and_refusal_are_httpx_errors() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(5)

    async for url in _serve(silent):
        async with httpx.AsyncClient(transport=pooled_transport(1), timeout=0.2) as http:
            with pytest.raises(httpx.ReadTimeout):
                await http.get(url)
    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    async with httpx.AsyncClient(transport=pooled_transport(1)) as http:
        with pytest.raises(httpx.ConnectError):
            await http.get(f"http://127.0.0.1:{port}/")


@pytest.mark.asyncio
async def test_unix_sockets_are_refused_by_name() -> None:
    import httpcore

    with pytest.raises(httpcore.ConnectError, match="TCP only"):
        await AsyncioBackend().connect_unix_socket("/tmp/nowhere")


@pytest.mark.asyncio
async def test_a_proxy_named_by_the_environment_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """A transport given to httpx turns its proxies from the environment off: with ``HTTP_PROXY`` set, the client
    keeps httpx's own transports and its requests go through the proxy."""
    from desktop_app.api.network import client_connections

    lines: list[bytes] = []

    async def proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        lines.append((await reader.readuntil(b"\r\n\r\n")).split(b"\r\n", 1)[0])
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nvia proxy")
        await writer.drain()
        writer.close()

    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert "transport" in client_connections(2), "no proxy: Stockroom's own transport"
    async for url in _serve(proxy):
        monkeypatch.setenv("HTTP_PROXY", url)
        async with httpx.AsyncClient(**client_connections(2)) as client:
            answer = await client.get("http://stockroom.invalid/api/skus")
        assert answer.text == "via proxy"
        assert lines == [b"GET http://stockroom.invalid/api/skus HTTP/1.1"]


@pytest.mark.asyncio
async def test_tls_is_verified(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """HTTPS through the asyncio streams: a server whose certificate the client trusts answers; the same server is
    refused when its certificate is not trusted (verification is on, as with httpx's own transport)."""
    certificate = make_certificate(tmp_path, ["localhost"])
    cert_file = certificate.cert_path
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert_file, certificate.key_path)

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, ssl.SSLError, asyncio.IncompleteReadError):
            await _answer(reader, writer, b"secure", close=True)

    server = await asyncio.start_server(handler, "127.0.0.1", 0, ssl=server_context)
    url = f"https://localhost:{server.sockets[0].getsockname()[1]}/"
    try:
        monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))
        async with httpx.AsyncClient(transport=pooled_transport(2)) as client:
            assert (await client.get(url)).text == "secure"
        monkeypatch.delenv("SSL_CERT_FILE")
        async with httpx.AsyncClient(transport=pooled_transport(2)) as client:
            with pytest.raises(httpx.ConnectError, match=r"CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
                await client.get(url)
    finally:
        server.close()


@pytest.mark.asyncio
async def test_a_direct_get_sends_the_query_and_headers_and_undoes_gzip() -> None:
    import gzip

    seen: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(await reader.readuntil(b"\r\n\r\n"))
        body = gzip.compress(b'{"data": []}')
        head = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nDate: Sun, 06 Dec 2026 21:00:00 GMT\r\n"
        writer.write(head + b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()

    async for url in _serve(handler):
        transport = pooled_transport(1)
        async with httpx.AsyncClient(transport=transport):
            answer = await transport.get(
                url + "api/skus", {"page[number]": "2"}, {"Authorization": "Bearer t"}, httpx.Timeout(5)
            )
    assert answer.status_code == 200
    assert answer.content == b'{"data": []}'
    assert answer.headers["date"] == "Sun, 06 Dec 2026 21:00:00 GMT"
    request = seen[0].decode()
    assert request.startswith("GET /api/skus?page%5Bnumber%5D=2 HTTP/1.1\r\n")
    assert "Authorization: Bearer t\r\n" in request and "Host: 127.0.0.1:" in request


@pytest.mark.asyncio
async def test_a_direct_get_fails_with_httpx_errors() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(5)

    async for url in _serve(silent):
        transport = pooled_transport(1)
        async with httpx.AsyncClient(transport=transport):
            with pytest.raises(httpx.ReadTimeout):
                await transport.get(url, None, {}, httpx.Timeout(0.2))
    async for url in _serve(silent):
        closed = url
    transport = pooled_transport(1)
    async with httpx.AsyncClient(transport=transport):
        with pytest.raises(httpx.ConnectError):
            await transport.get(closed, None, {}, httpx.Timeout(1))
        with pytest.raises(ValueError, match="not a URL"):
            await transport.get(closed + "?page=1", None, {}, httpx.Timeout(1))


@pytest.mark.asyncio
async def test_gets_go_through_the_client_when_the_environment_names_a_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.api import CommerceLayerClient, Credentials, Endpoint

    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    direct = CommerceLayerClient(Endpoint.for_organization("acme"), Credentials("id", "secret"))
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.com:3128")
    proxied = CommerceLayerClient(Endpoint.for_organization("acme"), Credentials("id", "secret"))
    try:
        assert direct._transport._pooled is not None
        assert proxied._transport._pooled is None
    finally:
        await direct.aclose()
        await proxied.aclose()


def test_the_transport_reads_the_ca_bundle_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each SSL context reads the whole CA bundle (40-80 ms on the event loop's thread as a sync starts in the
    window): httpx's pool and the pool that replaces it share one."""
    made: list[object] = []
    real = httpx.create_ssl_context

    def counted(*args: object, **kwargs: object) -> object:
        context = real(*args, **kwargs)  # type: ignore[arg-type]
        if kwargs.get("verify", args[0] if args else True) is True:  # a new context, the bundle read
            made.append(context)
        return context

    monkeypatch.setattr(httpx, "create_ssl_context", counted)
    monkeypatch.setattr("httpx._transports.default.create_ssl_context", counted)
    transport = pooled_transport(2)
    assert len(made) == 1
    assert transport._pool._ssl_context is made[0]  # type: ignore[attr-defined]


def test_the_parts_of_urls_are_kept_for_a_few_hundred_urls_at_most() -> None:
    """A listing's URL is split once and kept; GETs of one record each have a URL of their own (a session of edits
    and conflicts fetches thousands): those are not all kept."""
    from desktop_app.api.network import ORIGINS_KEPT

    transport = pooled_transport(2)
    listing = transport._origin("https://acme.commercelayer.io/api/stock_items")
    assert listing == (b"https", b"acme.commercelayer.io", None, b"/api/stock_items", b"acme.commercelayer.io")
    for number in range(ORIGINS_KEPT * 3):
        transport._origin(f"https://acme.commercelayer.io/api/stock_items/item{number}")
    assert len(transport._origins) <= ORIGINS_KEPT
    assert transport._origin("http://127.0.0.1:8080/api/skus")[2:4] == (8080, b"/api/skus")
