"""Profiles and secrets: the non-secret profile fields in a config file, the secret and token in the OS keyring.

The public names load on first use (PEP 562): opening the last profile's cache offline reads ``profiles.json``
only, and must not import the keyring and its backends.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_app.credentials.profiles import DIALECTS, Profile, ProfileError, ProfileStore
    from desktop_app.credentials.vault import (
        SERVICE,
        KeyringUnavailable,
        StoredCredentials,
        Vault,
        choose_backend,
        describe,
    )

_PROFILE_NAMES = ("DIALECTS", "Profile", "ProfileError", "ProfileStore")
_VAULT_NAMES = (
    "SERVICE",
    "KeyringUnavailable",
    "StoredCredentials",
    "Vault",
    "choose_backend",
    "describe",
)


def __getattr__(name: str) -> Any:
    if name in _PROFILE_NAMES:
        module = "profiles"
    elif name in _VAULT_NAMES:
        module = "vault"
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PROFILE_NAMES) | set(_VAULT_NAMES))


__all__ = [
    "DIALECTS",
    "SERVICE",
    "KeyringUnavailable",
    "Profile",
    "ProfileError",
    "ProfileStore",
    "StoredCredentials",
    "Vault",
    "choose_backend",
    "describe",
]
