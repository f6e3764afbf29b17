"""``stockroom count``: a stock count from the command line, on the same core as the window's Count view.

``count start LOCATION`` opens (or resumes) the count of a location; ``count add CODE [QUANTITY]`` counts a SKU
(without a quantity: one more, like a scan; ``--add`` adds the quantity to what was counted); ``count show`` lists
the lines; ``count review`` prints what applying would change; ``count apply`` queues it as one batch and sends it
(``--offline`` only queues); ``count abandon`` drops the count. Every step but apply works offline, and each line is
saved as it is added. Exit codes: 0 done, 2 bad input (an unknown code or location, no count open), 1 the server
refused something (named per line).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from desktop_app.errors import UsageError

if TYPE_CHECKING:
    from desktop_app.connection import Connection
    from desktop_app.counts import Choice, Counting, Review, ReviewLine
    from desktop_app.store import Cache


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from desktop_app.commands.failures import guarded
    from desktop_app.connection import add_connection_arguments

    help_text = "count a stock location's shelves, review the differences and apply them as one batch"
    parser = subparsers.add_parser("count", help=help_text, description=help_text)
    steps = parser.add_subparsers(dest="step", metavar="STEP", required=True)

    def step(name: str, text: str) -> argparse.ArgumentParser:
        sub = steps.add_parser(name, help=text, description=text)
        add_connection_arguments(sub)
        if name != "start":
            sub.add_argument("--location", help="the count of this location (default: the last one touched)")
        return sub

    start = step("start", "open the count of a stock location (by name, code or id), or resume its unfinished one")
    start.add_argument("location", metavar="LOCATION")
    start.add_argument("--uncounted-zero", action="store_true", help="applying sets items not counted to 0")
    add = step("add", "count a SKU: set its quantity, or one more when no quantity is given")
    add.add_argument("code", metavar="CODE")
    add.add_argument("quantity", metavar="QUANTITY", nargs="?", help="e.g. 12, 1,200 or +3 (add 3)")
    add.add_argument("--add", action="store_true", help="add QUANTITY to what was counted instead of replacing it")
    step("show", "list the counted lines: expected, counted, difference")
    review = step("review", "print what applying the count would change")
    apply = step("apply", "queue the differences as one batch and send it")
    for sub in (review, apply):
        sub.add_argument(
            "--keep",
            choices=("adjusted", "counted"),
            default="adjusted",
            help="for quantities that moved since they were counted: the counted number adjusted by what moved "
            "(default), or the counted number as it is",
        )
    apply.add_argument(
        "--offline", action="store_true", default=argparse.SUPPRESS, help="only queue; send later with push"
    )
    step("abandon", "drop the count without changing anything")
    parser.set_defaults(handler=guarded(run_count))


def run_count(args: argparse.Namespace) -> int:
    from desktop_app.commands.data import _offline, _open

    sending = args.step == "apply" and not _offline(args)
    connection, cache = _open(args, need_secret=sending)
    try:
        if args.step == "start":
            return _start(cache, args)
        counting = _current(cache, getattr(args, "location", None))
        if args.step == "add":
            return _add(counting, args)
        if args.step == "show":
            return _show(counting)
        if args.step == "abandon":
            counting.abandon()
            print(f"count of {counting.location_name} abandoned: nothing was changed")
            return 0
        from desktop_app.counts import review

        seen = review(cache.counts, counting.count)
        for line in review_lines(seen, args.keep):
            print(line)
        if args.step == "review":
            return 0
        return _apply(args, connection, cache, seen)
    finally:
        cache.close()


def _start(cache: Cache, args: argparse.Namespace) -> int:
    from desktop_app.counts import Counting, location_id_by_name

    location_id, name = location_id_by_name(cache.counts, args.location)
    counting = Counting.start(cache.counts, location_id, name)
    if args.uncounted_zero:
        counting.set_uncounted_zero(True)
    lines = len(cache.counts.lines(counting.count.id))
    resumed = f", resumed with {lines:,} line{'s' if lines != 1 else ''}" if lines else ""
    print(f"counting {name}{resumed}")
    return 0


def _current(cache: Cache, location: str | None) -> Counting:
    from desktop_app.counts import Counting, location_id_by_name

    if location is not None:
        location_id, _ = location_id_by_name(cache.counts, location)
        count = cache.counts.open_for(location_id)
        if count is None:
            raise UsageError(f"location - no unfinished count of {location!r}; `stockroom count start` opens one")
        return Counting(cache.counts, count)
    counting = Counting.resume(cache.counts)
    if counting is None:
        raise UsageError("count - no unfinished count; `stockroom count start LOCATION` opens one")
    return counting


def _add(counting: Counting, args: argparse.Namespace) -> int:
    from desktop_app.counts import parse_quantity

    if args.quantity is None:
        line = counting.scan(args.code)
    else:
        parsed = parse_quantity(args.quantity)
        if parsed is None:
            raise UsageError(f"quantity - not a number: {args.quantity!r}")
        number, plus = parsed
        line = counting.add(args.code, number, add=plus or args.add)
    shown = counting.shown(line)
    expected = "no stock item yet" if line.expected is None else f"expected {line.expected:,}"
    print(
        f"{line.code} at {counting.location_name}: counted {line.quantity:,} ({expected}, {_signed(shown.difference)})"
    )
    return 0


def _show(counting: Counting) -> int:
    from desktop_app.counts import batch_name

    lines = counting.lines()
    print(f"{batch_name(counting.location_name, counting.count.started_at)}: {len(lines):,} SKUs counted")
    for shown in lines:
        expected = "new" if shown.line.expected is None else f"{shown.line.expected:,}"
        print(
            f"  {shown.line.code}  {shown.name}: expected {expected}, counted {shown.line.quantity:,}, "
            f"{_signed(shown.difference)}"
        )
    return 0


def _signed(value: int) -> str:
    return f"+{value:,}" if value > 0 else (f"{value:,}" if value < 0 else "no difference")


def _choices(seen: Review, keep: str) -> dict[str, Choice]:
    """``--keep`` for every line whose quantity moved since it was counted."""
    choice: Choice = "counted" if keep == "counted" else "adjusted"
    return {line.sku_id: choice for line in seen.drifted}


def _line_text(line: ReviewLine, keep: str, location: str) -> str:
    choice: Choice = "counted" if keep == "counted" else "adjusted"
    target = line.target(choice)
    short = line.short_of_reserved(choice)
    note = f"; {line.reserved:,} reserved: placed orders would lack {short:,}" if short else ""
    if line.action == "create":
        return f"  create  {line.label(location)}: quantity {target:,}{note}"
    text = f"  update  {line.label(location)}: quantity {line.current:,} → {target:,}"
    if line.counted is None:
        return f"{text} (not counted){note}"
    if line.drifted:
        text += (
            f" (moved {line.moved:+,} since counted: {line.target('counted'):,} as counted, "
            f"{line.target('adjusted'):,} adjusted; --keep chooses)"
        )
    return text + note


def review_lines(seen: Review, keep: str) -> list[str]:
    """The review as a person reads it: the batch's name and counts, then each change."""
    edits = seen.edits(_choices(seen, keep))
    rest = "set to zero" if seen.count.uncounted_zero else "left as they are"
    changes = len(edits)
    lines = [
        f"{seen.batch_name}: {changes:,} change{'s' if changes != 1 else ''}, {seen.unchanged:,} counted as the "
        f"cache says; items not counted are {rest}"
    ]
    shown = {e.line_label for e in edits}
    lines.extend(
        _line_text(line, keep, seen.location_name) for line in seen.lines if line.label(seen.location_name) in shown
    )
    return lines


def _apply(args: argparse.Namespace, connection: Connection, cache: Cache, seen: Review) -> int:
    from desktop_app.commands.data import _offline, _push
    from desktop_app.counts import apply_count
    from desktop_app.sync import Editor

    applied = apply_count(cache, Editor(cache), seen, _choices(seen, args.keep))
    if applied.batch is None:
        print("nothing to change: the shelves agree with the cache; the count is closed")
        return 0
    total = applied.batch.total
    if _offline(args):
        print(
            f"queued {total:,} change{'s' if total != 1 else ''} as “{applied.batch_name}”; `stockroom push` sends them"
        )
        return 0
    result = _push(connection, cache)
    refused = 0
    for line in cache.batches.lines(applied.batch.id):
        if line.state in ("failed", "conflict"):
            refused += 1
            why = line.error or "changed on the server meanwhile (stockroom resolve)"
            print(f"stockroom: {line.line_label}: refused: {why}", file=sys.stderr)
    batch = next(b for b in cache.batches.batches() if b.id == applied.batch.id)
    print(
        f"“{applied.batch_name}”: sent {batch.sent:,} of {batch.total:,}"
        + (f", {refused:,} refused" if refused else "")
    )
    if batch.waiting:
        why = "server not reachable" if result.offline else result.rate_limited or "held by another process"
        print(f"stockroom: {batch.waiting:,} still queued ({why}); `stockroom push` sends them", file=sys.stderr)
    return 1 if refused or (batch.waiting and not result.offline) else 0
