"""The client's pure parts: endpoints, JWT payloads, documents, query parameters, error mapping, backoff."""

from __future__ import annotations

import base64
import json
import random
from datetime import UTC, datetime, timedelta

import pytest

from desktop_app.api import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    Credentials,
    Endpoint,
    LockedError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    Token,
    ValidationError,
    decode_jwt_payload,
)
from desktop_app.api.documents import create_document, query_params, update_document
from desktop_app.api.errors import ApiError, error_from_response, field_from_pointer
from desktop_app.api.records import parse_page, parse_record
from desktop_app.api.retry import Backoff, maybe_committed, retryable_exception, retryable_status
from desktop_app.errors import StockroomError, UsageError
from desktop_app.logs import redact
from desktop_app.schema import FieldError, QueryError


def jwt(payload: dict[str, object]) -> str:
    def part(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'HS512', 'typ': 'JWT'})}.{part(payload)}.c2lnbmF0dXJl"


# -- endpoints ------


def test_organization_endpoint() -> None:
    endpoint = Endpoint.for_organization("acme-outdoor")
    assert endpoint.base_url == "https://acme-outdoor.commercelayer.io/api"
    assert endpoint.token_url == "https://auth.commercelayer.io/oauth/token"
    with pytest.raises(UsageError, match="slug"):
        Endpoint.for_organization("Acme Outdoor!")


@pytest.mark.parametrize(
    ("base", "token", "api", "token_url"),
    [
        ("http://127.0.0.1:8123", None, "http://127.0.0.1:8123/api", "http://127.0.0.1:8123/oauth/token"),
        ("http://127.0.0.1:8123/api/", None, "http://127.0.0.1:8123/api", "http://127.0.0.1:8123/oauth/token"),
        ("http://localhost:9/api", None, "http://localhost:9/api", "http://localhost:9/oauth/token"),
        ("http://[::1]:9", None, "http://[::1]:9/api", "http://[::1]:9/oauth/token"),
        ("http://127.8.0.3", None, "http://127.8.0.3/api", "http://127.8.0.3/oauth/token"),
        (
            "https://proxy.example.com/cl",
            "https://auth.example.com/t",
            "https://proxy.example.com/cl/api",
            "https://auth.example.com/t",
        ),
    ],
)
def test_custom_endpoints(base: str, token: str | None, api: str, token_url: str) -> None:
    endpoint = Endpoint.custom(base, token)
    assert (endpoint.base_url, endpoint.token_url) == (api, token_url)


@pytest.mark.parametrize(
    ("base", "token", "named"),
    [
        ("http://example.com/api", None, "http://example.com/api"),
        ("http://10.0.0.2:8000", None, "http://10.0.0.2:8000"),
        ("https://ok.example.com", "http://auth.example.com/oauth/token", "http://auth.example.com/oauth/token"),
        ("ftp://127.0.0.1", None, "ftp://127.0.0.1"),
        ("not a url", None, "not a url"),
    ],
)
def test_unsafe_endpoints_are_refused_naming_the_url(base: str, token: str | None, named: str) -> None:
    with pytest.raises(UsageError) as caught:
        Endpoint.custom(base, token)
    assert named in str(caught.value)


# -- tokens ------


def test_jwt_payload_is_read_without_verifying() -> None:
    exp = int((datetime.now(UTC) + timedelta(hours=2)).timestamp())
    raw = jwt({"organization": {"slug": "acme"}, "test": True, "exp": exp, "scope": "market:all"})
    assert decode_jwt_payload(raw)["organization"] == {"slug": "acme"}
    token = Token.from_access_token(raw)
    assert token.test is True
    assert token.organization_slug == "acme"
    assert token.scope == "market:all"
    assert int(token.expires_at.timestamp()) == exp
    assert token.fresh()
    assert decode_jwt_payload("opaque-token") == {}
    assert decode_jwt_payload("a.%%%.c") == {}


def test_token_from_response_uses_expires_in_and_renews_before_expiry() -> None:
    raw = jwt({"organization": {"slug": "acme"}, "test": False})
    token = Token.from_response({"access_token": raw, "expires_in": 7200, "scope": "market:code:eu"})
    assert token.test is False and token.scope == "market:code:eu"
    now = datetime.now(UTC)
    assert token.fresh(now)
    assert token.fresh(now + timedelta(seconds=7000))
    assert not token.fresh(now + timedelta(seconds=7150))
    short = Token.from_response({"access_token": raw, "expires_in": 60})
    assert short.fresh(now + timedelta(seconds=50))
    assert not short.fresh(now + timedelta(seconds=56))
    with pytest.raises(ValueError, match="access_token"):
        Token.from_response({"error": "nope"})
    naive = Token("opaque-naive-token", datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=1), True, "", None)
    assert naive.fresh()


def test_secret_and_token_are_hidden_from_repr_and_logs() -> None:
    credentials = Credentials("client-id-1", "very-secret-value-77", scope="market:all")
    assert "very-secret-value-77" not in repr(credentials)
    assert "very-secret-value-77" not in redact("sent very-secret-value-77 to the server")
    token = Token.from_access_token("opaque-token-value-123", expires_in=60)
    assert "opaque-token-value-123" not in repr(token)
    assert "opaque-token-value-123" not in redact("token=opaque-token-value-123")


# -- documents and queries ------


def test_create_document_holds_only_what_is_given_with_wire_type() -> None:
    doc = create_document(
        "stock_levels",
        {"priority": "2", "on_hold": False},
        {"stock_location": "LOC1234567", "inventory_model": "MOD1234567"},
        stock_levels_path="stock_levels",
    )
    assert doc == {
        "data": {
            "type": "stock_levels",
            "attributes": {"priority": 2, "on_hold": False},
            "relationships": {
                "stock_location": {"data": {"type": "stock_locations", "id": "LOC1234567"}},
                "inventory_model": {"data": {"type": "inventory_models", "id": "MOD1234567"}},
            },
        }
    }
    modern = create_document("stock_levels", {"priority": 1}, stock_levels_path="inventory_stock_locations")
    assert modern["data"]["type"] == "inventory_stock_locations"


def test_update_document() -> None:
    doc = update_document("stock_items", "ITEM123456", {"quantity": 4}, {"sku": None})
    assert doc == {
        "data": {
            "type": "stock_items",
            "id": "ITEM123456",
            "attributes": {"quantity": 4},
            "relationships": {"sku": {"data": None}},
        }
    }
    assert update_document("stock_transfers", "T", {"_complete": True})["data"]["attributes"] == {"_complete": True}
    assert update_document("skus", "S") == {"data": {"type": "skus", "id": "S"}}


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: create_document("stock_items", {"quantty": 1}), "quantty"),
        (lambda: create_document("stock_items", {"quantity": "many"}), "quantity"),
        (lambda: create_document("stock_items", {"created_at": "2020-01-01"}), "created_at"),
        (lambda: create_document("stock_transfers", {"_complete": True}), "_complete"),
        (lambda: create_document("stock_items", {"quantity": 1}, {"skuu": "X"}), "skuu"),
        (lambda: create_document("stock_items", {"quantity": 1}, {"sku": ["A", "B"]}), "sku"),
        (lambda: create_document("reserved_stocks", {}), "type"),
        (lambda: update_document("stock_items", "X", {"id": "Y"}), "id"),
        (lambda: update_document("inventory_models", "X", {"strategy": 3}), "strategy"),
    ],
)
def test_bad_documents_name_the_field(call: object, field: str) -> None:
    with pytest.raises(FieldError) as caught:
        call()  # type: ignore[operator]
    assert caught.value.field == field


def test_query_params() -> None:
    params = query_params(
        "stock_items",
        filters={"quantity_gteq": 3, "sku_code_in": ["A", "B C"], "reference_null": True},
        sort=["-quantity", "created_at"],
        include=["sku", "stock_location"],
        fields={"stock_items": ["quantity"], "skus": ["code", "name"]},
        page=3,
        page_size=25,
    )
    assert params == {
        "filter[q][quantity_gteq]": "3",
        "filter[q][sku_code_in]": "A,B C",
        "filter[q][reference_null]": "true",
        "sort": "-quantity,created_at",
        "include": "sku,stock_location",
        "fields[stock_items]": "quantity",
        "fields[skus]": "code,name",
        "page[number]": "3",
        "page[size]": "25",
    }
    legacy = query_params("inventory_stock_locations", fields=["priority"], stock_levels_path="stock_levels")
    assert legacy == {"fields[stock_levels]": "priority"}


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"filters": {"quantity_wobble": 1}}, "filter[q][quantity_wobble]"),
        ({"sort": "-nonsense"}, "sort"),
        ({"include": "nothing"}, "include"),
        ({"fields": ["nope"]}, "fields[stock_items]"),
        ({"page_size": 26}, "page[size]"),
        ({"page": 0}, "page[number]"),
    ],
)
def test_bad_queries_are_refused_locally(kwargs: dict[str, object], parameter: str) -> None:
    with pytest.raises(QueryError) as caught:
        query_params("stock_items", **kwargs)  # type: ignore[arg-type]
    assert caught.value.parameter == parameter


# -- records ------


def test_records_come_back_canonical_and_typed() -> None:
    body = {
        "data": [
            {
                "id": "LVL0000001",
                "type": "stock_levels",
                "attributes": {"priority": "1", "on_hold": False, "updated_at": "2018-01-01T12:00:00Z", "extra": 5},
                "relationships": {
                    "stock_location": {"data": {"type": "stock_locations", "id": "LOC0000001"}},
                    "inventory_model": {"links": {"related": "x"}},
                },
                "meta": {"mode": "test"},
            }
        ],
        "included": [{"id": "LOC0000001", "type": "stock_locations", "attributes": {"name": "Main"}}],
        "meta": {"record_count": 26, "page_count": 2},
    }
    page = parse_page(body, 1)
    record = page.records[0]
    assert record.type == "inventory_stock_locations"
    assert record.attributes["priority"] == 1
    assert record.updated_at == "2018-01-01T12:00:00.000Z"
    assert record.attributes["extra"] == 5
    assert record.relationships == {"stock_location": "LOC0000001"}
    assert (page.record_count, page.page_count, page.number) == (26, 2, 1)
    located = page.related(record, "stock_location")
    assert located is not None and not isinstance(located, list) and located.attributes["name"] == "Main"
    many = parse_record(
        {"id": "M", "type": "inventory_models", "relationships": {"inventory_stock_locations": {"data": []}}}
    )
    assert many.relationships == {"inventory_stock_locations": []}


# -- errors ------


def test_pointer_to_field() -> None:
    assert field_from_pointer("/data/attributes/priority") == "priority"
    assert field_from_pointer("/data/relationships/sku") == "sku"
    assert field_from_pointer("/data") is None
    assert field_from_pointer(None) is None


def _body(status: int, code: str, pointer: str | None = None, detail: str = "went wrong") -> bytes:
    error: dict[str, object] = {"title": "t", "detail": detail, "code": code, "status": str(status)}
    if pointer:
        error["source"] = {"pointer": pointer}
    return json.dumps({"errors": [error]}).encode()


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (400, "FILTER_NOT_ALLOWED", BadRequestError),
        (401, "INVALID_TOKEN", AuthenticationError),
        (404, "RECORD_NOT_FOUND", NotFoundError),
        (409, "VALIDATION_ERROR", ConflictError),
        (422, "VALIDATION_ERROR", ValidationError),
        (423, "LOCKED", LockedError),
        (429, "FORBIDDEN", RateLimitedError),
        (500, "INTERNAL_SERVER_ERROR", ServerError),
        (503, "SERVICE_UNAVAILABLE", ServerError),
    ],
)
def test_error_mapping(status: int, code: str, cls: type[ApiError]) -> None:
    error = error_from_response(status, _body(status, code))
    assert type(error) is cls
    assert isinstance(error, StockroomError)
    assert error.status == status and error.code == code
    assert error.errors[0].status == str(status)


def test_validation_errors_name_fields() -> None:
    body = json.dumps(
        {
            "errors": [
                {
                    "title": "must be less than or equal to 10",
                    "detail": "quantity - must be less than or equal to 10",
                    "code": "VALIDATION_ERROR",
                    "status": "422",
                    "source": {"pointer": "/data/attributes/quantity"},
                    "meta": {"error": "less_than_or_equal_to"},
                },
                {
                    "title": "can't be blank",
                    "detail": "sku - can't be blank",
                    "code": "VALIDATION_ERROR",
                    "status": "422",
                    "source": {"pointer": "/data/relationships/sku"},
                },
            ]
        }
    ).encode()
    error = error_from_response(422, body)
    assert isinstance(error, ValidationError)
    assert error.field_errors == {"quantity": "must be less than or equal to 10", "sku": "can't be blank"}
    assert error.field == "quantity"
    assert error.errors[0].meta == {"error": "less_than_or_equal_to"}
    assert "quantity - must be less than or equal to 10" in str(error)


def test_non_json_error_bodies_still_map() -> None:
    error = error_from_response(502, b"<html>Bad gateway</html>")
    assert isinstance(error, ServerError) and error.status == 502 and "502" in str(error)


# -- retry policy ------


def test_backoff_is_jittered_exponential_and_capped() -> None:
    backoff = Backoff(base=0.2, cap=5.0)
    rng = random.Random(4)
    for attempt in range(1, 10):
        ceiling = min(5.0, 0.2 * 2 ** (attempt - 1))
        delays = [backoff.delay(attempt, rng) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1
    refusals = [Backoff().refused_delay(attempt, rng) for attempt in range(1, 6)]
    assert sum(refusals) >= 10.0  # five refusals outlast a whole burst window
    assert all(d <= 10.0 for d in refusals)


def test_what_is_retried() -> None:
    import httpx

    assert retryable_status("GET", 503) and retryable_status("PATCH", 500) and retryable_status("DELETE", 502)
    assert not retryable_status("POST", 503)
    assert retryable_status("POST", 429)
    assert not retryable_status("GET", 404)
    assert retryable_exception("POST", httpx.ConnectError("refused"))
    assert not retryable_exception("POST", httpx.ReadError("reset"))
    assert retryable_exception("GET", httpx.ReadTimeout("slow"))
    assert maybe_committed("POST", httpx.RemoteProtocolError("dropped"))
    assert not maybe_committed("POST", httpx.ConnectError("refused"))
    assert not maybe_committed("GET", httpx.ReadError("reset"))


@pytest.mark.asyncio
async def test_tls_is_always_verified() -> None:
    import ssl

    from desktop_app.api import CommerceLayerClient

    with pytest.raises(UsageError):
        Endpoint("http://shop.example.com/api", "https://auth.example.com/oauth/token")
    client = CommerceLayerClient(Endpoint.for_organization("acme"), Credentials("id", "secret-for-tls-test"))
    try:
        context = client._transport.http._transport._pool._ssl_context  # type: ignore[attr-defined]
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    finally:
        await client.aclose()
