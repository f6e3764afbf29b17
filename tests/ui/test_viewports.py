"""An item view's viewport is wrapped without PySide loading every QtWidgets class (and building their enums) to find
its class: the first frame of a window opening on the Overview waited 20-25 ms for that."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import enum, sys
made = []
create = enum.EnumType._create_
def counted(cls, name, names, **kw):
    made.append(name)
    return create(cls, name, names, **kw)
enum.EnumType._create_ = counted
from PySide6.QtWidgets import QApplication, QTableView, QWidget
from desktop_app.ui.views.viewports import viewport_of
app = QApplication([])
first, second = QTableView(), QTableView()
before = len(made)
found = viewport_of(first)
quiet = len(made) - before
assert type(found) is QWidget and found is first.viewport(), "the view's own viewport, kept"
before = len(made)
second.viewport()
print(quiet, len(made) - before)
"""


def test_a_viewport_is_wrapped_without_loading_every_widget_class() -> None:
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(root))
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], check=False, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    quiet, plain = map(int, out.stdout.split())
    assert quiet == 0, f"viewport_of built {quiet} enums"
    # What it avoids, seen in the same process: a plain viewport() of another view, the first one PySide wraps.
    assert plain > 20, plain
