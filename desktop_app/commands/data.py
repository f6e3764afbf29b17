"""``stockroom sync | status | export | update | create | delete | push | discard | resolve``: the cache from a shell.

The same core as the window: ``Syncer`` fills the cache, the ``Editor`` is the only way an edit is made, and
``status``/``export`` read the cache without contacting the server (the connection flags only name the cache).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from desktop_app.errors import StockroomError, UsageError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from desktop_app.api import CommerceLayerClient
    from desktop_app.connection import Connection
    from desktop_app.store import Cache, Outbox, OutboxEntry
    from desktop_app.sync import PushResult


def _names(types: tuple[str, ...]) -> tuple[list[str], str]:
    """What RESOURCE accepts for ``types`` (the command line's name of each, and its canonical type), and the
    help text naming them."""
    from desktop_app.schema import app_type

    shown = [app_type(t).name for t in types]
    return list(dict.fromkeys([*shown, *types])), ", ".join(shown)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from desktop_app.commands.failures import guarded
    from desktop_app.connection import add_connection_arguments
    from desktop_app.schema import command_types, synced_types

    edit_names, edit_help = _names(command_types())
    export_names, export_help = _names(synced_types())

    def command(name: str, help_text: str, handler: Any) -> argparse.ArgumentParser:
        parser = subparsers.add_parser(name, help=help_text, description=help_text)
        add_connection_arguments(parser)
        parser.set_defaults(handler=guarded(handler))
        return parser

    sync = command("sync", "bring the local cache up to date with the server", run_sync)
    sync.add_argument("--resources", help="comma-separated resources (default: all Stockroom keeps)")
    sync.add_argument("--full", action="store_true", help="list everything again instead of only what changed")

    command("status", "cache age per resource, queued edits and conflicts (works offline)", run_status)

    export = command("export", "write a resource from the cache as CSV or JSON (works offline)", run_export)
    export.add_argument("resource", choices=export_names, metavar="RESOURCE", help=export_help)
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--output", help="file to write (default: standard output)")

    def edit(name: str, help_text: str, handler: Any, *, with_id: bool, with_values: bool) -> None:
        parser = command(name, help_text, handler)
        parser.add_argument("resource", choices=edit_names, metavar="RESOURCE", help=edit_help)
        if with_id:
            parser.add_argument("id", metavar="ID")
        if with_values:
            parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help="repeatable")
            parser.add_argument("--rel", action="append", default=[], metavar="NAME=ID", help="repeatable")
        parser.add_argument(
            "--offline", action="store_true", default=argparse.SUPPRESS, help="only queue; send later with push"
        )

    edit("update", "change fields of a record", run_update, with_id=True, with_values=True)
    edit("create", "create a record", run_create, with_id=False, with_values=True)
    edit("delete", "delete a record", run_delete, with_id=True, with_values=False)

    command("push", "send the queued edits", run_push)
    discard = command("discard", "forget a queued edit (the record shows the server's version again)", run_discard)
    discard.add_argument("entry", metavar="ENTRY", help="the edit's id (from status)")
    resolve = command("resolve", "settle a conflict: send yours again, or take the server's", run_resolve)
    resolve.add_argument("entry", metavar="ENTRY", help="the conflicting edit's id (from status)")
    resolve.add_argument("--keep", choices=("mine", "theirs"), required=True)


# -- plumbing ---------------------------------------------------------------------------------------------------


def _open(args: argparse.Namespace, *, need_secret: bool) -> tuple[Connection, Cache]:
    from desktop_app import config
    from desktop_app.connection import resolve_connection
    from desktop_app.store import Cache, cache_path

    connection = resolve_connection(args, need_secret=need_secret)
    cache = Cache.open(cache_path(config.data_dir(getattr(args, "data_dir", None)), connection.cache_key))
    if cache.recovery_message:
        print(f"stockroom: {cache.recovery_message}", file=sys.stderr)
    return connection, cache


@asynccontextmanager
async def _client(connection: Connection) -> AsyncIterator[CommerceLayerClient]:
    if connection.credentials is None:
        raise UsageError("no client secret: cannot reach the server (use --offline to only queue)")
    async with connection.client() as client:
        yield client
        connection.save_dialect(client.dialect)


def _offline(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "offline", False))


# -- sync, status, export -----------------------------------------------------------------------------------------


def run_sync(args: argparse.Namespace) -> int:
    from desktop_app.commands.data_output import ProgressBar
    from desktop_app.sync import Syncer, resolve_types

    types = resolve_types(args.resources)
    connection, cache = _open(args, need_secret=True)
    bar = ProgressBar(sys.stderr)

    syncer: Syncer | None = None

    async def go() -> list[Any]:
        nonlocal syncer
        async with _client(connection) as client:
            syncer = Syncer(cache, client)
            return await syncer.sync(types, full=args.full, progress=bar.update)

    try:
        results = asyncio.run(go())
    finally:
        bar.close()
        cache.close()
    for result in results:
        removed = f", {result.removed} removed" if result.removed else ""
        print(f"{result.type}: {result.mode}, {result.fetched} fetched{removed}, {_held(result.type, result.total)}")
    if syncer is not None and syncer.changed:
        from desktop_app.history import change_summary

        print(f"{change_summary(syncer.changed)} (`stockroom changes` lists them)")
    return 0


def _held(type_: str, total: int | None) -> str:
    """What the server holds of ``type_``, or of what the cache keeps of it (the addresses the locations use)."""
    from desktop_app.schema import app_type, get_resource

    scope = app_type(type_).synced_for
    if scope is None:
        return f"{total} on the server"
    return f"{total} used by the {get_resource(scope[0]).plural_label.lower()}"


def run_status(args: argparse.Namespace) -> int:
    from desktop_app.commands.data_output import status_lines

    _, cache = _open(args, need_secret=False)
    try:
        for line in status_lines(cache):
            print(line)
    finally:
        cache.close()
    return 0


def run_export(args: argparse.Namespace) -> int:
    from desktop_app.commands.data_output import export_records

    _, cache = _open(args, need_secret=False)
    try:
        if args.output:
            from desktop_app.commands.failures import open_output

            with open_output(args.output) as stream:
                count, left_out = export_records(cache.records, args.resource, args.format, stream)
            print(f"{count:,} records written to {args.output}", file=sys.stderr)
        else:
            try:
                count, left_out = export_records(cache.records, args.resource, args.format, sys.stdout)
                sys.stdout.flush()
            except BrokenPipeError:  # `stockroom export ... | head`: the reader has what it wanted
                import os

                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                left_out = 0
        if left_out:
            print(
                f"left out {left_out:,} record{'' if left_out == 1 else 's'} created here and not confirmed by the "
                "server (temporary local-… ids; "
                "`stockroom status` lists them, `stockroom push` sends them)",
                file=sys.stderr,
            )
    finally:
        cache.close()
    return 0


# -- edits --------------------------------------------------------------------------------------------------------


def _values(resource_name: str, sets: list[str], rels: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``--set field=value`` read with the field's own rules; ``--rel name=ID`` (empty: clear, commas: many)."""
    from desktop_app.schema import FieldError, get_resource, read_text

    resource = get_resource(resource_name)
    attributes: dict[str, Any] = {}
    for item in sets:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"set - expected FIELD=VALUE, got {item!r}")
        spec = resource.fields.get(name)
        if spec is None or name == "id":
            raise FieldError(name, f"is not a field of {resource.plural_label}", "unknown")
        attributes[name] = read_text(resource_name, spec, text)
    relationships: dict[str, Any] = {}
    for item in rels:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"rel - expected NAME=ID, got {item!r}")
        rel = resource.relationships.get(name)
        if rel is None:
            raise FieldError(name, f"is not a relationship of {resource.plural_label}", "unknown")
        text = text.strip()
        if not text.isprintable() or not text.isascii():
            raise FieldError(name, "must be record ids (letters and digits)", "invalid")
        if rel.to_one:
            relationships[name] = text or None
        else:
            relationships[name] = [part.strip() for part in text.split(",") if part.strip()]
    return attributes, relationships


def _send_and_report(args: argparse.Namespace, connection: Connection, cache: Cache, entry_id: str, verb: str) -> int:
    """Push (unless ``--offline``) and say what happened to this edit; a refusal is the server's message, exit 1.

    An edit that did not go says why, truthfully: the record has an earlier edit the server refused (or that
    conflicts), another process is sending the record's edits right now, the server is rate limiting, or it could
    not be reached (the only case that exits 0: the edit is safely queued)."""
    if _offline(args):
        print(f"{verb} queued; send it with `stockroom push`", file=sys.stderr)
        return 0
    result = _push(connection, cache)
    if result.refreshed:
        print(f"refreshed {', '.join(result.refreshed)} (the server changed them with this edit)", file=sys.stderr)
    entry = cache.outbox.entry(entry_id)
    if entry is None:
        print(f"{verb} {result.confirmed.get(entry_id, '')}".rstrip())
        return 0
    if entry.state == "failed":
        print(
            f"stockroom: the server refused it: {_refusal(entry)} (kept in the outbox as {entry.id})", file=sys.stderr
        )
        return 1
    if entry.state == "conflict":
        print(
            f"stockroom: changed on the server meanwhile; held as conflict {entry.id} "
            "(stockroom resolve ENTRY --keep mine|theirs)",
            file=sys.stderr,
        )
        return 1
    waiting = _waiting_before(cache.outbox, entry)
    if waiting is not None:
        print(f"stockroom: not sent: {waiting}; this edit stays queued behind it as {entry.id}", file=sys.stderr)
        return 1
    if entry.id in result.held:
        print(
            f"stockroom: not sent: {result.held[entry.id]} is sending this record's edits right now; "
            f"this edit stays queued as {entry.id} and goes with the next push",
            file=sys.stderr,
        )
        return 1
    if result.rate_limited:
        print(f"stockroom: not sent: {result.rate_limited}; the edit stays queued as {entry.id}", file=sys.stderr)
        return 1
    print(f"{verb} queued (server not reachable); send it with `stockroom push`", file=sys.stderr)
    return 0


def _refusal(entry: OutboxEntry) -> str:
    return "; ".join(f"{k} - {v}" for k, v in entry.field_errors.items()) or entry.error or "no reason given"


def _waiting_before(outbox: Outbox, entry: OutboxEntry) -> str | None:
    """The earlier edit of the same record that holds ``entry`` back (refused or in conflict), as a sentence."""
    for earlier in outbox.entries_for(entry.type, entry.record_id):
        if earlier.seq >= entry.seq:
            break
        what = f"{earlier.type} {earlier.record_id} has "
        if earlier.state == "failed":
            return (
                what + f"a refused {earlier.op} waiting ({earlier.id}: {_refusal(earlier)}); "
                f"`stockroom discard {earlier.id}` drops it"
            )
        if earlier.state == "conflict":
            return (
                what + f"a conflicting {earlier.op} waiting ({earlier.id}); "
                f"`stockroom resolve {earlier.id} --keep mine|theirs` settles it"
            )
    return None


def _push(connection: Connection, cache: Cache) -> PushResult:
    from desktop_app.api import NetworkError
    from desktop_app.sync import Editor, PushResult

    async def go() -> PushResult:
        async with _client(connection) as client:
            return await Editor(cache, lambda: client).push()

    try:
        return asyncio.run(go())
    except NetworkError as error:
        return PushResult(offline=True, messages=[str(error)])


def run_update(args: argparse.Namespace) -> int:
    from desktop_app.sync import Editor

    attributes, relationships = _values(args.resource, args.set, args.rel)
    connection, cache = _open(args, need_secret=not _offline(args))
    try:
        entry = Editor(cache).update(args.resource, args.id, attributes=attributes, relationships=relationships)
        return _send_and_report(args, connection, cache, entry.id, f"updated {entry.type}")
    finally:
        cache.close()


def run_create(args: argparse.Namespace) -> int:
    from desktop_app.sync import Editor

    attributes, relationships = _values(args.resource, args.set, args.rel)
    connection, cache = _open(args, need_secret=not _offline(args))
    try:
        entry = Editor(cache).create(args.resource, attributes, relationships)
        print(f"new {entry.type} {entry.record_id} (temporary id until the server confirms)", file=sys.stderr)
        return _send_and_report(args, connection, cache, entry.id, f"created {entry.type}")
    finally:
        cache.close()


def run_delete(args: argparse.Namespace) -> int:
    from desktop_app.sync import Editor

    connection, cache = _open(args, need_secret=not _offline(args))
    try:
        entry = Editor(cache).delete(args.resource, args.id)
        if entry is None:
            print(f"deleted {args.id} (it had never been sent)")
            return 0
        return _send_and_report(args, connection, cache, entry.id, f"deleted {entry.type}")
    finally:
        cache.close()


def run_push(args: argparse.Namespace) -> int:
    connection, cache = _open(args, need_secret=True)
    try:
        result = _push(connection, cache)
        refused, conflicts = cache.outbox.failed_count(), cache.outbox.conflict_count()
    finally:
        cache.close()
    for message in result.messages:
        print(f"stockroom: {message}", file=sys.stderr)
    if result.held:
        holders = ", ".join(sorted(set(result.held.values())))
        print(f"stockroom: {holders} is sending some of these edits right now; they were left to it", file=sys.stderr)
    earlier = refused - result.failed
    print(
        f"sent {result.sent}, refused {refused}"
        + (f" ({earlier} from earlier pushes, waiting for discard or a fix)" if earlier else "")
        + f", conflicts {conflicts}, still queued {result.pending}"
        + (" (server not reachable)" if result.offline else "")
    )
    if result.offline:
        raise StockroomError("server not reachable; the edits stay queued")
    if result.rate_limited:
        raise StockroomError(f"{result.rate_limited}; the edits stay queued")
    return 1 if refused or conflicts or result.held else 0


def run_discard(args: argparse.Namespace) -> int:
    from desktop_app.sync import Editor

    _, cache = _open(args, need_secret=False)
    try:
        Editor(cache).discard(args.entry)
    finally:
        cache.close()
    print(f"discarded {args.entry}")
    return 0


def run_resolve(args: argparse.Namespace) -> int:
    from desktop_app.sync import Editor

    _, cache = _open(args, need_secret=False)
    try:
        Editor(cache).resolve(args.entry, args.keep)
        print(f"{args.entry}: keeping {args.keep}; `stockroom push` sends what is left")
    finally:
        cache.close()
    return 0
