"""Signing in, shared by ``stockroom login`` and the sign-in dialog: check the secret, then store it, in that order.

A secret is only worth keeping once the server has accepted it, so nothing is written (neither the keyring entry
nor the profile) until a token came back. The token and the stock-levels dialect learnt on the way are kept too, so
the first real command needs no token request and no probing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop_app.credentials.profiles import Profile, ProfileStore
from desktop_app.credentials.vault import StoredCredentials, Vault
from desktop_app.errors import StockroomError

if TYPE_CHECKING:
    from desktop_app.api import Token


class SignInRefused(StockroomError):
    """The server did not accept the client id and secret; nothing was stored."""


class ServerUnreachable(StockroomError):
    """The token endpoint could not be reached; nothing was stored."""


@dataclass(frozen=True)
class CheckedSignIn:
    """What a successful check learnt: a token (with its test/live mode) and the stock-levels dialect."""

    profile: Profile
    token: Token
    dialect: str | None

    @property
    def mode(self) -> str:
        return "test" if self.token.test else "live"


async def check_sign_in(profile: Profile, client_secret: str) -> CheckedSignIn:
    """Gets a token with ``client_secret``; raises :class:`SignInRefused` or :class:`ServerUnreachable`."""
    from desktop_app.api import ApiError, AuthenticationError, CommerceLayerClient, Credentials, NetworkError
    from desktop_app.connection import profile_endpoint

    profile = profile.validated()
    endpoint = profile_endpoint(profile)
    credentials = Credentials(client_id=profile.client_id, client_secret=client_secret, scope=profile.scope)
    try:
        async with CommerceLayerClient(endpoint, credentials, max_retries=1, timeout=15) as client:
            token = await client.authenticate()
            try:
                dialect: str | None = await client.stock_levels_path()
            except (ApiError, NetworkError):
                dialect = None  # learnt later, by the first sync
    except AuthenticationError as exc:
        raise SignInRefused(
            f"{endpoint.token_url} refused client id {profile.client_id!r} with that secret ({exc}); nothing was stored"
        ) from None
    except ApiError as exc:
        raise SignInRefused(f"{endpoint.token_url} did not issue a token ({exc}); nothing was stored") from None
    except NetworkError as exc:
        raise ServerUnreachable(f"could not reach {endpoint.token_url} ({exc}); nothing was stored") from None
    return CheckedSignIn(profile=profile._replace(dialect=dialect or profile.dialect), token=token, dialect=dialect)


def store_sign_in(
    checked: CheckedSignIn,
    client_secret: str,
    *,
    store: ProfileStore,
    vault: Vault,
    memory_only: bool = False,
) -> str:
    """Keeps the secret and token (keyring, or this session's memory), then the profile; returns where the secret went.

    The keyring comes first: when it refuses, the profile file is left as it was.
    """
    stored = StoredCredentials(client_secret=client_secret, token=checked.token)
    if memory_only:
        vault.keep_in_memory(checked.profile.name, stored)
        where = vault.where(checked.profile.name)
    else:
        where = vault.save(checked.profile.name, stored)
    store.save(checked.profile, make_default=True)
    return where
