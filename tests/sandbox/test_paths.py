"""Which paths the sandbox answers and how: the singletons, everything the catalogue lists, and what it does not."""

from __future__ import annotations

import httpx

from desktop_app.schema import singletons
from tests.sandbox.core_support import one_error


def test_organization_and_application_are_served_as_singletons(api: httpx.Client) -> None:
    organization = api.get("organization").json()["data"]
    assert (organization["type"], organization["attributes"]["slug"]) == ("organizations", "stockroom-demo")
    assert organization["attributes"]["name"] == "Stockroom demo"
    assert set(organization["attributes"]) == set(singletons()["organization"].fields) - {"id"}
    application = api.get("application").json()["data"]
    assert application["type"] == "applications"
    assert application["attributes"]["kind"] == "integration"
    assert application["attributes"]["secret"] is None, "the secret is never echoed"
    sparse = api.get("application", params={"fields[applications]": "name,kind"}).json()["data"]["attributes"]
    assert sparse == {"name": "Stockroom sandbox", "kind": "integration"}
    one_error(api.get("application", params={"include": "organization"}), 400, "PARAM_NOT_ALLOWED")
    one_error(api.delete("organization"), 405)
    one_error(api.get("organization", headers={"Authorization": ""}), 401, "INVALID_TOKEN")
