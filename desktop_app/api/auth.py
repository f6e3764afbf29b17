"""Client-credentials tokens: asking for one, reading what it grants, and keeping it until shortly before it ends.

The token's JWT payload says whether it is a test token (which rate-limit figures apply) and which organisation it
belongs to; the signature is the server's business, so the payload is decoded without verifying it. The secret
and every token are registered with the log redaction as soon as they are seen.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from desktop_app.logs import register_secret

#: A token is renewed this long before it expires (or at 90 % of a shorter lifetime).
RENEW_BEFORE = timedelta(seconds=120)


@dataclass(frozen=True)
class Credentials:
    """An API credential's client id, its secret (kept in memory only) and an optional scope."""

    client_id: str
    client_secret: str = field(repr=False)
    scope: str | None = None

    def __post_init__(self) -> None:
        register_secret(self.client_secret)

    def token_request(self) -> dict[str, str]:
        body = {"grant_type": "client_credentials", "client_id": self.client_id, "client_secret": self.client_secret}
        if self.scope:
            body["scope"] = self.scope
        return body


@dataclass(frozen=True)
class Token:
    """An access token and what its payload says about it."""

    access_token: str = field(repr=False)
    expires_at: datetime
    test: bool
    scope: str
    organization_slug: str | None
    issued_at: datetime | None = None

    def __post_init__(self) -> None:
        register_secret(self.access_token)

    def fresh(self, now: datetime | None = None) -> bool:
        """True while the token can still be used without renewing it first."""
        moment = now or datetime.now(UTC)
        expires = _aware(self.expires_at)
        lifetime = expires - _aware(self.issued_at) if self.issued_at else None
        margin = RENEW_BEFORE if lifetime is None else min(RENEW_BEFORE, lifetime / 10)
        return _aware(moment) < expires - margin

    def to_json(self) -> dict[str, Any]:
        """The token as kept beside the secret in the keyring (the only place a token is ever stored)."""
        return {
            "access_token": self.access_token,
            "expires_at": _aware(self.expires_at).astimezone(UTC).isoformat(),
            "test": self.test,
            "scope": self.scope,
            "organization_slug": self.organization_slug,
            "issued_at": _aware(self.issued_at).astimezone(UTC).isoformat() if self.issued_at else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Token:
        """A token read back from :meth:`to_json`'s shape; raises ``KeyError``/``TypeError``/``ValueError``."""
        issued = data.get("issued_at")
        slug = data.get("organization_slug")
        return cls(
            access_token=str(data["access_token"]),
            expires_at=_aware(datetime.fromisoformat(str(data["expires_at"]))),
            test=bool(data.get("test", True)),
            scope=str(data.get("scope") or ""),
            organization_slug=str(slug) if slug else None,
            issued_at=_aware(datetime.fromisoformat(str(issued))) if issued else None,
        )

    @classmethod
    def from_access_token(
        cls, access_token: str, *, expires_in: float | None = None, scope: str | None = None
    ) -> Token:
        """A token from its JWT claims (``exp``, ``test``, ``organization.slug``, ``scope``) and ``expires_in``."""
        register_secret(access_token)
        payload = decode_jwt_payload(access_token)
        now = datetime.now(UTC)
        issued = _timestamp(payload.get("iat"))
        if expires_in is not None:
            expires_at = now + timedelta(seconds=float(expires_in))
            issued = issued or now
        else:
            expires_at = _timestamp(payload.get("exp")) or now
        organization = payload.get("organization")
        slug = organization.get("slug") if isinstance(organization, dict) else None
        claimed_scope = payload.get("scope")
        return cls(
            access_token=access_token,
            expires_at=expires_at,
            test=bool(payload.get("test", False)),
            scope=scope if scope is not None else (claimed_scope if isinstance(claimed_scope, str) else ""),
            organization_slug=slug if isinstance(slug, str) else None,
            issued_at=issued,
        )

    @classmethod
    def from_response(cls, body: Any) -> Token:
        """A token from the token endpoint's JSON answer; raises ``ValueError`` when it is not one."""
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise ValueError("the token endpoint's answer holds no access_token")
        expires_in = body.get("expires_in")
        scope = body.get("scope")
        return cls.from_access_token(
            body["access_token"],
            expires_in=float(expires_in) if isinstance(expires_in, int | float) else None,
            scope=scope if isinstance(scope, str) else None,
        )


def decode_jwt_payload(token: str) -> dict[str, Any]:
    """The claims of a JWT, unverified; an opaque token yields ``{}``."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    segment = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        payload = json.loads(base64.urlsafe_b64decode(segment.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        return {}
    return payload if isinstance(payload, dict) else {}


def _aware(moment: datetime) -> datetime:
    """A stored timestamp without a zone is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _timestamp(value: Any) -> datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(float(value), UTC)
    return None
