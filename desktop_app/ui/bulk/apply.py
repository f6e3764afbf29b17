"""Where a previewed set of changes (an import, a bulk edit) joins the one edit path, as one named batch."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop_app.imports import Preview
    from desktop_app.ui.outcome import Outcome
    from desktop_app.ui.workspace import Workspace


async def apply_preview(workspace: Workspace, name: str, preview: Preview) -> Outcome:
    """Queue every change of ``preview`` as one batch named ``name`` ("Import of supplier.xlsx") and send it: one
    write per changed record. The preview's errors and unchanged rows are not in its changes, so they send nothing;
    the batch is cancelled or undone as one from Pending edits. The edits are made and queued in the workspace's
    worker thread (:meth:`Workspace.apply_batch`): 10,000 of them would hold the window for seconds."""
    from desktop_app.imports.queue import batch_edits

    return await workspace.apply_batch(name, lambda: batch_edits(preview))
