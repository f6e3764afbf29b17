"""Text that wraps in a narrow pane: long runs without a space (SKU codes, ids, scanner references) get invisible
break opportunities, so a label wraps them at its edge instead of widening its whole pane past the window's edge
(where the rest of the pane, the history timeline with it, was cut off)."""

from __future__ import annotations

import re

#: A zero-width space: where a line may break, drawn as nothing.
BREAK = "\u200b"
#: Runs longer than this wrap (a code of 24 letters would otherwise set the pane's least width).
LONGEST = 12
_RUN = re.compile(r"[^\s<>&;]{" + str(LONGEST + 1) + ",}")


def _split(match: re.Match[str]) -> str:
    run = match.group(0)
    return BREAK.join(run[start : start + LONGEST] for start in range(0, len(run), LONGEST))


def breakable(html: str) -> str:
    """``html`` (already escaped, or rich text whose tags hold no long runs) with a break opportunity every
    :data:`LONGEST` characters of any longer run outside tags; what a person reads is unchanged."""
    parts = re.split(r"(<[^>]*>)", html)
    return "".join(part if part.startswith("<") else _RUN.sub(_split, part) for part in parts)


def plain(text: str) -> str:
    """``text`` without the break opportunities (what a test or a copy compares)."""
    return text.replace(BREAK, "")
