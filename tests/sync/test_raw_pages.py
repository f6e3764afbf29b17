"""The listing the full sync reads: ``list_all_raw`` must carry the same pages as the typed ``list_all``."""

from __future__ import annotations

import json

import pytest

from desktop_app.api import ServerError
from desktop_app.api.raw import read_raw_page
from desktop_app.api.records import parse_page
from desktop_app.sync import includes
from tests.support.sandbox import SandboxProcess
from tests.sync.conftest import client_of


@pytest.mark.asyncio
@pytest.mark.parametrize("type_", ["stock_items", "stock_levels"])
async def test_raw_pages_match_the_typed_pages(sandbox: SandboxProcess, type_: str) -> None:
    async with client_of(sandbox) as client:
        typed = [page async for page in client.list_all(type_, include=includes(type_), page_size=7)]
        raw = [page async for page in client.list_all_raw(type_, include=includes(type_), page_size=7)]
    assert len(raw) == len(typed) > 1
    for plain, text in zip(typed, raw, strict=True):
        assert (text.number, text.record_count, text.page_count) == (plain.number, plain.record_count, plain.page_count)
        assert text.type == plain.records[0].type != "stock_levels"
        decoded = parse_page(json.loads(text.text), text.number).records
        assert [(r.id, r.attributes, r.relationships) for r in decoded] == [
            (r.id, r.attributes, r.relationships) for r in plain.records
        ]


def test_counts_come_from_the_list_meta_or_the_whole_document() -> None:
    record = b'{"id":"a","type":"skus","attributes":{"metadata":{"x":[],"meta":{"record_count":1,"page_count":1}}}}'
    body = b'{"data":[' + record + b'],"meta":{"record_count":9,"page_count":3},"included":[' + record + b"]}"
    assert (read_raw_page("skus", body, 2).record_count, read_raw_page("skus", body, 2).page_count) == (9, 3)
    spaced = b'{"data": [], "meta": {"record_count": 4, "page_count": 2}}'
    assert read_raw_page("skus", spaced, 1).page_count == 2
    with pytest.raises(ValueError, match="not a JSON:API list"):
        read_raw_page("skus", b'{"data": {"id": "a"}}', 1)


@pytest.mark.asyncio
async def test_an_answer_that_is_not_a_list_is_a_server_error(sandbox: SandboxProcess) -> None:
    async with client_of(sandbox) as client:
        client._transport.request_bytes = _single  # type: ignore[method-assign]
        with pytest.raises(ServerError, match="unexpected answer"):
            async for _ in client.list_all_raw("skus"):
                pass


async def _single(*_: object, **__: object) -> bytes:
    return b'{"data": {"id": "a", "type": "skus"}}'
