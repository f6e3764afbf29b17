"""A reservation cutoff is typed as a person says it ("2 hours", "90m") in its table cell, in the edit dialog and
on the command line, reaches the server as seconds, and is refused naming the field when it is not a duration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop_app.schema import FieldError, get_resource
from desktop_app.store import Cache
from desktop_app.ui.dialogs.field_inputs import DurationInput
from desktop_app.ui.dialogs.record_dialog import RecordDialog
from desktop_app.ui.models.lookups import Lookups
from desktop_app.ui.models.resource_table import ResourceTableModel
from tests.support.sandbox import SandboxProcess
from tests.sync.test_cli import Cli
from tests.ui.conftest import open_window

CUTOFF = "stock_reservation_cutoff"


def test_dialog_shows_words_and_reads_them_back_to_the_same_seconds(synced_cache: Cache, qtbot: Any) -> None:
    model = synced_cache.records.find("inventory_models")[0]
    odd = model._replace(attributes={**model.attributes, CUTOFF: 90_061})
    dialog = RecordDialog(get_resource("inventory_models"), Lookups(), odd)
    qtbot.addWidget(dialog)
    cutoff = dialog.inputs[CUTOFF]
    assert isinstance(cutoff, DurationInput)
    assert cutoff.edit.text() == "1 day 1 hour 1 minute 1 second"
    dialog.try_accept()
    assert dialog.values() == ({}, {})  # opening and saving changes nothing: the words are exact
    cutoff.edit.setText("soon")
    dialog.try_accept()
    assert "must be a duration" in dialog.error_for(CUTOFF)
    assert dialog.values() == ({}, {})
    cutoff.edit.setText("1.5 hours")
    dialog.try_accept()
    assert dialog.error_for(CUTOFF) == ""
    assert dialog.values() == ({CUTOFF: 5400}, {})


@pytest.mark.asyncio
async def test_a_cutoff_cell_opens_its_editor_on_words_and_reads_them(sandbox: SandboxProcess, data_dir: Path) -> None:
    async with open_window(sandbox, data_dir) as (window, _, errors):
        tab = window.tab_by_type["inventory_models"]
        column = tab.model.column_of(CUTOFF)
        for row in range(tab.model.rowCount()):
            index = tab.model.index(row, column)
            seconds = index.data(ResourceTableModel.SortRole)
            if seconds is None:
                continue
            words = index.data(Qt.ItemDataRole.EditRole)  # a text editor on words, not a spin box of seconds
            assert isinstance(words, str) and not words.isdigit(), words
            assert tab.model.parse(column, words) == seconds
        assert tab.model.parse(column, "1h 30m") == 5400
        with pytest.raises(FieldError, match="must be a duration"):
            tab.model.parse(column, "soon")
        assert not errors


def test_command_line_takes_words_and_refuses_what_is_not_a_duration(
    fresh_sandbox: SandboxProcess, tmp_path: Path
) -> None:
    cli = Cli(fresh_sandbox, tmp_path)
    assert cli.run("sync", "--resources", "inventory_models").returncode == 0
    with Cache.open(cli.cache_file) as cache:
        model = cache.records.find("inventory_models")[0]
    refused = cli.run("update", "inventory_models", model.id, "--set", f"{CUTOFF}=soon")
    assert refused.returncode == 2, refused.stderr
    assert f"{CUTOFF} - must be a duration" in refused.stderr
    assert "Traceback" not in refused.stderr
    done = cli.run("update", "inventory_models", model.id, "--set", f"{CUTOFF}=1 hour 30 minutes")
    assert done.returncode == 0, done.stderr
    with Cache.open(cli.cache_file) as cache:
        assert cache.records.get("inventory_models", model.id).attributes[CUTOFF] == 5400
        assert not cache.outbox.entries()  # sent
