"""Profiles and secrets: the non-secret profile fields in a config file, the secret and token in the OS keyring."""

from desktop_app.credentials.profiles import DIALECTS, Profile, ProfileError, ProfileStore
from desktop_app.credentials.vault import (
    SERVICE,
    CachedToken,
    KeyringUnavailable,
    StoredCredentials,
    Vault,
    choose_backend,
    describe,
)

__all__ = [
    "DIALECTS",
    "SERVICE",
    "CachedToken",
    "KeyringUnavailable",
    "Profile",
    "ProfileError",
    "ProfileStore",
    "StoredCredentials",
    "Vault",
    "choose_backend",
    "describe",
]
