"""The window's entry: ``stockroom`` with no command. Qt and asyncio share one loop (qasync).

The start itself, step by step (what is read before Qt loads, what waits for the first frame), is one plan in
:mod:`desktop_app.ui.boot.plan`; ``--self-test`` runs the same start offscreen on the demo and checks every tab
has rows.
"""

from __future__ import annotations

import argparse


def run_window(args: argparse.Namespace) -> int:
    """Open the window (or run the self-test); returns the process exit code."""
    from desktop_app.ui.boot.plan import run_window as start  # the command line's other commands never load the UI

    return start(args)
