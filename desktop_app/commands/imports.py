"""``stockroom import RESOURCE FILE [--dry-run] [--skip-errors]``: apply a spreadsheet through the one edit path.

The preview is printed first, always; nothing is queued when the file has errors (unless the person asks for the
valid rows only) or under ``--dry-run``. Exit codes: 0 applied or nothing to do, 2 the file has errors and nothing
was applied, 1 the server refused something (each refusal named by its line and record).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop_app.errors import UsageError

if TYPE_CHECKING:
    from desktop_app.imports import Change, Preview
    from desktop_app.store import Cache


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from desktop_app.commands.data import _names
    from desktop_app.commands.failures import guarded
    from desktop_app.connection import add_connection_arguments
    from desktop_app.schema import import_types

    names, help_names = _names(import_types())
    help_text = "create and update records from a CSV or .xlsx file, after a preview of every change"
    parser = subparsers.add_parser("import", help=help_text, description=help_text)
    add_connection_arguments(parser)
    parser.set_defaults(handler=guarded(run_import))
    parser.add_argument("resource", choices=names, metavar="RESOURCE", help=help_names)
    parser.add_argument("file", metavar="FILE", help="CSV (comma or semicolon, UTF-8) or .xlsx (first sheet)")
    parser.add_argument("--dry-run", action="store_true", help="print the preview only; send and queue nothing")
    parser.add_argument("--skip-errors", action="store_true", help="apply the valid rows of a file with errors")
    parser.add_argument(
        "--offline", action="store_true", default=argparse.SUPPRESS, help="only queue; send later with push"
    )


def run_import(args: argparse.Namespace) -> int:
    from desktop_app.commands.data import _offline, _open
    from desktop_app.imports import build_preview, read_sheet
    from desktop_app.schema import get_resource

    resource = get_resource(args.resource)
    path = Path(args.file)
    sheet = read_sheet(path)
    sending = not args.dry_run and not _offline(args)
    connection, cache = _open(args, need_secret=sending)
    try:
        _check_synced(cache, resource.type)
        preview = build_preview(cache.records, resource.type, sheet)
        for line in preview_lines(preview, path.name):
            print(line)
        if preview.errors and (not args.skip_errors or 1 in preview.error_lines):
            print(
                f"stockroom: {path.name} has {_count(len(preview.error_lines), 'row')} with errors; nothing was "
                "applied" + ("" if 1 in preview.error_lines else " (--skip-errors applies the valid rows)"),
                file=sys.stderr,
            )
            return 2
        if args.dry_run or not preview.changes:
            print("dry run: nothing sent" if args.dry_run else "nothing to do: the cache already agrees")
            return 0
        return _apply(args, connection, cache, preview, f"Import of {path.name}")
    finally:
        cache.close()


def _check_synced(cache: Cache, type_: str) -> None:
    """Rows name their targets by code or name, which only a synced cache can resolve."""
    from desktop_app.schema import app_type, get_resource

    resource = get_resource(type_)
    for rel in app_type(type_).import_key:
        target = resource.relationships[rel].target
        if cache.records.count(target) == 0:
            raise UsageError(f"{rel} - the cache holds no {target} yet; run `stockroom sync` first")


def _apply(args: argparse.Namespace, connection: Any, cache: Cache, preview: Preview, label: str) -> int:
    """Queue every change, push unless ``--offline``, and name each record the server refused."""
    from desktop_app.commands.data import _offline, _push, _refusal
    from desktop_app.imports import queue_preview_batch
    from desktop_app.sync import Editor

    batch, queued = queue_preview_batch(Editor(cache), preview, label)
    if _offline(args):
        print(f"queued {_count(len(queued), 'change')} as “{batch.name}”; send them with `stockroom push`")
        return 0
    result = _push(connection, cache)
    refused = 0
    waiting = 0
    for change, entry in queued:
        now = cache.outbox.entry(entry.id)
        if now is None:
            continue
        if now.state in ("failed", "conflict"):
            refused += 1
            why = _refusal(now) if now.state == "failed" else "changed on the server meanwhile (stockroom resolve)"
            print(
                f"stockroom: line {change.line:,}, {change.label}: refused: {why} (kept as {now.id})", file=sys.stderr
            )
        else:
            waiting += 1
    sent = len(queued) - refused - waiting
    print(f"applied {_count(sent, 'change')}" + (f", {refused:,} refused" if refused else ""))
    if waiting:
        why = "server not reachable" if result.offline else result.rate_limited or "held by another process"
        print(
            f"stockroom: {_count(waiting, 'change')} still queued ({why}); `stockroom push` sends them", file=sys.stderr
        )
    return 1 if refused or (waiting and not result.offline) else 0


# -- the preview as text ------------------------------------------------------------------------------------------


def _count(number: int, noun: str) -> str:
    from desktop_app.imports.words import count

    return count(number, noun)


def _value(value: Any) -> str:
    from desktop_app.imports.words import value_text

    return value_text(value)


def _change_text(change: Change) -> str:
    if change.is_create:
        parts = [f"{name} {_value(new)}" for name, (_, new) in change.values.items()]
        return f"line {change.line:,}  create  {change.label}: " + ", ".join(parts)
    parts = [f"{name} {_value(old)} → {_value(new)}" for name, (old, new) in change.values.items()]
    return f"line {change.line:,}  update  {change.label}: " + ", ".join(parts)


def preview_lines(preview: Preview, file_name: str) -> list[str]:
    """The preview as a person reads it: the counts, then every change (old → new), then every error."""
    from desktop_app.schema import app_type

    lines = [
        f"{app_type(preview.type).name} from {file_name}: {_count(preview.rows, 'row')}; "
        f"{len(preview.creates):,} to create, {len(preview.updates):,} to update, {preview.unchanged:,} unchanged, "
        f"{_count(len(preview.error_lines), 'row')} with errors"
    ]
    if preview.changes:
        lines.append("changes:")
        lines.extend("  " + _change_text(c) for c in sorted(preview.changes, key=lambda c: c.line))
    if preview.errors:
        lines.append("errors:")
        lines.extend(f"  line {e.line:,}  {e.column}: {e.reason}" for e in preview.errors)
    return lines
