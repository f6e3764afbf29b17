"""Which server a command talks to, with which credentials: from a profile, or from flags and the environment.

Two ways in, one result. ``--profile NAME`` (or, without it, the last used profile) takes everything from
``profiles.json`` and the keyring; ``--base-url URL --client-id ID`` with the secret in ``STOCKROOM_CLIENT_SECRET``
is for scripts and CI, where nothing is stored. Either way the command gets a :class:`Connection` with a cache key
that is the same every time for the same server and client, so offline commands find the cache the online ones
filled.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from desktop_app.errors import UsageError

if TYPE_CHECKING:
    from desktop_app.api import CommerceLayerClient, Credentials, Endpoint, Token
    from desktop_app.credentials.profiles import Profile, ProfileStore

SECRET_ENV = "STOCKROOM_CLIENT_SECRET"
log = logging.getLogger(__name__)


def add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags every command that talks to a server takes.

    Defaults are suppressed so a ``--profile`` given before the subcommand (a global flag) is not overwritten.
    """
    group = parser.add_argument_group("connection")
    group.add_argument("--profile", default=argparse.SUPPRESS, help="profile to use (default: the last used)")
    group.add_argument(
        "--base-url",
        default=argparse.SUPPRESS,
        help="API base URL instead of a profile (secret from $" + SECRET_ENV + ")",
    )
    group.add_argument("--auth-url", default=argparse.SUPPRESS, help="token URL (default: <base URL>/oauth/token)")
    group.add_argument("--client-id", default=argparse.SUPPRESS, help="client id to go with --base-url")


def _no_op(_: Any) -> None:
    return None


class Connection:
    """Everything a command needs to reach one organisation; ``save_token``/``save_dialect`` remember what it learnt.

    A plain class, not a dataclass: the window's start builds it before its first frame, where generating a
    dataclass's methods costs about a millisecond a class; and it has no ``repr`` that could print the secret."""

    def __init__(
        self,
        name: str,
        endpoint: Endpoint,
        credentials: Credentials | None,
        cache_key: str,
        *,
        token: Token | None = None,
        dialect: str | None = None,
        on_token: Callable[[Token], None] = _no_op,
        on_dialect: Callable[[str], None] = _no_op,
        secret_loader: Callable[[Connection], None] | None = None,
    ) -> None:
        self.name = name
        self.endpoint = endpoint
        self.credentials = credentials
        self.cache_key = cache_key
        self.token = token
        self.dialect = dialect
        self.on_token = on_token
        self.on_dialect = on_dialect
        #: Reads the secret from the keyring later, when it was resolved without it (see :meth:`load_secret`).
        self.secret_loader = secret_loader

    @property
    def can_load_secret(self) -> bool:
        """Whether :meth:`load_secret` would fetch credentials this connection does not hold yet."""
        return self.credentials is None and self.secret_loader is not None

    def load_secret(self) -> None:
        """Read the secret (and the cached token) from the keyring now: the window resolves its profile without
        them, paints from the cache, and only then waits for the keyring (a D-Bus round trip, or an unlock
        prompt). Raises what the keyring raises, as a :class:`StockroomError` that says what to do."""
        if self.can_load_secret:
            assert self.secret_loader is not None
            self.secret_loader(self)

    def save_token(self, token: Token) -> None:
        """Keep a newly issued token (in the profile's keyring entry), so the next start needs no token request."""
        self.token = token
        self.on_token(token)

    def save_dialect(self, dialect: str | None) -> None:
        """Remember which stock-levels path the server speaks, so the next start need not probe."""
        if dialect and dialect != self.dialect:
            self.dialect = dialect
            self.on_dialect(dialect)

    def client(self, *, on_token: Callable[[Token], None] | None = None) -> CommerceLayerClient:
        """The API client for this organisation (the window's session and every command use this one recipe).

        It reuses the stored token and dialect and keeps new tokens (through :meth:`save_token`, or ``on_token``).
        It mirrors Commerce Layer's rate limits, except for a server on this machine: the sandbox answers
        at once, and when it is told to enforce the limits it says so itself with a 429, which the client waits out.
        """
        from desktop_app.api import CommerceLayerClient, is_loopback

        if self.credentials is None:
            raise UsageError("no client secret for this connection: run `stockroom login` (or work --offline)")
        local = is_loopback(urlsplit(self.endpoint.base_url).hostname or "")
        return CommerceLayerClient(
            self.endpoint,
            self.credentials,
            token=self.token,
            dialect=self.dialect,
            on_token=on_token or self.save_token,
            rate_limits="off" if local else "auto",
        )


def _sha256(data: bytes) -> str:
    """SHA-256 from CPython's own module when it has one: ``hashlib`` first loads OpenSSL (~2 ms of every start,
    the window's included) for a digest of a few bytes. Same digest either way."""
    import importlib

    for name in ("_sha2", "_sha256"):  # Python 3.12+, 3.11
        try:
            return str(importlib.import_module(name).sha256(data).hexdigest())
        except ImportError:
            continue
    import hashlib

    return hashlib.sha256(data).hexdigest()


def cache_key(base_url: str, client_id: str, scope: str | None = None) -> str:
    """A filesystem-safe name for the cache of one (server, client, scope): readable host prefix plus a digest."""
    digest = _sha256(f"{base_url.rstrip('/')}\n{client_id}\n{scope or ''}".encode())[:16]
    host = urlsplit(base_url).netloc.lower() or "server"
    prefix = re.sub(r"[^a-z0-9]+", "-", host.removesuffix(".commercelayer.io")).strip("-")[:40] or "server"
    return f"{prefix}-{digest}"


def _arg(args: argparse.Namespace, name: str) -> str | None:
    value = getattr(args, name, None)
    return str(value).strip() or None if value is not None else None


def resolve_connection(args: argparse.Namespace, *, need_secret: bool = True) -> Connection:
    """The connection ``args`` ask for; ``need_secret=False`` (offline reads) never touches the keyring."""
    base_url, client_id = _arg(args, "base_url"), _arg(args, "client_id")
    if base_url or client_id or _arg(args, "auth_url"):
        if _arg(args, "profile"):
            raise UsageError("use either --profile or --base-url/--client-id, not both")
        return _from_flags(args, base_url, client_id, need_secret=need_secret)
    return _from_profile(args, need_secret=need_secret)


def _from_flags(
    args: argparse.Namespace, base_url: str | None, client_id: str | None, *, need_secret: bool
) -> Connection:
    from desktop_app.api import Credentials, Endpoint
    from desktop_app.logs import register_secret

    if not base_url or not client_id:
        raise UsageError("--base-url and --client-id go together (or use --profile NAME)")
    endpoint = Endpoint.custom(base_url, _arg(args, "auth_url"))
    secret = os.environ.get(SECRET_ENV) or None
    if need_secret and not secret:
        raise UsageError(f"set {SECRET_ENV} to the client secret when using --base-url and --client-id")
    register_secret(secret)
    credentials = Credentials(client_id=client_id, client_secret=secret) if secret else None
    host = urlsplit(endpoint.base_url).netloc
    connection = Connection(
        name=f"{client_id}@{host}",
        endpoint=endpoint,
        credentials=credentials,
        cache_key=cache_key(endpoint.base_url, client_id),
    )
    if need_secret and secret:
        _reuse_run_token(connection, client_id, secret)
    return connection


def _reuse_run_token(connection: Connection, client_id: str, secret: str) -> None:
    """A ``--base-url`` run keeps its token in the keyring, where a profile's secret lives, so a script of many
    commands spends one token request instead of one each (Commerce Layer issues 30 a minute)."""
    from desktop_app.credentials.vault import Vault

    vault = Vault()
    key = cache_key(connection.endpoint.token_url, client_id)
    owner = _sha256(f"{client_id}\n{secret}".encode())
    connection.token = vault.load_run_token(key, owner)
    connection.on_token = lambda token: vault.save_run_token(key, owner, token)


def profile_endpoint(profile: Profile) -> Endpoint:
    return profile.endpoint()


def profile_cache_key(profile: Profile) -> str:
    return cache_key(profile_endpoint(profile).base_url, profile.client_id, profile.scope)


def _from_profile(args: argparse.Namespace, *, need_secret: bool) -> Connection:
    from desktop_app import config
    from desktop_app.credentials.profiles import ProfileStore

    store = ProfileStore(config.config_dir(getattr(args, "config_dir", None)))
    name = _arg(args, "profile") or store.default
    if name is None:
        raise UsageError(
            "no profile yet: run `stockroom login --profile NAME --slug ORG --client-id ID` "
            "(or pass --base-url and --client-id with the secret in " + SECRET_ENV + ")"
        )
    profile = store.get(name)
    if profile is None:
        known = ", ".join(p.name for p in store.all()) or "none"
        raise UsageError(f"no profile named {name!r} (profiles: {known}); create it with `stockroom login`")
    store.set_default(profile.name)
    return connection_for_profile(profile, store, need_secret=need_secret)


def connection_for_profile(profile: Profile, store: ProfileStore, *, need_secret: bool = True) -> Connection:
    """A profile's connection, with its secret and cached token from the keyring (or this session's memory).

    Without ``need_secret`` neither the keyring nor the HTTP client is imported (the window's start, which
    paints from the cache first); :meth:`Connection.load_secret` reads them later."""
    endpoint = profile_endpoint(profile)
    connection = Connection(
        name=profile.name,
        endpoint=endpoint,
        credentials=None,
        cache_key=cache_key(endpoint.base_url, profile.client_id, profile.scope),
        dialect=profile.dialect,
        on_dialect=lambda dialect: store.set_dialect(profile.name, dialect),
    )
    connection.secret_loader = lambda target: _load_secret(target, profile)
    if need_secret:
        connection.load_secret()
    return connection


def _load_secret(connection: Connection, profile: Profile) -> None:
    """The profile's secret and cached token from the keyring, into ``connection``."""
    from desktop_app.api import Credentials
    from desktop_app.credentials.vault import Vault

    vault = Vault()
    stored = vault.load(profile.name)
    if stored is None:
        raise UsageError(
            f"profile {profile.name!r} has no secret stored; run `stockroom login --profile {profile.name}` again"
        )
    connection.credentials = Credentials(
        client_id=profile.client_id, client_secret=stored.client_secret, scope=profile.scope
    )
    if stored.token is not None and stored.token.fresh():
        connection.token = stored.token
    connection.on_token = lambda token: vault.save_token(profile.name, token)
