"""Behaviour Commerce Layer inherits from Rails, which clients written against it come to rely on."""

from __future__ import annotations

from typing import Any

import httpx

from tests.sandbox.core_support import one_error


def _patch(api: httpx.Client, path: str, attributes: dict[str, Any]) -> httpx.Response:
    type_, id_ = path.split("/")
    return api.patch(path, json={"data": {"type": type_, "id": id_, "attributes": attributes}})


def test_booleans_accept_what_rails_casts(api: httpx.Client) -> None:
    spellings = [("1", True), ("0", False), ("true", True), ("false", False), ("t", True), ("f", False)]
    spellings += [("TRUE", True), ("FALSE", False), ("on", True), ("off", False), (1, True), (0, False)]
    for sent, meant in spellings:
        response = _patch(api, "skus/SkuTshirt0", {"do_not_track": sent})
        assert response.status_code == 200, (sent, response.text)
        assert response.json()["data"]["attributes"]["do_not_track"] is meant, sent
    for guess in ("yes", "no", "2", 2, "maybe"):
        error = one_error(_patch(api, "skus/SkuTshirt0", {"do_not_track": guess}), 422, "VALIDATION_ERROR")
        assert error["detail"] == "do_not_track - must be true or false"
