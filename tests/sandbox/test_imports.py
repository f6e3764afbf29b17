"""``POST /api/imports`` as Commerce Layer answers it: a job that goes pending → in progress → completed, applies
each input as its own POST or PATCH would be applied, and files every refused input by id, code or position."""

from __future__ import annotations

import itertools
import time
from typing import Any

import httpx

from tests.sandbox.api_session import api_session
from tests.support.sandbox import SandboxProcess, start_sandbox


def _job(api: httpx.Client, **attributes: Any) -> httpx.Response:
    return api.post("imports", json={"data": {"type": "imports", "attributes": attributes}})


def _until_done(api: httpx.Client, job_id: str) -> tuple[dict[str, Any], list[str]]:
    """Poll the job until it ends; its last attributes and every status seen on the way."""
    seen: list[str] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        response = api.get(f"imports/{job_id}")
        assert response.status_code == 200, response.text
        attributes: dict[str, Any] = response.json()["data"]["attributes"]
        if not seen or seen[-1] != attributes["status"]:
            seen.append(attributes["status"])
        if attributes["status"] in ("completed", "interrupted"):
            return attributes, seen
        time.sleep(0.05)
    raise AssertionError(f"the import never ended: {seen}")


def _free_pair(api: httpx.Client) -> tuple[str, str]:
    items = api.get("stock_items", params={"page[size]": "25", "include": "sku,stock_location"}).json()["data"]
    taken = {
        (i["relationships"]["sku"]["data"]["id"], i["relationships"]["stock_location"]["data"]["id"]) for i in items
    }
    skus = [s["id"] for s in api.get("skus", params={"page[size]": "25"}).json()["data"]]
    locations = [loc["id"] for loc in api.get("stock_locations", params={"page[size]": "25"}).json()["data"]]
    count = api.get("stock_items", params={"page[size]": "1"}).json()["meta"]["record_count"]
    for sku, location in itertools.product(skus, locations):
        found = api.get(
            "stock_items", params={"filter[q][sku_id_eq]": sku, "filter[q][stock_location_id_eq]": location}
        )
        if (sku, location) not in taken and found.json()["meta"]["record_count"] == 0:
            return sku, location
    raise AssertionError(f"no free pair among {count} stock items")


def test_an_import_creates_and_updates_and_logs_each_refused_input(fresh_sandbox: SandboxProcess) -> None:
    with api_session(fresh_sandbox) as api:
        item, other = api.get("stock_items", params={"page[size]": "2"}).json()["data"]
        sku, location = _free_pair(api)
        inputs = [
            {"id": item["id"], "quantity": 321},
            {"quantity": 9, "sku_id": sku, "stock_location_id": location, "metadata": {"mark": "imported"}},
            {"id": other["id"], "quantity": "lots"},
            {"id": "NOSUCHITEM", "quantity": 1},
            {"quantity": 2, "sku_id": sku, "stock_location_id": location},  # a second item for the same pair
        ]
        created = _job(api, resource_type="stock_items", inputs=inputs, skip_errors=True, reference="batch-1")
        assert created.status_code == 201, created.text
        job = created.json()["data"]
        assert job["type"] == "imports" and job["attributes"]["status"] == "pending"
        assert job["attributes"]["inputs_size"] == 5 and job["attributes"]["format"] == "json"
        assert "inputs" not in job["attributes"]  # transient: never stored or shown
        done, seen = _until_done(api, job["id"])
        assert seen[0] == "pending" and seen[-1] == "completed"
        assert (done["processed_count"], done["errors_count"]) == (2, 3)
        log = done["errors_log"]
        assert log[other["id"]] == {"quantity": ["must be an integer"]}  # filed by id, else position
        assert log["NOSUCHITEM"] == {"id": ["was not found"]}
        assert list(log["4"]) == ["sku"] or list(log["4"]) == ["base"], log["4"]
        assert done["started_at"] and done["completed_at"]
        assert api.get(f"stock_items/{item['id']}").json()["data"]["attributes"]["quantity"] == 321
        made = api.get(
            "stock_items", params={"filter[q][sku_id_eq]": sku, "filter[q][stock_location_id_eq]": location}
        ).json()
        assert made["meta"]["record_count"] == 1
        assert made["data"][0]["attributes"]["metadata"] == {"mark": "imported"}
        listed = api.get("imports", params={"filter[q][reference_eq]": "batch-1"}).json()
        assert [j["id"] for j in listed["data"]] == [job["id"]]


def test_csv_inputs_are_read_with_each_fields_rules(fresh_sandbox: SandboxProcess) -> None:
    with api_session(fresh_sandbox) as api:
        first, second = api.get("stock_items", params={"page[size]": "2"}).json()["data"]
        text = f"\ufeffid,quantity\n{first['id']},44\n{second['id']},-\n"
        created = _job(api, resource_type="stock_items", format="csv", inputs=text, skip_errors=True)
        assert created.status_code == 201, created.text
        done, _ = _until_done(api, created.json()["data"]["id"])
        assert (done["processed_count"], done["errors_count"]) == (1, 1)
        assert list(done["errors_log"]) == [second["id"]]
        assert api.get(f"stock_items/{first['id']}").json()["data"]["attributes"]["quantity"] == 44


def test_without_skip_errors_a_job_with_too_many_failures_is_interrupted(fresh_sandbox: SandboxProcess) -> None:
    with api_session(fresh_sandbox) as api:
        item = api.get("stock_items", params={"page[size]": "1"}).json()["data"][0]
        inputs = [{"id": item["id"], "quantity": "x"}, *[{"id": item["id"], "quantity": n} for n in range(5)]]
        done, _ = _until_done(api, _job(api, resource_type="stock_items", inputs=inputs).json()["data"]["id"])
        assert done["status"] == "interrupted" and done["interrupted_at"] and done["processed_count"] == 0


def test_a_job_that_cannot_start_is_refused_naming_the_field(fresh_sandbox: SandboxProcess) -> None:
    with api_session(fresh_sandbox) as api:
        cases = [
            ({"resource_type": "stock_items"}, "inputs", "can't be blank"),
            ({"resource_type": "stock_items", "inputs": "a,b"}, "inputs", "must be an array of objects"),
            ({"resource_type": "stock_items", "format": "xml", "inputs": [{}]}, "format", None),
            ({"resource_type": "orders", "inputs": [{}]}, "resource_type", None),
            ({"inputs": [{}]}, "resource_type", "can't be blank"),
            (
                {"resource_type": "stock_items", "inputs": [{}] * 10_001},
                "inputs",
                "is too long (maximum is 10000 items)",
            ),
        ]
        for attributes, field, title in cases:
            response = _job(api, **attributes)
            assert response.status_code == 422, (attributes.keys(), response.text)
            (problem,) = response.json()["errors"]
            assert problem["code"] == "VALIDATION_ERROR" and problem["status"] == "422"
            assert problem["source"]["pointer"] == f"/data/attributes/{field}"
            assert title is None or problem["title"] == title, problem
        status = _job(api, resource_type="stock_items", inputs=[{}], status="completed")
        assert status.status_code == 400 and status.json()["errors"][0]["code"] == "PARAM_NOT_ALLOWED"
        assert api.get("imports").json()["meta"]["record_count"] == 0


def _interrupt(api: httpx.Client, job_id: str) -> httpx.Response:
    body = {"data": {"type": "imports", "id": job_id, "attributes": {"_interrupt": True}}}
    return api.patch(f"imports/{job_id}", json=body)


def test_a_running_job_stops_when_interrupted_and_says_how_far_it_got(monkeypatch: Any, tmp_path: Any) -> None:
    monkeypatch.setenv("STOCKROOM_SANDBOX_IMPORT_PACE", "0.3")  # 50 inputs every 0.3 s: still running when told
    with start_sandbox(seed="bench:400") as sandbox, api_session(sandbox) as api:
        items = api.get("stock_items", params={"page[size]": "25"}).json()["data"]
        ids = [i["id"] for i in items]
        for page in range(2, 9):
            more = api.get("stock_items", params={"page[size]": "25", "page[number]": str(page)}).json()["data"]
            ids += [i["id"] for i in more]
        inputs = [{"id": item_id, "quantity": 4000 + n} for n, item_id in enumerate(ids)]
        job = _job(api, resource_type="stock_items", inputs=inputs, skip_errors=True).json()["data"]
        deadline = time.monotonic() + 20
        while api.get(f"imports/{job['id']}").json()["data"]["attributes"]["processed_count"] < 50:
            assert time.monotonic() < deadline, "the job never got going"
            time.sleep(0.02)
        stopped = _interrupt(api, job["id"])
        assert stopped.status_code == 200, stopped.text
        assert stopped.json()["data"]["attributes"]["status"] == "interrupted"
        time.sleep(0.8)  # the job notices before its next input and writes how far it got
        done = api.get(f"imports/{job['id']}").json()["data"]["attributes"]
        assert done["status"] == "interrupted" and done["interrupted_at"] and not done["completed_at"]
        processed = done["processed_count"]
        assert 50 <= processed < len(inputs)
        quantities = [api.get(f"stock_items/{i}").json()["data"]["attributes"]["quantity"] for i in ids]
        assert quantities[:processed] == [4000 + n for n in range(processed)]  # in order, up to where it stopped
        assert all(q != 4000 + n for n, q in enumerate(quantities) if n >= processed)

        again = _interrupt(api, job["id"])  # an interrupted job cannot be interrupted again
        assert again.status_code == 422, again.text
        (problem,) = again.json()["errors"]
        assert problem["code"] == "VALIDATION_ERROR" and problem["status"] == "422"
        assert problem["title"] == "cannot go from interrupted to interrupted"
        assert problem["source"]["pointer"] == "/data/attributes/_interrupt"


def test_a_completed_job_refuses_to_be_interrupted(fresh_sandbox: SandboxProcess) -> None:
    with api_session(fresh_sandbox) as api:
        item = api.get("stock_items", params={"page[size]": "1"}).json()["data"][0]
        job = _job(api, resource_type="stock_items", inputs=[{"id": item["id"], "quantity": 77}]).json()["data"]
        _until_done(api, job["id"])
        refused = _interrupt(api, job["id"])
        assert refused.status_code == 422, refused.text
        (problem,) = refused.json()["errors"]
        assert problem["title"] == "cannot go from completed to interrupted"
        assert problem["detail"] == "status - cannot go from completed to interrupted"
        assert api.get(f"imports/{job['id']}").json()["data"]["attributes"]["status"] == "completed"
        renamed = api.patch(
            f"imports/{job['id']}",
            json={"data": {"type": "imports", "id": job["id"], "attributes": {"reference": "kept"}}},
        )
        assert renamed.status_code == 200 and renamed.json()["data"]["attributes"]["reference"] == "kept"
