"""Commerce Layer's bulk imports: ``POST /api/imports`` queues a job that creates or updates many records.

The job is a record of the catalogue's ``import`` type. It answers ``pending`` at once; a moment later it goes
``in_progress``, applies its inputs one by one through the same create and update as single requests (the same
validation, versions and rules, so an input is refused exactly as its own POST or PATCH would be), then
``completed`` with ``processed_count`` (inputs applied), ``errors_count`` and ``errors_log``. Without
``skip_errors`` a job stops ``interrupted`` once more than a tenth of its inputs failed, as Commerce Layer's does.
A PATCH with ``_interrupt`` (the job's trigger) stops a ``pending`` or ``in_progress`` job before its next input:
``interrupted`` at once, its counts and ``errors_log`` saying what it did up to there; a job already ``completed``
or ``interrupted`` refuses it with a 422 in Commerce Layer's shape (an invalid transition of ``status``).

An input is a flat object: the fields, relationships as ``<name>_id``, and ``id`` for an update (without one, a
create). ``format`` ``csv`` takes the inputs as CSV text with a header row instead. ``errors_log`` holds each failed
input under its ``id``, else its ``code`` (the catalogue's example keys one by code), else its position in the
inputs (from 0), as ``{field: [messages]}`` (``base`` for the record as a whole).

The job's ``inputs`` are transient, as the catalogue marks them: read, applied, never stored or shown.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import os
from collections.abc import Mapping
from typing import Any, Protocol

from desktop_app.sandbox.errors import ApiError, ErrorObject, field_problem
from desktop_app.sandbox.stamps import defaults, timestamp
from desktop_app.sandbox.storage import Record, Store
from desktop_app.sandbox.validation import read_changes
from desktop_app.schema import FieldError, Resource, bulk_job_type, get_resource, parse_text


class RecordWrites(Protocol):
    """The single create and update a job applies each input through (the ``/api`` endpoints')."""

    def create_from(self, resource: Resource, data: dict[str, Any]) -> Record: ...

    def update_from(self, resource: Resource, old: Record, data: dict[str, Any]) -> Record: ...


log = logging.getLogger(__name__)

#: Commerce Layer takes at most this many inputs in one import.
MAX_INPUTS = 10_000
#: Seconds a job waits as ``pending`` before it starts (Commerce Layer queues them; the sandbox keeps it short).
PICKUP = 0.2
#: Inputs applied between two looks at the rest of the server's work (requests keep being answered meanwhile).
SLICE = 50
#: Share of failed inputs that interrupts a job not told to ``skip_errors``.
INTERRUPT_SHARE = 0.1
#: Where a test slows jobs down (seconds between two slices of inputs), so one is still running when it interrupts
#: it; Commerce Layer's jobs take minutes for what the sandbox applies in a moment.
PACE_VARIABLE = "STOCKROOM_SANDBOX_IMPORT_PACE"


def job_type() -> str | None:
    return bulk_job_type()


def _invalid_inputs(message: str, kind: str = "invalid") -> ApiError:
    return ApiError([field_problem("inputs", message, kind, "/data/attributes/inputs")])


def read_inputs(raw: Any, fmt: str) -> list[dict[str, Any]]:
    """The inputs of a job as flat objects, or a 422 naming ``inputs``."""
    if raw is None or raw in ("", []):
        raise _invalid_inputs("can't be blank", "blank")
    if fmt == "csv":
        if not isinstance(raw, str):
            raise _invalid_inputs("must be CSV text with a header row when format is csv")
        rows = [dict(row) for row in csv.DictReader(io.StringIO(raw.lstrip("\ufeff")))]
    else:
        if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
            raise _invalid_inputs("must be an array of objects")
        rows = list(raw)
    if not rows:
        raise _invalid_inputs("can't be blank", "blank")
    if len(rows) > MAX_INPUTS:
        raise _invalid_inputs(f"is too long (maximum is {MAX_INPUTS} items)", "too_long")
    return rows


def input_key(row: Mapping[str, Any], index: int) -> str:
    """Where ``errors_log`` files an input: its id, else its code, else its position."""
    for name in ("id", "code"):
        value = row.get(name)
        if isinstance(value, str) and value:
            return value
    return str(index)


def as_data(resource: Resource, row: Mapping[str, Any], *, text: bool) -> dict[str, Any]:
    """One input as a JSON:API ``data`` object; CSV cells (``text``) are read with each field's own rules."""
    attributes: dict[str, Any] = {}
    relationships: dict[str, Any] = {}
    for name, value in row.items():
        if name == "id" or name is None:
            continue
        if name.endswith("_id") and name[:-3] in resource.relationships:
            rel = resource.relationships[name[:-3]]
            linkage = {"type": rel.target, "id": value} if value not in (None, "") else None
            relationships[rel.name] = {"data": linkage}
            continue
        spec = resource.fields.get(name)
        read = text and spec is not None and isinstance(value, str)
        attributes[name] = parse_text(spec, value) if read and spec is not None else value
    return {"type": resource.type, "attributes": attributes, "relationships": relationships}


def errors_of(refusal: ApiError) -> dict[str, list[str]]:
    """A refusal as ``{field: [messages]}``: the field its pointer names, else ``base``."""
    out: dict[str, list[str]] = {}
    for problem in refusal.errors:
        out.setdefault(_field_of(problem), []).append(problem.title if problem.status == 422 else problem.detail)
    return out


def _field_of(problem: ErrorObject) -> str:
    pointer = problem.pointer or ""
    return (
        pointer.rsplit("/", 1)[-1]
        if pointer.startswith("/data/attributes/") or "/relationships/" in pointer
        else "base"
    )


class ImportJobs:
    """Creates import jobs and runs each in a task of its own; ``records`` applies their inputs."""

    def __init__(self, store: Store, records: RecordWrites) -> None:
        self.store = store
        self.records = records
        self.tasks: set[asyncio.Task[None]] = set()
        #: Jobs told to stop (``_interrupt``): each running one looks before every input.
        self.stopping: set[str] = set()

    def create(self, resource: Resource, data: dict[str, Any]) -> Record:
        attributes = dict(data.get("attributes") or {})
        raw = attributes.pop("inputs", None)
        changes = read_changes(self.store, resource, {**data, "attributes": attributes}, creating=True)
        if not changes.attributes.get("resource_type"):
            raise ApiError(
                [field_problem("resource_type", "can't be blank", "blank", "/data/attributes/resource_type")]
            )
        fmt = str(changes.attributes.get("format") or "json")
        rows = read_inputs(raw, fmt)
        now = timestamp()
        counts = {"processed_count": 0, "errors_count": 0, "warnings_count": 0, "destroyed_count": 0}
        values = defaults(resource.type) | changes.attributes | counts
        values |= {"format": fmt, "status": "pending", "inputs_size": len(rows), "errors_log": {}, "warnings_log": {}}
        values |= {"created_at": now, "updated_at": now}
        job = Record(resource.type, self.store.new_id(resource.type), values, {})
        with self.store.transaction():
            self.store.save(job)
        target = get_resource(str(values["resource_type"]))
        task = asyncio.get_running_loop().create_task(
            self._run(job.id, target, rows, text=fmt == "csv", skip=bool(values.get("skip_errors")), who=self.store.who)
        )
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return job

    def update(self, resource: Resource, old: Record, data: dict[str, Any]) -> Record:
        """A PATCH of a job: its updatable fields (``reference``, ``reference_origin``, ``metadata``) and the
        ``_interrupt`` trigger."""
        changes = read_changes(self.store, resource, data, creating=False)
        values = dict(old.attributes) | changes.attributes
        if changes.triggers.get("_interrupt"):
            status = str(old.attributes.get("status") or "pending")
            if status in ("completed", "interrupted"):
                message = f"cannot go from {status} to interrupted"
                raise ApiError([field_problem("status", message, "invalid_transition", "/data/attributes/_interrupt")])
            values |= {"status": "interrupted", "interrupted_at": timestamp()}
            self.stopping.add(old.id)
        if values == old.attributes:
            return old
        job = Record(old.type, old.id, values | {"updated_at": timestamp()}, old.relationships)
        with self.store.transaction():
            self.store.save(job)
        return job

    def cancel_all(self) -> None:
        """The sandbox was reset: running jobs stop where they are."""
        for task in list(self.tasks):
            task.cancel()

    async def _run(
        self, job_id: str, target: Resource, rows: list[dict[str, Any]], *, text: bool, skip: bool, who: Any
    ) -> None:
        try:
            pace = float(os.environ.get(PACE_VARIABLE) or 0)
            await asyncio.sleep(PICKUP)
            if job_id in self.stopping:
                return
            self._set(job_id, status="in_progress", started_at=timestamp())
            processed = 0
            failures: dict[str, dict[str, list[str]]] = {}
            for index, row in enumerate(rows):
                if job_id in self.stopping:  # interrupted: the PATCH set the status, the counts say how far it got
                    self._set(job_id, **_counts(processed, failures))
                    return
                problems = self._apply(target, row, text=text, who=who)
                if problems:
                    failures[input_key(row, index)] = problems
                else:
                    processed += 1
                if not skip and len(failures) > INTERRUPT_SHARE * len(rows):
                    self._set(job_id, **_counts(processed, failures), status="interrupted", interrupted_at=timestamp())
                    return
                if (index + 1) % SLICE == 0:
                    self._set(job_id, **_counts(processed, failures))
                    await asyncio.sleep(pace)
            self._set(job_id, **_counts(processed, failures), status="completed", completed_at=timestamp())
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("import %s failed", job_id)
            self._set(job_id, status="interrupted", interrupted_at=timestamp())
        finally:
            self.stopping.discard(job_id)

    def _apply(self, target: Resource, row: Mapping[str, Any], *, text: bool, who: Any) -> dict[str, list[str]]:
        """One input, created or updated as its own request would be; the problems, empty when it was applied."""
        self.store.who = who
        try:
            data = as_data(target, row, text=text)
            record_id = row.get("id")
            if record_id not in (None, ""):
                old = self.store.get(target.type, str(record_id))
                if old is None:
                    return {"id": ["was not found"]}
                self.records.update_from(target, old, data)
            else:
                self.records.create_from(target, data)
        except FieldError as exc:
            return {exc.field: [exc.message]}
        except ApiError as exc:
            return errors_of(exc)
        finally:
            self.store.who = None
        return {}

    def _set(self, job_id: str, **values: Any) -> None:
        job = self.store.get(job_type() or "", job_id)
        if job is None:  # the sandbox was reset meanwhile
            return
        if job.attributes.get("status") == "interrupted":  # stopped by a PATCH: it stays so
            values = {k: v for k, v in values.items() if k not in ("status", "completed_at", "started_at")}
        changed = Record(
            job.type, job.id, dict(job.attributes) | values | {"updated_at": timestamp()}, job.relationships
        )
        with self.store.transaction():
            self.store.save(changed)


def _counts(processed: int, failures: dict[str, dict[str, list[str]]]) -> dict[str, Any]:
    return {"processed_count": processed, "errors_count": len(failures), "errors_log": dict(failures)}
