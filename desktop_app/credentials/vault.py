"""The one place secrets are kept: the operating system's keyring, or this process's memory when the user says so.

Each profile has one keyring entry (service ``stockroom``, username = profile name) holding JSON with the client
secret and the current access token with its expiry, so a restart does not spend a token request. There is no file
fallback: a backend that writes files (``keyrings.alt``), the fail backend, or anything ``keyring`` itself does not
recommend is refused, and the user is told exactly what is missing and how to fix it.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import dataclass, field, replace
from typing import Any, NoReturn

import keyring
import keyring.core
import keyring.errors
from keyring.backend import KeyringBackend

from desktop_app.api.auth import Token
from desktop_app.errors import StockroomError
from desktop_app.logs import register_secret
from desktop_app.session_bus import has_session_bus

SERVICE = "stockroom"
_ENTRY_VERSION = 1

log = logging.getLogger(__name__)


class KeyringUnavailable(StockroomError):
    """No usable keyring: ``reason`` says what is wrong, ``fix`` what the user can do about it."""

    exit_code = 3

    def __init__(self, reason: str, fix: str, *, locked: bool = False) -> None:
        super().__init__(f"{reason}; {fix}")
        self.reason = reason
        self.fix = fix
        self.locked = locked


@dataclass(frozen=True)
class StoredCredentials:
    """What one profile's keyring entry holds."""

    client_secret: str = field(repr=False)
    token: Token | None = None

    def encode(self) -> str:
        body = {"v": _ENTRY_VERSION, "client_secret": self.client_secret}
        if self.token is not None:
            body["token"] = self.token.to_json()
        return json.dumps(body, separators=(",", ":"))

    @classmethod
    def decode(cls, text: str) -> StoredCredentials:
        """Reads an entry; a bare string (someone stored the secret by hand) counts as just the secret."""
        try:
            data = json.loads(text)
        except ValueError:
            return cls(client_secret=text)
        if not isinstance(data, dict) or "client_secret" not in data:
            return cls(client_secret=text)
        token = None
        if isinstance(data.get("token"), dict):
            try:
                token = Token.from_json(data["token"])
            except (KeyError, TypeError, ValueError):
                token = None  # a damaged token only costs one token request
        return cls(client_secret=str(data["client_secret"]), token=token)


def _is_file_backend(backend: KeyringBackend) -> bool:
    module = type(backend).__module__
    return module.startswith("keyrings.alt") or module.startswith("keyring.backends.fail")


def _secret_service_problem() -> str:
    """Why the Secret Service backend is not viable, in plain words (Linux only)."""
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    if not has_session_bus():
        return "no D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set), so no Secret Service can be reached"
    try:
        from keyring.backends.SecretService import Keyring as SecretService

        SecretService.priority  # noqa: B018 - raises with the reason when not viable
    except OSError as exc:
        return f"no Secret Service is running (the D-Bus session bus {address} cannot be reached: {exc.strerror})"
    except Exception as exc:  # the backend reports every other problem as some exception
        return f"no Secret Service is running ({exc})"
    return "the Secret Service is not usable"


def _no_backend() -> KeyringUnavailable:
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        return KeyringUnavailable(
            f"no usable keyring: {_secret_service_problem()}",
            "install and start gnome-keyring or KeePassXC (with Secret Service integration enabled), "
            "or unlock your keyring, then try again",
        )
    return KeyringUnavailable(
        "no usable keyring was found", "check that the system credential store (Keychain, Credential Locker) works"
    )


def choose_backend() -> KeyringBackend:
    """The backend secrets go to: the configured one, or the best of a chain, but never a file or the fail backend."""
    current = keyring.get_keyring()
    from keyring.backends.chainer import ChainerBackend

    candidates: list[KeyringBackend] = list(current.backends) if isinstance(current, ChainerBackend) else [current]
    refused: list[str] = []
    for backend in candidates:
        if _is_file_backend(backend):
            if not type(backend).__module__.startswith("keyring.backends.fail"):
                refused.append(type(backend).__module__ + "." + type(backend).__name__)
            continue
        if not keyring.core.recommended(backend):
            refused.append(type(backend).__module__ + "." + type(backend).__name__)
            continue
        return backend
    if refused:
        _refuse(refused)
    raise _no_backend()


def _refuse(refused: list[str]) -> NoReturn:
    raise KeyringUnavailable(
        f"the only keyring available ({', '.join(refused)}) keeps secrets in a file or is not recommended, "
        "and Stockroom does not store secrets in files",
        "install and start gnome-keyring or KeePassXC, and remove any PYTHON_KEYRING_BACKEND setting "
        "or keyringrc.cfg that selects a file backend",
    )


def _secret_service_provider() -> str:
    """Which program answers as the Secret Service (GNOME Keyring, KeePassXC, KWallet), best effort."""
    try:
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection

        bus = DBusAddress("/org/freedesktop/DBus", bus_name="org.freedesktop.DBus", interface="org.freedesktop.DBus")
        with open_dbus_connection(bus="SESSION") as connection:
            message = new_method_call(bus, "GetConnectionUnixProcessID", "s", ("org.freedesktop.secrets",))
            pid = connection.send_and_get_reply(message, timeout=2).body[0]
        with open(f"/proc/{int(pid)}/comm", encoding="utf-8") as comm:
            program = comm.read().strip().lower()
    except Exception:  # only a nicer label is lost
        return "the Secret Service"
    for marker, label in (("gnome-keyring", "GNOME Keyring"), ("keepassxc", "KeePassXC"), ("kwallet", "KWallet")):
        if program.startswith(marker):
            return f"{label} (Secret Service)"
    return f"{program} (Secret Service)"


def describe(backend: KeyringBackend) -> str:
    """Where a secret goes, in words a user recognises: "GNOME Keyring (Secret Service)", "macOS Keychain"…"""
    module = type(backend).__module__
    if module.endswith("SecretService") or module.endswith("libsecret"):
        return _secret_service_provider()
    if module.endswith("macOS"):
        return "the macOS Keychain"
    if module.endswith("Windows"):
        return "Windows Credential Locker"
    if module.endswith("kwallet"):
        return "KWallet"
    return str(getattr(backend, "name", type(backend).__name__))


def _translate(exc: Exception) -> KeyringUnavailable:
    if isinstance(exc, keyring.errors.KeyringLocked):
        return KeyringUnavailable(
            "the keyring is locked",
            "unlock it (log in to your desktop session, or unlock the 'Login' keyring in Passwords and Keys "
            "or KeePassXC) and try again",
            locked=True,
        )
    if isinstance(exc, keyring.errors.NoKeyringError):
        return _no_backend()
    if isinstance(exc, keyring.errors.InitError):
        # gnome-keyring started on demand with no login keyring yet, and no way to show its "create" prompt
        return KeyringUnavailable(
            f"the keyring has no usable default collection ({exc})",
            "create or unlock your login keyring (Passwords and Keys, or KeePassXC), or start gnome-keyring "
            "unlocked with `gnome-keyring-daemon --unlock` in your session",
            locked=True,
        )
    return KeyringUnavailable(f"the keyring failed ({type(exc).__name__}: {exc})", "check that it is running")


#: Secrets the user chose to keep for this session only (no usable keyring); never written anywhere.
_session: dict[str, StoredCredentials] = {}


def _run_entry(key: str) -> str:
    """The keyring username of a profile-less run's token (profile names cannot contain a colon)."""
    return f"token:{key}"


class Vault:
    """Profile secrets in the keyring, plus the in-memory session store; every keyring error becomes one message."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._backend = backend

    @property
    def backend(self) -> KeyringBackend:
        if self._backend is None:
            self._backend = choose_backend()
        return self._backend

    def where(self, profile: str | None = None) -> str:
        """A sentence fragment naming where the profile's secret lives, for "stored in …"."""
        if profile is not None and profile in _session:
            return "memory only, for this session"
        return describe(self.backend)

    def _call(self, operation: str, profile: str, *args: str) -> Any:
        try:
            return getattr(self.backend, operation)(SERVICE, profile, *args)
        except keyring.errors.PasswordDeleteError:
            raise
        except (keyring.errors.KeyringError, RuntimeError, OSError) as exc:
            raise _translate(exc) from None

    def load(self, profile: str) -> StoredCredentials | None:
        """The profile's secret and token, or ``None`` when nothing is stored."""
        stored = _session.get(profile)
        if stored is None:
            text = self._call("get_password", profile)
            if text is None:
                return None
            stored = StoredCredentials.decode(text)
        register_secret(stored.client_secret)
        if stored.token is not None:
            register_secret(stored.token.access_token)
        return stored

    def save(self, profile: str, stored: StoredCredentials) -> str:
        """Stores the entry and returns where it went (for "stored in …")."""
        register_secret(stored.client_secret)
        if stored.token is not None:
            register_secret(stored.token.access_token)
        if profile in _session:
            _session[profile] = stored
            return self.where(profile)
        self._call("set_password", profile, stored.encode())
        return self.where(profile)

    def save_token(self, profile: str, token: Token) -> None:
        """Keeps a new token beside the secret; a keyring problem here costs only a later token request."""
        try:
            stored = self.load(profile)
            if stored is not None:
                self.save(profile, replace(stored, token=token))
        except KeyringUnavailable as exc:
            log.warning("could not keep the access token for profile %s: %s", profile, exc.reason)

    def delete(self, profile: str) -> bool:
        """Removes the profile's entry; ``True`` when there was one."""
        if _session.pop(profile, None) is not None:
            return True
        try:
            self._call("delete_password", profile)
        except keyring.errors.PasswordDeleteError:
            return False
        return True

    def probe(self, profile: str) -> None:
        """Raises :class:`KeyringUnavailable` now, rather than after the user typed a secret that could not be kept.

        Choosing a backend is not enough: a locked collection only shows when an entry is read, so read one.
        """
        if profile not in _session:
            self._call("get_password", profile)

    def has_secret(self, profile: str) -> bool:
        return self.load(profile) is not None

    def load_run_token(self, key: str, owner: str) -> Token | None:
        """The token kept for a run without a profile (``--base-url``), when it was issued to the same secret.

        ``key`` names the server and client, ``owner`` is a digest of the client id and secret: a token is reused
        only by a process that knows the secret it was issued for. A keyring that cannot answer costs a token
        request, nothing more."""
        try:
            text = self._call("get_password", _run_entry(key))
            data = json.loads(text) if text else None
            if not isinstance(data, dict) or data.get("owner") != owner or not isinstance(data.get("token"), dict):
                return None
            token = Token.from_json(data["token"])
        except (KeyringUnavailable, KeyError, TypeError, ValueError) as exc:
            log.debug("no reusable token for %s: %s", key, exc)
            return None
        return token if token.fresh() else None

    def save_run_token(self, key: str, owner: str, token: Token) -> None:
        """Keeps a run's token in the keyring (never in a file), so the next command does not ask for another:
        Commerce Layer issues 30 tokens a minute, and a script of commands would run out."""
        entry = json.dumps({"v": _ENTRY_VERSION, "owner": owner, "token": token.to_json()}, separators=(",", ":"))
        try:
            self._call("set_password", _run_entry(key), entry)
        except KeyringUnavailable as exc:
            log.info("could not keep the access token for %s: %s", key, exc.reason)

    @staticmethod
    def keep_in_memory(profile: str, stored: StoredCredentials) -> None:
        """The user's choice when no keyring is usable: this process remembers the secret, nothing else does."""
        register_secret(stored.client_secret)
        _session[profile] = stored

    @staticmethod
    def in_memory(profile: str) -> bool:
        return profile in _session
