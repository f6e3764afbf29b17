"""Applying a reviewed count: its edits queued as one named batch on the one edit path, and the count closed, in
one transaction, so a crash leaves either both (the edits go at the next push) or neither (the count is still open
and can be applied again): never a count applied twice.

Quantities go without the stock item's validating trigger: a count is what the shelf holds, and a number below what
is reserved is a fact the server must hear (the review showed it), not an edit to refuse.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from desktop_app.counts.review import STOCK_ITEMS, Choice, Edit, Review
from desktop_app.errors import UsageError
from desktop_app.store import Cache, OutboxEntry
from desktop_app.sync import Editor


@dataclass(frozen=True, slots=True)
class AppliedCount:
    batch_name: str
    entries: tuple[OutboxEntry, ...]
    edits: tuple[Edit, ...]


def apply_count(
    cache: Cache, editor: Editor, review: Review, choices: Mapping[str, Choice] | None = None
) -> AppliedCount:
    """Queue the count's edits as one batch and mark it applied; the caller pushes. Refused (naming the count) when
    it is no longer open: applied from another window, or from the command line, meanwhile."""
    edits = review.edits(choices)
    name = review.batch_name
    with cache.database.transaction():
        count = cache.counts.get(review.count.id)
        if count is None or count.state != "open":
            state = count.state if count is not None else "gone"
            raise UsageError(f"count - the count of {review.location_name} is {state}, not open: nothing was queued")
        entries = queue_batch(editor, name, edits)
        cache.counts.finish(review.count.id, "applied", name)
    return AppliedCount(name, tuple(entries), tuple(edits))


def queue_batch(editor: Editor, name: str, edits: Sequence[Edit]) -> list[OutboxEntry]:
    """The one place a count's edits enter the outbox, under one label: the updates as one group (all or none),
    then each create (the editor gives it a temporary id)."""
    entries: list[OutboxEntry] = []
    updates = [(STOCK_ITEMS, str(e.record_id), e.attributes) for e in edits if e.action == "update"]
    if updates:
        entries.extend(editor.update_many(updates, label=name))
    for edit in edits:
        if edit.action == "create":
            entries.append(editor.create(STOCK_ITEMS, edit.attributes, dict(edit.relationships), label=name))
    return entries
