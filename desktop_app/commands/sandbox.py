"""``stockroom sandbox``: run the local Commerce Layer stand-in until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import re
import signal
import sqlite3
import sys
from typing import Any

from desktop_app.errors import UsageError

SEED_FORM = re.compile(r"^(demo|empty|bench:\d+)$")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sandbox",
        help="run a local server that behaves like Commerce Layer's inventory API",
        description="Serve the inventory API on this machine with demo data, for trying Stockroom and for tests.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default 0: any free port)")
    parser.add_argument("--db", help="SQLite file to keep the data in (default: in memory)")
    parser.add_argument("--seed", default="demo", help="demo, empty or bench:N (default demo)")
    parser.add_argument("--rate-limits", choices=("off", "test", "live"), default="off", help="enforce rate limits")
    parser.add_argument("--client-id", help="client id to accept (default stockroom-demo)")
    parser.add_argument("--client-secret", help="client secret to accept (default stockroom-demo-secret)")
    parser.add_argument("--access-log", action="store_true", help="log every request on standard error")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from desktop_app.sandbox.app import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, create_app
    from desktop_app.sandbox.server import bind, make_server, serve, url_of

    if not SEED_FORM.match(args.seed):
        raise UsageError(f"--seed must be demo, empty or bench:N, not {args.seed!r}")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, not {args.port}")
    client_id = args.client_id or DEFAULT_CLIENT_ID
    client_secret = args.client_secret or DEFAULT_CLIENT_SECRET
    try:
        app = create_app(
            seed=args.seed, db=args.db, rate_limits=args.rate_limits, client_id=client_id, client_secret=client_secret
        )
        sock = bind(args.host, args.port)
    except sqlite3.Error as exc:
        raise UsageError(f"cannot use --db {args.db}: {exc}") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot start the sandbox: {exc}") from None
    server = make_server(app, access_log=args.access_log)

    def ready() -> None:
        print(f"Sandbox listening on {url_of(sock)}", flush=True)
        print(f"client_id: {client_id}", flush=True)
        print(f"client_secret: {client_secret}", flush=True)

    # uvicorn shuts down gracefully on SIGTERM and then re-raises the signal to the handler that was installed
    # before it; a no-op handler here makes "stopped on request" exit 0 instead of dying by the signal.
    previous = signal.signal(signal.SIGTERM, lambda _signum, _frame: None)
    try:
        asyncio.run(serve(server, sock, ready))
    finally:
        sock.close()
        signal.signal(signal.SIGTERM, previous)
    sys.stdout.flush()
    return 0
