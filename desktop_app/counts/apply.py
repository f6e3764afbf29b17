"""Applying a reviewed count: its edits queued as one named batch on the one edit path, and the count closed, in
one transaction, so a crash leaves either both (the edits go at the next push) or neither (the count is still open
and can be applied again): never a count applied twice.

Quantities go without the stock item's validating trigger: a count is what the shelf holds, and a number below what
is reserved is a fact the server must hear (the review showed it), not an edit to refuse.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop_app.counts.review import STOCK_ITEMS, Choice, Edit, Review
from desktop_app.errors import UsageError
from desktop_app.store import Batch, Cache
from desktop_app.sync import BatchEdit, Editor


@dataclass(frozen=True, slots=True)
class AppliedCount:
    """What applying queued: the batch (``None`` when nothing differed, and the count was only closed)."""

    batch_name: str
    batch: Batch | None
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
        batch = editor.queue_batch(name, batch_edits(edits)) if edits else None
        cache.counts.finish(review.count.id, "applied", name)
    return AppliedCount(name, batch, tuple(edits))


def batch_edits(edits: Sequence[Edit]) -> list[BatchEdit]:
    """A count's edits as the batch takes them, each line named "CODE at Location"."""
    return [
        BatchEdit(e.action, STOCK_ITEMS, e.record_id, e.attributes, e.relationships, line_label=e.line_label)
        for e in edits
    ]


def apply_count_at(
    cache_file: Path, review: Review, choices: Mapping[str, Choice] | None = None
) -> tuple[str | None, int]:
    """:func:`apply_count` over a connection of the calling thread's own (a worker's, for a count of thousands of
    lines: see :mod:`desktop_app.store.side`); the batch's id (``None``: nothing differed) and its edits' count."""
    from desktop_app.store.side import side_cache

    with side_cache(cache_file) as side:
        applied = apply_count(side, Editor(side), review, choices)
    return (applied.batch.id if applied.batch else None), len(applied.edits)
