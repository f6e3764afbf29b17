"""A preview is freed on the window's thread a slice per turn of its loop: other events run between the slices
(a repaint never waits for the interpreter lock held by a thread freeing it), and the collector sees the rest of
the process again once all of it is gone."""

from __future__ import annotations

import gc
from types import SimpleNamespace
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from desktop_app.ui.bulk import controller


def test_a_preview_is_freed_between_turns_of_the_loop_then_the_collector_sees_everything(qapp: Any) -> None:
    preview = SimpleNamespace(changes=[object() for _ in range(5_500)], errors=[object() for _ in range(1_200)])
    rows = [(str(n),) for n in range(3_000)]
    gc.freeze()  # as the preview's job leaves it
    try:
        turns: list[int] = []
        seen = []

        def count_a_turn() -> None:  # another event of the window, queued meanwhile
            seen.append(len(preview.changes) + len(preview.errors) + len(rows))
            turns.append(1)
            if len(turns) < 50:
                QTimer.singleShot(0, count_a_turn)

        QTimer.singleShot(0, count_a_turn)
        controller._release((preview, rows))  # type: ignore[arg-type]
        assert len(preview.changes) == 4_500, "one slice freed at once, the rest in later turns"
        for _ in range(200):
            QApplication.processEvents()
            if gc.get_freeze_count() == 0:
                break
        assert preview.changes == [] and preview.errors == [] and rows == []
        assert len(set(seen)) > 5, f"other events ran between the slices: {seen[:12]}"
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
