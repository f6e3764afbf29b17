"""What the data commands print: a progress bar that suits the terminal (or a log), status lines, exports."""

from __future__ import annotations

import csv
import json
import textwrap
import time
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_app.store import Cache, RecordStore


class ProgressBar:
    """One rewritten line on a terminal; on a pipe or a CI log, a plain line per resource and per quarter."""

    def __init__(self, stream: IO[str], width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self._shown: dict[str, int] = {}
        self._last = 0.0
        self._dirty = False

    def update(self, resource: str, done: int, total: int | None) -> None:
        if self.tty:
            now = time.monotonic()
            if now - self._last < 0.05 and total is not None and done < total:
                return
            self._last = now
            if total:
                filled = int(self.width * min(done, total) / total)
                bar = "#" * filled + "." * (self.width - filled)
                text = f"\r{resource:<26} [{bar}] {done}/{total}"
            else:
                text = f"\r{resource:<26} {done} records"
            self.stream.write(text + "\x1b[K")
            self.stream.flush()
            self._dirty = True
            return
        step = 4 * done // total if total else 0
        if step > self._shown.get(resource, -1):
            self._shown[resource] = step
            self.stream.write(f"{resource}: {done}" + (f"/{total}" if total is not None else "") + "\n")
            self.stream.flush()

    def close(self) -> None:
        if self.tty and self._dirty:
            self.stream.write("\n")
            self.stream.flush()


def _age(moment: datetime | None) -> str:
    if moment is None:
        return "never synced"
    seconds = int((datetime.now(UTC) - moment).total_seconds())
    if seconds < 90:
        return f"synced {seconds} s ago"
    if seconds < 5400:
        return f"synced {seconds // 60} min ago"
    if seconds < 172800:
        return f"synced {seconds // 3600} h ago"
    return f"synced {seconds // 86400} days ago"


def status_lines(cache: Cache) -> list[str]:
    from desktop_app.schema import synced_types

    lines = [f"cache: {cache.path}"]
    synced = synced_types()
    for type_ in [*synced, *[t for t in cache.sync_state.types() if t not in synced]]:
        state = cache.sync_state.get(type_)
        note = " (last full sync did not finish)" if state.full_in_progress else ""
        lines.append(f"  {type_:<26} {cache.records.count(type_):>7} records  {_age(state.synced_at)}{note}")
    outbox = cache.outbox
    lines.append(
        f"pending edits: {outbox.pending_count() - outbox.failed_count()}, refused: {outbox.failed_count()}, "
        f"conflicts: {outbox.conflict_count()}"
    )
    lines.extend(batch_lines(cache))
    for entry in outbox.entries():
        if entry.state == "pending":
            continue
        what = f"  {entry.state} {entry.id}: {entry.op} {entry.type} {entry.record_id}"
        if entry.state == "conflict" and entry.theirs:
            mine = {**entry.attributes, **entry.relationships}
            theirs = {**entry.theirs.get("attributes", {}), **entry.theirs.get("relationships", {})}
            what += " — " + ", ".join(f"{k}: mine {mine.get(k)!r}, theirs {v!r}" for k, v in theirs.items())
        elif entry.field_errors:
            what += " — " + "; ".join(f"{k} - {v}" for k, v in entry.field_errors.items())
        elif entry.error:
            what += f" — {entry.error}"
        lines.append(what)
    return lines


def batch_lines(cache: Cache, *, last: int = 10) -> list[str]:
    """The newest batches, each as a person reads it: name, sent / total, what failed or was cancelled, and
    what an undo could not undo."""
    batches = cache.batches.batches()
    if not batches:
        return []
    lines = [
        f"batches ({len(batches):,}):" if len(batches) <= last else f"batches (newest {last} of {len(batches):,}):"
    ]
    for batch in batches[:last]:
        parts = [f"{batch.sent:,} of {batch.total:,} sent"]
        if batch.waiting:
            parts.append(f"{batch.waiting:,} waiting")
        if batch.failed:
            parts.append(f"{batch.failed:,} with errors")
        if batch.cancelled:
            parts.append(f"{batch.cancelled:,} cancelled")
        lines.append(
            f"  {batch.name} ({batch.created_at[:16].replace('T', ' ')}): " + ", ".join(parts) + f"  [{batch.id}]"
        )
        for line in cache.batches.lines(batch.id, states=("failed", "conflict")):
            why = "changed on the server meanwhile" if line.state == "conflict" else line.error or "refused"
            lines.append(f"    {line.line_label or line.record_id}: {why}")
        lines.extend(f"    not undone: {note}" for note in batch.notes)
    return lines


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), sort_keys=True)
    return str(value)


def export_records(records: RecordStore, resource_name: str, fmt: str, stream: IO[str]) -> tuple[int, int]:
    """Columns from the resource description: id, every listed attribute, then ``<relationship>_id`` columns.

    Records created here that the server has not confirmed (never received, or refused) are left out: their
    ``local-…`` ids exist nowhere else, and a row with one would read as a real record. Returns how many rows were
    written and how many such records were left out. Rows are read from the cache a batch at a time and written as
    they come: a million stock items never sit in memory at once."""
    from desktop_app.schema import get_resource

    resource = get_resource(resource_name)
    written = left_out = 0
    if fmt == "json":
        stream.write("[")
        for record in records.stream(resource.type):
            if record.local:
                left_out += 1
                continue
            document = {
                "id": record.id,
                "type": record.type,
                "attributes": record.attributes,
                "relationships": record.relationships,
                "pending": record.pending,
            }
            # Each record as ``json.dump(rows, indent=1)`` lays out an element of the list.
            stream.write(("\n" if not written else ",\n") + textwrap.indent(json.dumps(document, indent=1), " "))
            written += 1
        stream.write("\n]\n" if written else "]\n")
        return written, left_out
    attributes = [n for n in resource.attribute_names if not resource.fields[n].single_retrieve_only]
    relationships = [r.name for r in resource.to_one]
    writer = csv.writer(stream)
    writer.writerow(["id", *attributes, *[f"{name}_id" for name in relationships]])
    for record in records.stream(resource.type):
        if record.local:
            left_out += 1
            continue
        writer.writerow(
            [
                record.id,
                *[_cell(record.attributes.get(name)) for name in attributes],
                *[_cell(record.relationships.get(name)) for name in relationships],
            ]
        )
        written += 1
    return written, left_out
