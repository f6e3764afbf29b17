"""The asyncio Commerce Layer client the window, the command line and the sync engine all use.

Callers speak canonical resource types (``inventory_stock_locations`` for stock levels) and plain Python values; the
client validates against the resource description, speaks whichever stock-level dialect the server answers, keeps
within the rate limits, and streams long listings page by page in order while fetching pages concurrently.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import aclosing
from types import TracebackType
from typing import Any, TypeVar

from desktop_app.api.auth import Credentials, Token
from desktop_app.api.documents import (
    Fields,
    RelationshipInput,
    create_document,
    query_params,
    resource_for,
    update_document,
    wire_type,
)
from desktop_app.api.endpoints import Endpoint
from desktop_app.api.errors import ApiError, NotFoundError, ServerError, parse_error_objects
from desktop_app.api.ratelimit import RateLimiter
from desktop_app.api.raw import RawPage, read_raw_page
from desktop_app.api.records import Page, Record, parse_page, parse_single
from desktop_app.api.retry import Backoff
from desktop_app.api.transport import ClientStats, Transport
from desktop_app.schema import LEGACY_STOCK_LEVELS, STOCK_LEVEL_DIALECTS, STOCK_LEVELS, FieldError, singletons

_T = TypeVar("_T")
PageT = TypeVar("PageT")
log = logging.getLogger("desktop_app.api")
DIALECTS = STOCK_LEVEL_DIALECTS
Sort = str | Sequence[str]
Include = str | Sequence[str]


class CommerceLayerClient:
    """An async context manager around one ``httpx.AsyncClient`` for one organisation and credential.

    ``token`` is a previously stored token (used while fresh); ``dialect`` a remembered stock-levels path;
    ``on_token`` is called with every new token so the caller can store it; ``rate_limits`` is ``auto`` (figures
    from the token's ``test`` claim), ``live``, ``test`` or ``off``; ``concurrency`` bounds parallel page fetches;
    ``backoff`` shapes the waits between retries.
    """

    def __init__(
        self,
        endpoint: Endpoint,
        credentials: Credentials,
        *,
        token: Token | None = None,
        dialect: str | None = None,
        on_token: Callable[[Token], None] | None = None,
        rate_limits: str = "auto",
        max_retries: int = 5,
        timeout: float = 30,
        concurrency: int = 8,
        backoff: Backoff | None = None,
    ) -> None:
        if dialect is not None and dialect not in DIALECTS:
            raise ValueError(f"dialect must be one of {', '.join(DIALECTS)}, not {dialect!r}")
        self.endpoint = endpoint
        self.concurrency = max(1, concurrency)
        self._dialect = dialect
        self._dialect_lock = asyncio.Lock()
        self._singletons: dict[str, Record] = {}
        self._rechecked = False
        self._transport = Transport(
            endpoint,
            credentials,
            token=token,
            on_token=on_token,
            rate_limits=rate_limits,
            max_retries=max_retries,
            timeout=timeout,
            max_connections=self.concurrency + 2,
            backoff=backoff,
        )

    async def __aenter__(self) -> CommerceLayerClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._transport.aclose()

    @property
    def stats(self) -> ClientStats:
        return self._transport.stats

    @property
    def token(self) -> Token | None:
        return self._transport.token

    @property
    def dialect(self) -> str | None:
        """The stock-levels path this server answers, once known (a profile remembers it)."""
        return self._dialect

    @property
    def rate_limiter(self) -> RateLimiter:
        return self._transport.limiter

    async def authenticate(self) -> Token:
        """Ask for a new token now (checks the credentials) and return it."""
        return await self._transport.sign_in()

    async def stock_levels_path(self) -> str:
        """``inventory_stock_locations`` or ``stock_levels``: tried in that order once, then remembered."""
        if self._dialect is not None:
            return self._dialect
        async with self._dialect_lock:
            if self._dialect is None:
                try:
                    await self._transport.request(
                        "GET", STOCK_LEVELS, limit_type=STOCK_LEVELS, params={"page[size]": "1"}
                    )
                    self._dialect = STOCK_LEVELS
                except NotFoundError:
                    self._dialect = LEGACY_STOCK_LEVELS
            return self._dialect

    async def _path(self, canonical: str) -> tuple[str, str | None]:
        """The wire type for ``canonical`` and the dialect (discovered only when stock levels are involved)."""
        if canonical != STOCK_LEVELS:
            return canonical, self._dialect
        dialect = await self.stock_levels_path()
        return wire_type(canonical, dialect), dialect

    async def list_page(
        self,
        type: str,
        *,
        filters: Mapping[str, Any] | None = None,
        sort: Sort | None = None,
        include: Include | None = None,
        fields: Fields | None = None,
        page: int = 1,
        page_size: int = 25,
    ) -> Page:
        """One page of a list (``page`` counts from 1; at most 25 records a page).

        The first stock-level list of a client whose dialect is unknown doubles as the discovery request.
        """
        canonical = resource_for(type).type
        spec: dict[str, Any] = {"filters": filters, "sort": sort, "include": include, "fields": fields}
        # Refuse bad input before any request (the dialect only changes the fieldset key).
        query_params(canonical, page=page, page_size=page_size, **spec)
        if canonical == STOCK_LEVELS and self._dialect is None:
            async with self._dialect_lock:
                if self._dialect is None:
                    params = query_params(
                        canonical, page=page, page_size=page_size, stock_levels_path=STOCK_LEVELS, **spec
                    )
                    try:
                        body = await self._transport.request("GET", STOCK_LEVELS, limit_type=canonical, params=params)
                    except NotFoundError:
                        self._dialect = LEGACY_STOCK_LEVELS
                    else:
                        self._dialect = STOCK_LEVELS
                        return _read(parse_page, body, page)
        path, dialect = await self._path(canonical)
        params = query_params(canonical, page=page, page_size=page_size, stock_levels_path=dialect, **spec)
        try:
            body = await self._transport.request("GET", path, limit_type=canonical, params=params)
        except NotFoundError:
            if canonical != STOCK_LEVELS or self._rechecked:
                raise
            # A remembered dialect the server no longer answers (a list never 404s otherwise): try the other once.
            self._rechecked = True
            other = LEGACY_STOCK_LEVELS if dialect == STOCK_LEVELS else STOCK_LEVELS
            params = query_params(canonical, page=page, page_size=page_size, stock_levels_path=other, **spec)
            body = await self._transport.request("GET", other, limit_type=canonical, params=params)
            log.info("this server answers %s, not %s; using it from now on", other, dialect)
            self._dialect = other
        return _read(parse_page, body, page)

    async def list_all(
        self,
        type: str,
        *,
        filters: Mapping[str, Any] | None = None,
        sort: Sort | None = None,
        include: Include | None = None,
        fields: Fields | None = None,
        page_size: int = 25,
    ) -> AsyncIterator[Page]:
        """Every page in page order: page 1 first (it tells the page count), then the rest fetched concurrently.

        Pages are yielded as soon as they and all earlier ones have arrived; at most ``concurrency`` requests are
        in flight and at most four times that many pages are fetched ahead. Leaving the loop early cancels the rest.
        """
        spec: dict[str, Any] = {"filters": filters, "sort": sort, "include": include, "fields": fields}
        first = await self.list_page(type, page=1, page_size=page_size, **spec)
        yield first

        async def fetch(number: int) -> Page:
            return await self.list_page(type, page=number, page_size=page_size, **spec)

        async with aclosing(_read_ahead(first.page_count, fetch, self.concurrency)) as rest:
            async for page in rest:
                yield page

    async def list_all_raw(
        self,
        type: str,
        *,
        filters: Mapping[str, Any] | None = None,
        sort: Sort | None = None,
        include: Include | None = None,
        fields: Fields | None = None,
        page_size: int = 25,
    ) -> AsyncIterator[RawPage]:
        """:meth:`list_all`'s pages as the JSON text the server sent (see :mod:`desktop_app.api.raw`).

        Same requests, order, concurrency and read-ahead; page 1 is checked whole, later pages by their ``meta``.
        """
        canonical = resource_for(type).type
        spec: dict[str, Any] = {"filters": filters, "sort": sort, "include": include, "fields": fields}
        query_params(canonical, page=1, page_size=page_size, **spec)
        try:
            first = await self._list_page_raw(canonical, spec, 1, page_size, check=True)
        except NotFoundError:
            if canonical != STOCK_LEVELS:
                raise
            # The typed listing settles which stock-levels path this server answers; then list raw on it.
            await self.list_page(canonical, page=1, page_size=page_size, **spec)
            first = await self._list_page_raw(canonical, spec, 1, page_size, check=True)
        yield first

        async def fetch(number: int) -> RawPage:
            return await self._list_page_raw(canonical, spec, number, page_size)

        async with aclosing(_read_ahead(first.page_count, fetch, self.concurrency)) as rest:
            async for page in rest:
                yield page

    async def _list_page_raw(
        self, canonical: str, spec: dict[str, Any], page: int, page_size: int, *, check: bool = False
    ) -> RawPage:
        path, dialect = await self._path(canonical)
        params = query_params(canonical, page=page, page_size=page_size, stock_levels_path=dialect, **spec)
        if not check:
            body = await self._transport.request_bytes("GET", path, limit_type=canonical, params=params)
            return _read(read_raw_page, canonical, body, page)
        body, date = await self._transport.request_dated("GET", path, limit_type=canonical, params=params)
        return _read(read_raw_page, canonical, body, page, check, date)

    async def singleton(self, name: str) -> Record:
        """The record of a singleton (``application``: whom this token belongs to), read once per client: it does
        not change while the token lives."""
        known = self._singletons.get(name)
        if known is None:
            spec = singletons()[name]
            body = await self._transport.request("GET", name, limit_type=spec.type)
            known = self._singletons[name] = _read(parse_single, body)
        return known

    async def retrieve(self, type: str, id: str, *, include: Include | None = None) -> Record:
        canonical = resource_for(type).type
        _check_id(id)
        params = query_params(canonical, include=include)
        path, _ = await self._path(canonical)
        body = await self._transport.request("GET", f"{path}/{id}", limit_type=canonical, params=params or None)
        return _read(parse_single, body)

    async def create(
        self,
        type: str,
        *,
        attributes: Mapping[str, Any],
        relationships: Mapping[str, RelationshipInput] | None = None,
    ) -> Record:
        """POST a new record; a lost answer raises ``NetworkError(maybe_committed=True)`` instead of resending."""
        canonical = resource_for(type).type
        create_document(canonical, attributes, relationships)
        path, dialect = await self._path(canonical)
        document = create_document(canonical, attributes, relationships, stock_levels_path=dialect)
        body = await self._transport.request("POST", path, limit_type=canonical, document=document)
        return _read(parse_single, body)

    async def update(
        self,
        type: str,
        id: str,
        *,
        attributes: Mapping[str, Any] | None = None,
        relationships: Mapping[str, RelationshipInput] | None = None,
    ) -> Record:
        """PATCH only the attributes and relationships given."""
        canonical = resource_for(type).type
        _check_id(id)
        update_document(canonical, id, attributes, relationships)
        path, dialect = await self._path(canonical)
        document = update_document(canonical, id, attributes, relationships, stock_levels_path=dialect)
        body = await self._transport.request("PATCH", f"{path}/{id}", limit_type=canonical, document=document)
        return _read(parse_single, body)

    async def delete(self, type: str, id: str) -> None:
        resource = resource_for(type)
        _check_id(id)
        if not resource.can("delete"):
            raise FieldError("type", f"{resource.plural_label} cannot be deleted", "not_allowed")
        path, _ = await self._path(resource.type)
        await self._transport.request("DELETE", f"{path}/{id}", limit_type=resource.type)


def _check_id(id_: str) -> None:
    if not isinstance(id_, str) or not id_ or "/" in id_ or "?" in id_:
        raise FieldError("id", f"{id_!r} is not a record id", "invalid")


def _read(parser: Callable[..., _T], body: Any, *args: Any) -> _T:
    """Parse a success body; a body that is not JSON:API becomes a ``ServerError`` rather than a traceback."""
    try:
        return parser(body, *args)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ServerError(200, parse_error_objects(None, 200), f"unexpected answer from the server: {error}") from None


__all__ = ["DIALECTS", "ApiError", "CommerceLayerClient"]


async def _read_ahead(
    page_count: int, fetch: Callable[[int], Awaitable[PageT]], concurrency: int
) -> AsyncGenerator[PageT, None]:
    """Pages 2..``page_count`` in order: at most ``concurrency`` requests in flight and four times that many pages
    fetched ahead, each yielded once it and every earlier page arrived. Closing early cancels what is in flight."""
    gate = asyncio.Semaphore(concurrency)

    async def limited(number: int) -> PageT:
        async with gate:
            return await fetch(number)

    pending: deque[asyncio.Task[PageT]] = deque()
    following = 2
    try:
        while following <= page_count or pending:
            while following <= page_count and len(pending) < 4 * concurrency:
                pending.append(asyncio.create_task(limited(following)))
                following += 1
            yield await pending.popleft()
    finally:
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
