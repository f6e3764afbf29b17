"""Running the sandbox under uvicorn: in the foreground (``stockroom sandbox``) or in a background thread.

We bind the listening socket ourselves and hand it to uvicorn, so ``port=0`` yields a known free port before the
server reports itself ready, and nobody has to parse uvicorn's log to learn the address.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn

from desktop_app.sandbox.app import Sandbox, create_app


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on accepted sockets whose proto says TCP, and without it
    # every response pays a 40 ms delayed-ACK stall between its header and body writes.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def make_server(app: Sandbox, access_log: bool = False) -> uvicorn.Server:
    config = uvicorn.Config(
        app,
        http="auto",
        lifespan="off",
        log_level="warning",
        access_log=access_log,
        proxy_headers=False,
        server_header=False,
        timeout_keep_alive=30,
    )
    return uvicorn.Server(config)


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


async def serve(server: uvicorn.Server, sock: socket.socket, on_ready: Callable[[], None]) -> None:
    """Serve until told to stop, calling ``on_ready`` once uvicorn accepts connections."""

    async def announce() -> None:
        while not server.started:
            if server.should_exit:
                return
            await asyncio.sleep(0.01)
        on_ready()

    waiter = asyncio.create_task(announce())
    try:
        await server.serve(sockets=[sock])
    finally:
        waiter.cancel()


@dataclass
class RunningSandbox:
    """A sandbox serving from a daemon thread; ``stop()`` ends it."""

    url: str
    client_id: str
    client_secret: str
    app: Sandbox
    server: uvicorn.Server = field(repr=False)
    thread: threading.Thread = field(repr=False)

    @property
    def api_url(self) -> str:
        return self.url + "/api"

    @property
    def token_url(self) -> str:
        return self.url + "/oauth/token"

    def stop(self, timeout: float = 10) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)

    def __enter__(self) -> RunningSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_background(
    seed: str = "demo",
    port: int = 0,
    rate_limits: str = "off",
    db: str | None = None,
    host: str = "127.0.0.1",
    **options: Any,
) -> RunningSandbox:
    """Start a sandbox on its own event loop in a daemon thread and return once it accepts connections."""
    app = create_app(seed=seed, db=db, rate_limits=rate_limits, **options)
    sock = bind(host, port)
    server = make_server(app)
    ready = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            # An explicit plain loop: under the window, an event-loop policy could otherwise hand this thread a Qt
            # loop, and Qt objects must not live outside the GUI thread.
            with asyncio.Runner(loop_factory=asyncio.SelectorEventLoop) as runner:
                runner.run(serve(server, sock, ready.set))
        except BaseException as exc:  # reported to the caller below
            failure.append(exc)
            ready.set()
        finally:
            sock.close()

    thread = threading.Thread(target=run, name="stockroom-sandbox", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not ready.wait(0.05):
        if time.monotonic() > deadline or not thread.is_alive():
            break
    if failure or not server.started:
        server.should_exit = True
        raise RuntimeError(f"the sandbox did not start: {failure[0] if failure else 'timed out'}")
    auth = app.authority
    return RunningSandbox(url_of(sock), auth.client_id, auth.client_secret, app, server, thread)
