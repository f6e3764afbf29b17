"""Stock counts: count a stock location's shelves (typed or scanned, saved line by line), review what differs from
the cache, and apply it as one batch of edits on the one edit path (no Qt)."""

from desktop_app.counts.apply import AppliedCount, apply_count, batch_edits
from desktop_app.counts.counting import Counted, Counting, UnknownCodeError, location_id_by_name
from desktop_app.counts.entry import CountEntry, Step, parse_quantity
from desktop_app.counts.review import Choice, Edit, Review, ReviewLine, batch_name, review

__all__ = [
    "AppliedCount",
    "Choice",
    "CountEntry",
    "Counted",
    "Counting",
    "Edit",
    "Review",
    "ReviewLine",
    "Step",
    "UnknownCodeError",
    "apply_count",
    "batch_edits",
    "batch_name",
    "location_id_by_name",
    "parse_quantity",
    "review",
]
