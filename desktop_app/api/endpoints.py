"""Where a profile's API and token endpoint live, checked before anything is sent.

Credentials must never travel in clear text, so every URL must be HTTPS unless it points at this machine (the
sandbox on 127.0.0.1, a local proxy).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from desktop_app.errors import UsageError

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
AUTH_URL = "https://auth.commercelayer.io/oauth/token"


def is_loopback(host: str) -> bool:
    """True for ``localhost``, 127.0.0.0/8 and ``::1``: the names that always mean this machine.

    A ``*.localhost`` name is not one of them: RFC 6761 only asks resolvers to keep it local, and one that does not
    (a DNS server, a hosts file) would receive the secret in clear text."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def shown(url: str) -> str:
    """``url`` as it may be printed: without a user name or password, which are never echoed."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "(an unreadable URL)"
    if "@" not in parts.netloc:
        return url.strip()
    return parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]).geturl()


def check_url(url: str, what: str) -> str:
    """``url`` without a trailing slash, or :class:`UsageError` naming it when it is unsafe or malformed."""
    cleaned = url.strip().rstrip("/")
    try:
        parts = urlsplit(cleaned)
        host, _ = parts.hostname, parts.port  # a bad port or IPv6 literal raises here
    except ValueError:
        raise UsageError(f"{what} {shown(url)!r} is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not host:
        raise UsageError(f"{what} {shown(url)!r} is not an http(s) URL")
    if "@" in parts.netloc:
        raise UsageError(
            f"{what} {shown(url)!r} must not carry a user name or password (the client secret goes in the keyring "
            "or the environment)"
        )
    if parts.query or parts.fragment:
        raise UsageError(f"{what} {shown(url)!r} must not carry a query or fragment")
    if parts.scheme != "https" and not is_loopback(host):
        raise UsageError(
            f"{what} {shown(url)!r} must use https (plain http is only allowed for localhost and loopback addresses)"
        )
    return cleaned


class Endpoint:
    """The API base (ending in ``/api``) and the OAuth token URL of one organisation or stand-in server, checked
    when made. A value: equal to another with the same URLs. (Not a dataclass: the window builds one before its
    first frame, where generating a dataclass's methods costs about a millisecond.)"""

    __slots__ = ("base_url", "token_url")

    def __init__(self, base_url: str, token_url: str) -> None:
        base = check_url(base_url, "API base URL")
        self.base_url: str = base if base.endswith("/api") else base + "/api"
        self.token_url: str = check_url(token_url, "token URL")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Endpoint):
            return NotImplemented
        return (self.base_url, self.token_url) == (other.base_url, other.token_url)

    def __hash__(self) -> int:
        return hash((self.base_url, self.token_url))

    def __repr__(self) -> str:
        return f"Endpoint(base_url={self.base_url!r}, token_url={self.token_url!r})"

    @classmethod
    def for_organization(cls, slug: str) -> Endpoint:
        """A real Commerce Layer organisation, by its slug (``https://<slug>.commercelayer.io/api``)."""
        cleaned = slug.strip().lower()
        if not _SLUG.match(cleaned):
            raise UsageError(f"organization slug {slug!r} must be lowercase letters, digits and dashes")
        return cls(f"https://{cleaned}.commercelayer.io/api", AUTH_URL)

    @classmethod
    def custom(cls, base_url: str, token_url: str | None = None) -> Endpoint:
        """Any server speaking Commerce Layer's API; ``base_url`` may end in ``/api`` or not.

        The token URL defaults to ``<root>/oauth/token``, where the sandbox and a proxy serve it.
        """
        root = check_url(base_url, "API base URL")
        if root.endswith("/api"):
            root = root[: -len("/api")]
        token = check_url(token_url, "token URL") if token_url else f"{root}/oauth/token"
        return cls(f"{root}/api", token)

    @property
    def root(self) -> str:
        """The base URL without ``/api``."""
        return self.base_url[: -len("/api")] if self.base_url.endswith("/api") else self.base_url

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"
