"""Signing in, reusing and renewing tokens against the sandbox, and keeping secrets out of every log record."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from desktop_app.api import AuthenticationError, CommerceLayerClient, Credentials, Endpoint, NetworkError, Token
from tests.api.conftest import ClientFactory
from tests.support.sandbox import SandboxProcess


@pytest.mark.asyncio
async def test_sign_in_reads_the_token(make_client: ClientFactory, fresh_sandbox: SandboxProcess) -> None:
    seen: list[Token] = []
    async with make_client(on_token=seen.append) as client:
        token = await client.authenticate()
        assert token.test is True
        assert token.organization_slug == "stockroom-demo"
        assert token.expires_at > datetime.now(UTC) + timedelta(minutes=30)
        assert seen == [token]
        await client.list_page("skus")
        await client.list_page("stock_items")
        assert client.stats.token_requests == 1  # reused, not asked again
    posts = [r for r in fresh_sandbox.requests() if r["path"] == "/oauth/token"]
    assert len(posts) == 1


@pytest.mark.asyncio
async def test_stored_token_is_used_without_signing_in(make_client: ClientFactory) -> None:
    async with make_client() as first:
        token = await first.authenticate()
    async with make_client(token=token) as client:
        page = await client.list_page("stock_locations")
        assert page.records
        assert client.stats.token_requests == 0


@pytest.mark.asyncio
async def test_wrong_secret_is_refused(fresh_sandbox: SandboxProcess) -> None:
    endpoint = Endpoint.custom(fresh_sandbox.url)
    async with CommerceLayerClient(endpoint, Credentials(fresh_sandbox.client_id, "not-the-secret")) as client:
        with pytest.raises(AuthenticationError) as caught:
            await client.authenticate()
        assert caught.value.status == 401
        with pytest.raises(AuthenticationError):
            await client.list_page("skus")
    async with CommerceLayerClient(endpoint, Credentials("nobody", fresh_sandbox.client_secret)) as client:
        with pytest.raises(AuthenticationError):
            await client.authenticate()


@pytest.mark.asyncio
async def test_expired_token_is_renewed_once_and_the_request_retried(
    make_client: ClientFactory, fresh_sandbox: SandboxProcess
) -> None:
    seen: list[Token] = []
    async with make_client(on_token=seen.append) as client:
        await client.authenticate()
        fresh_sandbox.fault(path="/api/skus", expire_token=True)
        page = await client.list_page("skus")
        assert len(page.records) == 25
        assert client.stats.token_refreshes == 1
        assert len(seen) == 2 and seen[0].access_token != seen[1].access_token
        # Refused twice in a row: renewed once, then the refusal reaches the caller.
        fresh_sandbox.fault(path="/api/skus", expire_token=True, count=2)
        with pytest.raises(AuthenticationError) as caught:
            await client.list_page("skus")
        assert caught.value.code == "INVALID_TOKEN"
        assert client.stats.token_refreshes == 2


@pytest.mark.asyncio
async def test_token_nearly_expired_is_renewed_before_use(make_client: ClientFactory) -> None:
    async with make_client() as first:
        token = await first.authenticate()
    stale = Token(token.access_token, datetime.now(UTC) + timedelta(seconds=30), True, token.scope, "stockroom-demo")
    async with make_client(token=stale) as client:
        await client.list_page("skus")
        assert client.stats.token_requests == 1
        assert client.token is not None and client.token.access_token != token.access_token


@pytest.mark.asyncio
async def test_unreachable_server_is_a_network_error() -> None:
    endpoint = Endpoint.custom("http://127.0.0.1:9")  # discard port: nothing listens
    async with CommerceLayerClient(endpoint, Credentials("id", "secret-xyz"), max_retries=1) as client:
        with pytest.raises(NetworkError):
            await client.list_page("skus")


@pytest.mark.asyncio
async def test_no_log_record_holds_the_secret_or_a_token(
    make_client: ClientFactory, fresh_sandbox: SandboxProcess, caplog: pytest.LogCaptureFixture
) -> None:
    """A whole run at DEBUG, every logger: sign-in, renewal, reads, writes, failures; raw records are searched."""
    tokens: list[Token] = []
    caplog.set_level(logging.DEBUG)
    async with make_client(on_token=tokens.append, max_retries=2) as client:
        await client.authenticate()
        async for _ in client.list_all("stock_levels", include=["stock_location"]):
            pass
        fresh_sandbox.fault(path="/api/skus", expire_token=True)
        await client.list_page("skus", filters={"code_start": "BACK"})
        fresh_sandbox.fault(path="/api/stock_items", status=503, count=2)
        await client.list_page("stock_items")
        created = await client.create("shipping_categories", attributes={"name": "Logs", "code": "LOGS-1"})
        await client.update("shipping_categories", created.id, attributes={"name": "Logs 2"})
        await client.delete("shipping_categories", created.id)
        bad = CommerceLayerClient(
            Endpoint.custom(fresh_sandbox.url), Credentials(fresh_sandbox.client_id, "wrong-secret-value")
        )
        with pytest.raises(AuthenticationError):
            await bad.authenticate()
        await bad.aclose()
    secrets = [fresh_sandbox.client_secret, "wrong-secret-value", *(t.access_token for t in tokens)]
    assert len(tokens) == 2
    assert len(caplog.records) > 20
    lines = [r.getMessage() for r in caplog.records if r.name == "desktop_app.api" and r.levelno == logging.DEBUG]
    assert any(line.startswith("GET ") and "/api/skus?filter[q][code_start]=BACK" in line for line in lines)
    assert any("HTTP 503, retry 1 of 2" in line for line in lines)
    for record in caplog.records:
        text = record.getMessage() + repr(record.args) + str(record.exc_text or "")
        for secret in secrets:
            assert secret not in text, f"{record.name}: {record.getMessage()[:120]}"
        assert "Bearer " not in text


@pytest.mark.asyncio
async def test_concurrent_first_requests_share_one_token(make_client: ClientFactory) -> None:
    async with make_client() as client:
        pages = [p async for p in client.list_all("skus")]
        assert len(pages) == 12
        assert client.stats.token_requests == 1


@pytest.mark.asyncio
async def test_a_failing_token_store_does_not_fail_the_request(
    make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    def broken_store(token: Token) -> None:
        raise OSError("keyring locked")

    async with make_client(on_token=broken_store) as client:
        page = await client.list_page("skus")
    assert page.records
    assert "keyring locked" in caplog.text


@pytest.mark.asyncio
async def test_scope_is_asked_for(fresh_sandbox: SandboxProcess) -> None:
    credentials = Credentials(fresh_sandbox.client_id, fresh_sandbox.client_secret, scope="market:code:europe")
    async with CommerceLayerClient(Endpoint.custom(fresh_sandbox.api_url), credentials, rate_limits="off") as client:
        token = await client.authenticate()
    assert token.scope == "market:code:europe"
