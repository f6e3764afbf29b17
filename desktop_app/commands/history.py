"""``stockroom history RESOURCE ID`` and ``stockroom changes``: who changed a record, and what the last syncs changed.

``history`` fetches the record's newest versions when the server can be reached (and keeps them in the cache), and
otherwise prints what an earlier fetch kept. ``changes`` reads only the cache: it is the record of past syncs.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import sys
from typing import TYPE_CHECKING, Any

from desktop_app.errors import UsageError

if TYPE_CHECKING:
    from desktop_app.store.history import Change


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from desktop_app.commands.data import _names
    from desktop_app.commands.failures import guarded
    from desktop_app.connection import add_connection_arguments
    from desktop_app.schema import synced_types

    names, names_help = _names(synced_types())
    history = subparsers.add_parser(
        "history",
        help="who changed a record and how, newest first (fetched when online, from the cache offline)",
        description="Shows a record's versions from the server's audit trail, newest first: when, who, and each "
        "field's old → new value; edits queued here and not sent yet come first. Fetched versions are kept in the "
        "cache, so the command also answers offline.",
    )
    history.add_argument("resource", choices=names, metavar="RESOURCE", help=names_help)
    history.add_argument("id", metavar="ID")
    history.add_argument("--pages", type=int, default=1, metavar="N", help="pages of 25 versions to fetch (default 1)")
    history.add_argument("--offline", action="store_true", help="read the cache only")
    history.add_argument("--format", choices=("text", "json"), default="text")
    add_connection_arguments(history)
    history.set_defaults(handler=guarded(run_history))

    changes = subparsers.add_parser(
        "changes",
        help="what the last syncs changed in the cache (works offline)",
        description="Lists the records the last sync (or the last N, or those since DATE) created, updated or "
        "deleted in the cache, grouped by type, biggest quantity drops first.",
    )
    which = changes.add_mutually_exclusive_group()
    which.add_argument("--since", metavar="DATE", help="syncs finished at or after DATE (ISO date or time)")
    which.add_argument("--last", type=int, metavar="N", help="the last N syncs (default 1)")
    changes.add_argument("--format", choices=("text", "csv", "json"), default="text")
    add_connection_arguments(changes)
    changes.set_defaults(handler=guarded(run_changes))


def run_history(args: argparse.Namespace) -> int:
    from desktop_app.commands.data import _client, _open
    from desktop_app.history import fetch_history, pending_words, record_name, version_words, who_words
    from desktop_app.schema import get_resource

    if args.pages < 1:
        raise UsageError("pages - at least one page")
    type_ = get_resource(args.resource).type
    connection, cache = _open(args, need_secret=False)
    with cache:
        versions = None
        note = ""
        if not args.offline and connection.credentials is not None:
            from desktop_app.api import NetworkError

            async def go() -> Any:
                async with _client(connection) as client:
                    return await fetch_history(cache, client, type_, args.id, pages=args.pages)

            try:
                versions = asyncio.run(go())
            except NetworkError as error:
                note = f"offline ({error}): showing the history kept in the cache"
        if versions is None:
            versions = cache.history.versions(type_, args.id)
            fetched = cache.history.fetched(type_, args.id)
            if fetched is None and not versions:
                note = note or "offline: this record's history was never fetched"
        queued = [entry for entry in cache.outbox.entries_for(type_, args.id) if entry.state == "pending"]
        name = record_name(cache.records, type_, args.id)
        if args.format == "json":
            _write_json(
                {
                    "type": type_,
                    "id": args.id,
                    "name": name,
                    "not_sent": [{"op": e.op, "attributes": e.attributes, "created_at": e.created_at} for e in queued],
                    "versions": [
                        {
                            "id": v.id,
                            "event": v.event,
                            "created_at": v.created_at,
                            "by": who_words(v.who),
                            "who": v.who,
                            "changes": v.changes,
                        }
                        for v in versions
                    ],
                }
            )
        else:
            if note:
                print(f"stockroom: {note}", file=sys.stderr)
            print(f"{get_resource(type_).label} {name}: {len(versions):,} versions")
            records = cache.records  # related records by name
            shown = [
                *(pending_words(e, records) for e in queued),
                *(version_words(v, records=records) for v in versions),
            ]
            for heading, lines in shown:
                print(heading)
                for line in lines:
                    print(f"  {line}")
    return 0


def _ordered(changes: list[Change]) -> list[Change]:
    """Grouped by type, biggest quantity drops first, then by record."""
    return sorted(changes, key=lambda c: (c.type, c.quantity_delta, c.record_id))


def run_changes(args: argparse.Namespace) -> int:
    from desktop_app.commands.data import _open
    from desktop_app.history import change_line, record_name
    from desktop_app.schema import get_resource, parse_datetime
    from desktop_app.schema.values import format_datetime

    if args.last is not None and args.last < 1:
        raise UsageError("last - at least one sync")
    since = None
    if args.since is not None:
        try:
            since = format_datetime(parse_datetime(args.since))
        except ValueError:
            raise UsageError(f"since - not a date or time: {args.since!r}") from None
    _, cache = _open(args, need_secret=False)
    with cache:
        changes = _ordered(cache.history.changes(since=since, last=args.last))
        rows = [(c, record_name(cache.records, c.type, c.record_id, c.attributes, c.relationships)) for c in changes]
    if args.format == "json":
        _write_json(
            [
                {
                    "synced_at": c.synced_at,
                    "type": c.type,
                    "id": c.record_id,
                    "name": name,
                    "event": c.event,
                    "changes": c.changes,
                    "quantity_change": c.quantity_delta,
                }
                for c, name in rows
            ]
        )
    elif args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(["synced_at", "type", "id", "name", "event", "quantity_change", "changes"])
        for c, name in rows:
            writer.writerow(
                [c.synced_at, c.type, c.record_id, name, c.event, c.quantity_delta, "; ".join(change_line(c))]
            )
    else:
        if not rows:
            print("No changes recorded (a first sync records none; run `stockroom sync` again later).")
        current = None
        for c, name in rows:
            if c.type != current:
                current = c.type
                count = sum(1 for other, _ in rows if other.type == current)
                print(f"{get_resource(current).plural_label} ({count:,})")
            print(f"  {name}: {'; '.join(change_line(c))}")
    return 0


def _write_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
