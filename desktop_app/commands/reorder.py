"""``stockroom reorder INVENTORY_MODEL_ID LEVEL_ID,LEVEL_ID,…``: set the order an inventory model ships from.

The same planner and the same edit path as a drag in the window: the fewest priority changes, queued in the outbox
and pushed. The command first reads the model's stock levels from the server, so the plan starts from the
priorities the server holds now, not from an old cache.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING

from desktop_app.connection import add_connection_arguments
from desktop_app.errors import StockroomError, UsageError

if TYPE_CHECKING:
    from desktop_app.connection import Connection
    from desktop_app.reorder.controller import ReorderOutcome


class ReorderRefused(StockroomError):
    """The server refused one of the priority changes; the order was put back."""

    exit_code = 1


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "reorder",
        help="set the order an inventory model ships from its stock locations",
        description="Gives the stock levels of INVENTORY_MODEL_ID new priorities so they ship in the order listed, "
        "changing as few priorities as possible, and prints how many PATCH calls that took.",
    )
    parser.add_argument("inventory_model_id", metavar="INVENTORY_MODEL_ID")
    parser.add_argument(
        "level_ids",
        metavar="LEVEL_ID,LEVEL_ID,…",
        help="every stock level of the model, comma-separated, first ships first",
    )
    add_connection_arguments(parser)
    parser.set_defaults(handler=run_reorder)


def parse_level_ids(text: str) -> list[str]:
    """The comma-separated ids, with a clear message for an empty list or an empty item."""
    parts = [part.strip() for part in text.split(",")]
    if not text.strip():
        raise UsageError("LEVEL_ID,LEVEL_ID,… - give the stock level ids in the new order")
    if any(not part for part in parts):
        raise UsageError("LEVEL_ID,LEVEL_ID,… - an empty id between commas")
    return parts


def run_reorder(args: argparse.Namespace) -> int:
    from desktop_app.connection import resolve_connection

    order = parse_level_ids(args.level_ids)
    connection = resolve_connection(args)
    outcome = asyncio.run(_reorder(args, connection, args.inventory_model_id.strip(), order))
    noun = "call" if outcome.sent == 1 else "calls"
    if outcome.failed:
        raise ReorderRefused(
            f"the server refused the new order ({outcome.error}); {outcome.reverted} PATCH "
            f"{'call' if outcome.reverted == 1 else 'calls'} put the changed priorities back"
        )
    if outcome.queued:
        print(f"Offline: {outcome.queued} priority changes queued; {outcome.sent} PATCH {noun} sent.")
        return 0
    changed = ", ".join(f"{level_id}={value}" for level_id, value in outcome.plan.changes.items())
    print(f"Sent {outcome.sent} PATCH {noun} for {len(order)} stock levels" + (f" ({changed})." if changed else "."))
    return 0


async def _reorder(
    args: argparse.Namespace, connection: Connection, inventory_model_id: str, order: list[str]
) -> ReorderOutcome:

    from desktop_app import config
    from desktop_app.api import NotFoundError
    from desktop_app.reorder.controller import ReorderController, fetch_levels
    from desktop_app.reorder.planner import PlanError
    from desktop_app.store import Cache, cache_path
    from desktop_app.sync import Editor

    if connection.credentials is None:
        raise UsageError("no client secret for this connection; run `stockroom login` first")
    client = connection.client()
    with Cache.open(cache_path(config.data_dir(getattr(args, "data_dir", None)), connection.cache_key)) as cache:
        async with client:
            try:
                await client.retrieve("inventory_models", inventory_model_id)
            except NotFoundError:
                raise UsageError(f"INVENTORY_MODEL_ID - no inventory model with id {inventory_model_id!r}") from None
            await fetch_levels(client, cache.records, inventory_model_id)
            connection.save_dialect(client.dialect)
            controller = ReorderController(cache, Editor(cache, lambda: client), inventory_model_id)
            try:
                plan = controller.plan(order)
            except PlanError as exc:
                raise UsageError(f"LEVEL_ID,LEVEL_ID,… - {exc}") from None
            return await controller.push(
                controller.queue(plan, label=f"Reorder {inventory_model_id} from the command line")
            )
