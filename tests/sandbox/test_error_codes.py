"""The sandbox answers only with codes Commerce Layer's own clients know.

Commerce Layer documents 405, 413 and 429 as statuses without a code of their own; a client switching on
``code`` must not meet an invented one (``METHOD_NOT_ALLOWED``, ``TOO_MANY_REQUESTS``, ``PAYLOAD_TOO_LARGE``,
``UNSUPPORTED_GRANT_TYPE`` were). Every test's ``one_error`` checks the list too; these are the cases that had
codes of their own making, over real HTTP, plus a reading of the sources for any code written literally.
"""

from __future__ import annotations

import ast
from pathlib import Path

import httpx

from desktop_app.sandbox import RunningSandbox, start_background
from desktop_app.sandbox.bodies import MAX_BODY_BYTES
from desktop_app.sandbox.errors import CODES, COMMERCE_LAYER_CODES, code_for
from desktop_app.sandbox.ratelimit import Limit
from tests.sandbox.core_support import one_error, small_company

SANDBOX = Path(__file__).resolve().parents[2] / "desktop_app" / "sandbox"


def test_a_disabled_method_is_405_forbidden(api: httpx.Client, server: RunningSandbox) -> None:
    refused = one_error(api.delete("reserved_stocks/ResTshMil0"), 405, "FORBIDDEN")
    assert refused["title"] == "Method not allowed"
    one_error(httpx.get(server.token_url), 405, "FORBIDDEN")


def test_an_unknown_grant_type_names_the_field(server: RunningSandbox) -> None:
    sent = {"grant_type": "password", "client_id": server.client_id, "client_secret": server.client_secret}
    refused = one_error(httpx.post(server.token_url, json=sent), 400, "INVALID_FIELD_VALUE")
    assert refused["detail"].startswith("grant_type - ") and "password" in refused["detail"]
    assert refused["source"] == {"pointer": "/grant_type"}
    missing = {"client_id": server.client_id, "client_secret": server.client_secret}
    one_error(httpx.post(server.token_url, json=missing), 400, "PARAM_MISSING")


def test_a_body_over_the_limit_is_413_invalid_data_format(api: httpx.Client) -> None:
    body = b'{"data": {"type": "skus", "id": "SkuTshirt0", "attributes": {"name": "' + b"x" * MAX_BODY_BYTES + b'"}}}'
    refused = one_error(api.patch("skus/SkuTshirt0", content=body), 413, "INVALID_DATA_FORMAT")
    assert f"{MAX_BODY_BYTES:,}" in refused["detail"]


def test_rate_limiting_is_429_forbidden_with_the_window() -> None:
    with start_background(
        seed="empty", records=small_company(), rate_limits="test", rate_limit_overrides={"token": Limit(1, 60)}
    ) as limited:
        sent = {"grant_type": "client_credentials", "client_id": limited.client_id}
        sent["client_secret"] = limited.client_secret
        assert httpx.post(limited.token_url, json=sent).status_code == 200
        refused = httpx.post(limited.token_url, json=sent)
        one_error(refused, 429, "FORBIDDEN")
        assert refused.json()["errors"][0]["title"] == "Too many requests"
        assert refused.headers["x-ratelimit-remaining"] == "0"


def test_every_bare_status_maps_to_a_listed_code() -> None:
    assert set(CODES.values()) <= COMMERCE_LAYER_CODES
    for status in range(400, 600):
        assert code_for(status) in COMMERCE_LAYER_CODES, status


def test_no_source_of_the_sandbox_writes_another_code() -> None:
    """Any upper-case literal passed to ``error(...)`` or ``ErrorObject(...)`` is one of Commerce Layer's codes."""
    unknown: list[str] = []
    for path in sorted(SANDBOX.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("error", "ErrorObject")):
                continue
            for argument in ast.walk(node):
                text = argument.value if isinstance(argument, ast.Constant) else None
                if isinstance(text, str) and text.isupper() and "_" in text and text not in COMMERCE_LAYER_CODES:
                    unknown.append(f"{path.name}: {text}")
    assert unknown == []
