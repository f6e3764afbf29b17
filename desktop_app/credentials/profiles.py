"""Profiles: the non-secret half of a sign-in, kept in ``profiles.json`` under the config directory.

A profile names one organisation (by slug, or by a custom API base URL and token URL for a sandbox or a proxy), the
client id, an optional scope, and the stock-levels dialect the server was found to speak. The secret never appears
here; it lives in the keyring (see :mod:`desktop_app.credentials.vault`). Writes are atomic (temporary file, fsync,
rename), so a crash never leaves half a file.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlsplit

from desktop_app.errors import UsageError
from desktop_app.schema import STOCK_LEVEL_DIALECTS

if TYPE_CHECKING:
    from desktop_app.api import Endpoint

PROFILES_FILE = "profiles.json"
_FORMAT_VERSION = 1
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
DIALECTS = STOCK_LEVEL_DIALECTS


class ProfileError(UsageError):
    """Bad profile input; ``field`` names the field so a dialog can show the message next to it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field.replace('_', ' ')}: {message}")
        self.field = field
        self.message = message


def check_url(field: str, value: str) -> str:
    """An absolute http(s) URL with a host, without a trailing slash (a password in it is never echoed)."""
    from desktop_app.api.endpoints import shown

    try:
        parts = urlsplit(value.strip())
    except ValueError:
        raise ProfileError(field, f"{shown(value)!r} is not a valid address") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ProfileError(field, f"{shown(value)!r} is not an http:// or https:// address")
    if "@" in parts.netloc:
        raise ProfileError(field, f"{shown(value)!r} must not carry a user name or password")
    return value.strip().rstrip("/")


class Profile(NamedTuple):
    """One organisation to sign in to. Exactly one of ``slug`` and ``base_url`` is set."""

    name: str
    client_id: str
    slug: str | None = None
    base_url: str | None = None
    token_url: str | None = None
    scope: str | None = None
    dialect: str | None = None

    def validated(self) -> Profile:
        """The same profile, trimmed; raises :class:`ProfileError` naming the first bad field."""
        checked, problems = self._checked()
        for field, message in problems.items():
            raise ProfileError(field, message)
        return checked

    def problems(self) -> dict[str, str]:
        """Every bad field with its message, in the order :meth:`validated` finds them (empty: the profile is
        good); a form marks them all at once instead of one per try."""
        return self._checked()[1]

    def _checked(self) -> tuple[Profile, dict[str, str]]:
        problems: dict[str, str] = {}

        def url(field: str, value: str | None) -> str | None:
            try:
                return check_url(field, value) if value else value
            except ProfileError as exc:
                problems.setdefault(exc.field, exc.message)
                return value

        name = self.name.strip()
        if not _NAME.match(name):
            problems["name"] = "use 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit"
        client_id = self.client_id.strip()
        if not client_id:
            problems["client_id"] = "the client id is required (Dashboard ▸ Settings ▸ API credentials)"
        slug = (self.slug or "").strip().lower() or None
        base_url = (self.base_url or "").strip() or None
        token_url = (self.token_url or "").strip() or None
        if slug and base_url:
            problems["slug"] = "give an organisation slug or a custom base URL, not both"
        elif not slug and not base_url:
            problems["slug"] = "give the organisation slug (the part before .commercelayer.io) or a base URL"
        elif slug and not _SLUG.match(slug):
            problems["slug"] = f"{slug!r} is not an organisation slug (lowercase letters, digits and '-')"
        if token_url and not base_url:
            problems["token_url"] = "a custom token URL goes with a custom base URL"
        base_url, token_url = url("base_url", base_url), url("token_url", token_url)
        scope = " ".join((self.scope or "").split()) or None
        if self.dialect is not None and self.dialect not in DIALECTS:
            problems["dialect"] = f"unknown stock-levels dialect {self.dialect!r}"
        checked = self._replace(
            name=name, client_id=client_id, slug=slug, base_url=base_url, token_url=token_url, scope=scope
        )
        if not problems:
            try:
                checked.endpoint()  # the API layer's own rules: https unless this machine, no query string
            except UsageError as exc:
                field = "token_url" if str(exc).startswith("token URL") else "base_url" if base_url else "slug"
                problems[field] = str(exc)
        return checked, problems

    def endpoint(self) -> Endpoint:
        """Where the API and the token endpoint of this profile are."""
        from desktop_app.api import Endpoint

        if self.slug:
            return Endpoint.for_organization(self.slug)
        return Endpoint.custom(self.base_url or "", self.token_url)

    @property
    def target(self) -> str:
        """The organisation as a person would name it: the slug, or the custom base URL."""
        return self.slug or self.base_url or ""

    def to_json(self) -> dict[str, Any]:
        return {key: value for key, value in self._asdict().items() if value is not None and key != "name"}

    @classmethod
    def from_json(cls, name: str, data: dict[str, Any]) -> Profile:
        def text(key: str) -> str | None:
            value = data.get(key)
            return str(value) if value not in (None, "") else None

        return cls(
            name=name,
            client_id=str(data.get("client_id") or ""),
            slug=text("slug"),
            base_url=text("base_url"),
            token_url=text("token_url"),
            scope=text("scope"),
            dialect=text("dialect"),
        )


class ProfileStore:
    """``profiles.json``: every profile plus the default one (the last used), read fresh on each call."""

    def __init__(self, config_dir: Path) -> None:
        self.path = Path(config_dir) / PROFILES_FILE

    def _read(self) -> tuple[dict[str, Profile], str | None]:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}, None
        try:
            data = json.loads(raw)
            entries = data.get("profiles", {})
            profiles = {str(name): Profile.from_json(str(name), dict(body)) for name, body in entries.items()}
        except (ValueError, AttributeError, TypeError) as exc:
            raise UsageError(f"{self.path} is damaged ({exc}); fix or remove it and sign in again") from None
        default = data.get("default")
        return profiles, str(default) if default in profiles else None

    def _write(self, profiles: dict[str, Profile], default: str | None) -> None:
        body = {
            "version": _FORMAT_VERSION,
            "default": default if default in profiles else None,
            "profiles": {name: profiles[name].to_json() for name in sorted(profiles)},
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".profiles-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(body, out, indent=2, sort_keys=False)
                out.write("\n")
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def all(self) -> list[Profile]:
        profiles, _ = self._read()
        return [profiles[name] for name in sorted(profiles)]

    def get(self, name: str) -> Profile | None:
        return self._read()[0].get(name)

    @property
    def default(self) -> str | None:
        """The profile commands use without ``--profile``: the last used, or the only one there is."""
        profiles, default = self._read()
        if default is None and len(profiles) == 1:
            return next(iter(profiles))
        return default

    def save(self, profile: Profile, *, make_default: bool = True) -> Profile:
        profile = profile.validated()
        profiles, default = self._read()
        profiles[profile.name] = profile
        self._write(profiles, profile.name if make_default or default is None else default)
        return profile

    def set_default(self, name: str) -> None:
        profiles, default = self._read()
        if name in profiles and default != name:
            self._write(profiles, name)

    def set_dialect(self, name: str, dialect: str) -> None:
        profiles, default = self._read()
        current = profiles.get(name)
        if current is not None and current.dialect != dialect and dialect in DIALECTS:
            profiles[name] = current._replace(dialect=dialect)
            self._write(profiles, default)

    def remove(self, name: str) -> bool:
        profiles, default = self._read()
        if profiles.pop(name, None) is None:
            return False
        self._write(profiles, None if default == name else default)
        return True
