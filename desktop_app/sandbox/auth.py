"""``POST /oauth/token`` and the bearer check: JWT-shaped tokens signed with a key only this server holds.

Clients decode the payload (base URL from ``organization.slug``, ``test`` mode, ``exp``) exactly as they do with
Commerce Layer's tokens, and the HMAC signature lets the sandbox tell its own unexpired tokens from anything else
without keeping a table of them; a fresh key per start means a restart invalidates old tokens, as a real
credential rotation would.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from desktop_app.sandbox.bodies import BadJson, parse_json
from desktop_app.sandbox.errors import ApiError, error, invalid_token, shown

TOKEN_LIFETIME = 7200
DEFAULT_SCOPE = "market:all"
ISSUER = "https://auth.commercelayer.io"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Authority:
    """Issues and checks tokens for one integration application of one organisation."""

    client_id: str
    client_secret: str
    organization_slug: str
    organization_id: str
    test: bool = True
    lifetime: int = TOKEN_LIFETIME
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    organization_name: str = "Stockroom demo"
    application_id: str = "StckrmAppl"
    application_name: str = "Stockroom sandbox"
    default_scope: str = DEFAULT_SCOPE

    def issue(self, body: bytes, content_type: str) -> dict[str, Any]:
        """The token response for a ``client_credentials`` request, or an :class:`ApiError`."""
        params = _read_body(body, content_type)
        grant = params.get("grant_type")
        if grant != "client_credentials":
            raise error(
                400,
                "INVALID_FIELD_VALUE" if grant else "PARAM_MISSING",
                f"grant_type - {shown(grant)} is not a grant type this server issues tokens for."
                if grant
                else "grant_type is missing.",
                pointer="/grant_type",
            )
        same_id = _same(params.get("client_id"), self.client_id)
        same_secret = _same(params.get("client_secret"), self.client_secret)
        if not (same_id and same_secret):
            raise error(
                401, "UNAUTHORIZED", "Client authentication failed: unknown client or wrong secret.", "Unauthorized"
            )
        scope = params.get("scope") or self.default_scope
        if not isinstance(scope, str):
            raise error(400, "INVALID_DATA_FORMAT", f"scope must be text, not {shown(scope)}.")
        now = int(time.time())
        payload = {
            "organization": {"id": self.organization_id, "slug": self.organization_slug, "enterprise": False},
            "application": {
                "id": self.application_id,
                "client_id": self.client_id,
                "kind": "integration",
                "public": False,
                "confidential": True,
            },
            "scope": scope,
            "exp": now + self.lifetime,
            "test": self.test,
            "rand": secrets.token_hex(8),
            "iat": now,
            "iss": ISSUER,
        }
        return {
            "access_token": self.sign(payload),
            "token_type": "bearer",
            "expires_in": self.lifetime,
            "scope": scope,
            "created_at": now,
        }

    def sign(self, payload: dict[str, Any]) -> str:
        header = _b64(json.dumps({"alg": "HS512", "typ": "JWT"}, separators=(",", ":")).encode())
        body = _b64(json.dumps(payload, separators=(",", ":")).encode())
        signature = hmac.new(self.key, f"{header}.{body}".encode(), hashlib.sha512).digest()
        return f"{header}.{body}.{_b64(signature)}"

    def check(self, authorization: str | None) -> dict[str, Any]:
        """The payload of a valid ``Authorization: Bearer`` token; 401 ``INVALID_TOKEN`` for anything else."""
        if not authorization or not authorization.lower().startswith("bearer "):
            raise invalid_token()
        token = authorization[7:].strip()
        parts = token.split(".")
        if len(parts) != 3:
            raise invalid_token()
        expected = hmac.new(self.key, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha512).digest()
        try:
            valid = hmac.compare_digest(_unb64(parts[2]), expected)
            payload = json.loads(_unb64(parts[1])) if valid else None
        except (ValueError, UnicodeDecodeError):
            raise invalid_token() from None
        if not isinstance(payload, dict) or payload.get("exp", 0) <= time.time():
            raise invalid_token()
        return payload


def _same(sent: Any, expected: str) -> bool:
    """A constant-time comparison that also takes what no credential is (numbers, lists, non-ASCII text)."""
    text = sent if isinstance(sent, str) else ""
    return hmac.compare_digest(text.encode("utf-8", "surrogatepass"), expected.encode())


def _read_body(body: bytes, content_type: str) -> dict[str, Any]:
    """JSON, as Commerce Layer documents; form-encoded too, as OAuth clients often send."""
    if "application/x-www-form-urlencoded" in content_type:
        return dict(parse_qsl(body.decode(errors="replace")))
    try:
        loaded = parse_json(body or b"{}")
    except BadJson as exc:
        try:
            return dict(parse_qsl(body.decode(), strict_parsing=True))
        except ValueError:
            detail = f"The request body is neither a form nor acceptable JSON: it {exc.message}."
            raise error(400, "INVALID_DATA_FORMAT", detail) from None
    if not isinstance(loaded, dict):
        raise error(400, "INVALID_DATA_FORMAT", "The request body must be a JSON object.")
    return loaded


__all__ = ["ApiError", "Authority"]
