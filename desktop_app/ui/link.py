"""The window's line to its organisation's server: one client, and the profile's secret read from the keyring once.

The window paints from the cache before the keyring is asked (it takes ~0.1 s, or waits behind an unlock prompt);
the first request after that reads the secret in a thread, without freezing the window, and every caller waiting for
it shares that one read. A keyring that gives nothing leaves the link offline from then on, with the reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from desktop_app.connection import Connection
from desktop_app.errors import StockroomError

if TYPE_CHECKING:
    import asyncio

    from desktop_app.api import CommerceLayerClient, Token

log = logging.getLogger(__name__)


class Link:
    """``on_token`` hears every token the server issues; ``on_refused(reason)`` hears once that the keyring gave no
    secret (the link is offline from then on)."""

    def __init__(
        self,
        connection: Connection,
        *,
        offline: bool,
        on_token: Callable[[Token], None],
        on_refused: Callable[[str], None],
    ) -> None:
        self.connection = connection
        # A profile opened without its secret reads it from the keyring with its first request (see ready).
        self.forced_offline = offline or (connection.credentials is None and not connection.can_load_secret)
        #: Why the link is offline when it was not asked to be (the keyring did not give the secret).
        self.offline_reason: str | None = None
        self._on_token = on_token
        self._on_refused = on_refused
        self._client: CommerceLayerClient | None = None
        self._unlocking: asyncio.Future[bool] | None = None

    def client(self) -> CommerceLayerClient:
        """The one client (one connection pool per organisation); closed by :meth:`aclose`."""
        if self.connection.credentials is None:
            from desktop_app.api import NetworkError  # the HTTP stack loads with the first request, not before

            raise NetworkError("working offline: no credentials for this session")
        if self._client is None:
            self._client = self.connection.client(on_token=self._on_token)
        return self._client

    async def ready_client(self) -> CommerceLayerClient:
        """:meth:`client`, once the profile's secret has been read; ``NetworkError`` when working offline."""
        if not await self.ready():
            from desktop_app.api import NetworkError  # as in client()

            raise NetworkError("working offline: no client secret for this session")
        return self.client()

    async def ready(self) -> bool:
        """The profile's secret, read on first need; ``False`` (and offline from then on) when the keyring cannot
        give it. One read serves every caller."""
        import asyncio  # loads after the first frame (boot/plan.py); the link is made before

        if self.connection.credentials is not None:
            return True
        if self.forced_offline or not self.connection.can_load_secret:
            return False
        if self._unlocking is None:
            self._unlocking = asyncio.ensure_future(self._read_secret())
        return await asyncio.shield(self._unlocking)

    async def _read_secret(self) -> bool:
        import asyncio  # as in ready()

        try:
            await asyncio.to_thread(self.connection.load_secret)
        except StockroomError as exc:
            log.warning("no client secret for %s: %s", self.connection.name, exc)
            self.offline_reason = str(exc)
            self.forced_offline = True
            self._on_refused(str(exc))
            return False
        return True

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    def close(self) -> None:
        if self._unlocking is not None:
            self._unlocking.cancel()  # a keyring read still running in its thread is left to end unheard
