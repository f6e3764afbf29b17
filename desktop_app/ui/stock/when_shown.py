"""Work a stock view does for the person's eyes only, held while the view is out of sight.

The Overview and Low stock pages are tabs of the window: while a table is the page shown, every move of stock
(a batch of thousands sent, confirmed and counted) still brought them new figures, and each redrew tables and read
the cache on the window's thread (7-24 ms a time) for pages nobody was looking at. A view kept by
:class:`WhenShown` does that work at once when it can be seen, and otherwise once, with the latest of each kind,
when it is next shown: from its ``showEvent``, before the page's first frame, so what it shows is the same.

A view in a window not shown yet (the start builds the page it opens on first) is filled at once: its first frame
must show it whole.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget


class WhenShown:
    """Runs each named job now when ``widget`` is in sight, else keeps the latest job of each name for
    :meth:`shown`. A job held replaces the one held under its name: asked ten times out of sight, it runs once."""

    def __init__(self, widget: QWidget) -> None:
        self._widget = widget
        self._held: dict[str, Callable[[], None]] = {}

    @property
    def out_of_sight(self) -> bool:
        """The window is up and the view is not (another page of its tabs is shown)."""
        widget = self._widget
        return not widget.isVisible() and widget.window().isVisible()

    @property
    def held(self) -> tuple[str, ...]:
        """Names of the jobs waiting for the view to be shown, in the order first asked for."""
        return tuple(self._held)

    def run(self, name: str, job: Callable[[], None]) -> bool:
        """``job`` now (returns True) or when the view is next shown (returns False)."""
        if self.out_of_sight:
            self._held[name] = job
            return False
        self._held.pop(name, None)  # done now: whatever was held under its name is older
        job()
        return True

    def shown(self) -> None:
        """The view's ``showEvent``: the jobs held run now, each once, in the order first asked for."""
        while self._held:
            name = next(iter(self._held))
            self._held.pop(name)()
