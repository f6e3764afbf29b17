"""Forms show every problem at once (each bad field framed with its message, a line naming them all, the cursor in
the first), and disabled fields look disabled in the dark palette."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from desktop_app.credentials import ProfileStore
from desktop_app.schema import get_resource
from desktop_app.ui.dialogs.field_marks import DARK_ERROR, LIGHT_ERROR, is_marked
from desktop_app.ui.dialogs.record_dialog import RecordDialog
from desktop_app.ui.dialogs.sign_in import SignInDialog
from desktop_app.ui.models.lookups import Lookups
from desktop_app.ui.theme import apply_theme
from tests.ui.conftest import wait_until
from tests.ui.shots import shoot


@pytest.fixture
def dark(qapp: QApplication) -> Any:
    apply_theme(Qt.ColorScheme.Dark)
    yield
    apply_theme(Qt.ColorScheme.Light)


@pytest.mark.asyncio
async def test_a_dialog_with_two_bad_fields_shows_both_at_once(qtbot: Any) -> None:
    dialog = RecordDialog(get_resource("stock_items"), Lookups())
    qtbot.addWidget(dialog)
    dialog.inputs["quantity"].set_value(None)
    dialog.inputs["quantity"].widget.setText("12abc")  # type: ignore[attr-defined]
    dialog.try_accept()  # no stock location either

    assert dialog.result() != RecordDialog.DialogCode.Accepted
    assert dialog.error_for("stock_location") == "can't be blank"
    assert "integer" in dialog.error_for("quantity")
    assert is_marked(dialog.inputs["stock_location"].framed) and is_marked(dialog.inputs["quantity"].framed)
    assert not is_marked(dialog.inputs["reference"].framed)
    assert dialog.summary_text() == "Check 2 fields: Stock location, Quantity."
    dialog.show()
    await shoot(dialog, "dialog-two-field-errors", size=None)
    assert dialog.focusWidget() is dialog.inputs["stock_location"].widget, "the cursor waits in the first bad field"

    dialog.inputs["quantity"].widget.setText("12")  # type: ignore[attr-defined]
    dialog.try_accept()
    assert dialog.error_for("quantity") == "" and not is_marked(dialog.inputs["quantity"].framed)
    assert dialog.summary_text() == "Check Stock location."


def test_the_servers_errors_about_several_fields_and_none_show_together(qtbot: Any) -> None:
    dialog = RecordDialog(get_resource("stock_levels"), Lookups())
    qtbot.addWidget(dialog)
    dialog.show_errors(
        {"inventory_model_id": "has already been taken", "priority": "must be an integer", "": "try again later"}
    )
    assert dialog.error_for("inventory_model") == "has already been taken"
    assert dialog.error_for("priority") == "must be an integer"
    assert dialog.summary_text() == "Check 2 fields: Inventory model, Priority.\ntry again later"


def test_the_sign_in_form_names_every_missing_field_at_once(qtbot: Any, tmp_path: Path) -> None:
    dialog = SignInDialog(None, store=ProfileStore(tmp_path / "config"))
    qtbot.addWidget(dialog)
    assert dialog.read_form() is None  # nothing filled in
    for key in ("name", "slug", "client_id", "client_secret"):
        assert dialog.field_error(key), key
        assert is_marked(dialog.fields[key]), key
    assert dialog.form_errors.summary.text() == (
        "Check 4 fields: Profile name, Organisation slug, Client id, Client secret."
    )
    dialog.fields["name"].setText("acme")
    dialog.fields["name"].textEdited.emit("acme")  # typing clears that field's mark, the others stay
    assert not is_marked(dialog.fields["name"]) and is_marked(dialog.fields["client_id"])
    assert dialog.form_errors.summary.text().startswith("Check 3 fields: Organisation slug")


def _mean(image: QImage, inner: int = 4) -> QColor:
    """The average colour of an image's interior (the frame left out)."""
    total = [0, 0, 0]
    count = 0
    for y in range(inner, image.height() - inner):
        for x in range(inner, image.width() - inner):
            colour = image.pixelColor(x, y)
            total = [total[0] + colour.red(), total[1] + colour.green(), total[2] + colour.blue()]
            count += 1
    return QColor(*(value // count for value in total))


@pytest.mark.usefixtures("dark")
def test_a_disabled_field_looks_disabled_in_the_dark_palette(qtbot: Any) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    enabled, disabled = QLineEdit(), QLineEdit()
    for edit in (enabled, disabled):
        edit.setPlaceholderText("")
        layout.addWidget(edit)
    disabled.setEnabled(False)
    host.resize(300, 80)
    host.show()
    qtbot.waitExposed(host)
    window = host.palette().color(QPalette.ColorRole.Window)
    on, off = _mean(enabled.grab().toImage()), _mean(disabled.grab().toImage())
    # Light fields on a dark window read as "type here": a disabled one must sink into the window instead.
    assert off.lightness() <= window.lightness() + 4, (off.name(), window.name())
    assert abs(off.lightness() - on.lightness()) >= 8, (off.name(), on.name())
    palette = host.palette()
    text_on = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Text)
    text_off = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
    assert text_off.lightness() < text_on.lightness() - 60, "disabled text is dimmed"
    for role in (QPalette.ColorRole.Base, QPalette.ColorRole.Button, QPalette.ColorRole.Light):
        assert palette.color(QPalette.ColorGroup.Disabled, role).lightness() < 128, role


@pytest.mark.asyncio
async def test_sign_in_dark_with_disabled_fields_and_errors_in_a_readable_red(qtbot: Any, tmp_path: Path) -> None:
    dialog = SignInDialog(None, store=ProfileStore(tmp_path / "config"))
    qtbot.addWidget(dialog)
    dialog.read_form()
    assert not dialog.fields["base_url"].isEnabled() and not dialog.labels["base_url"].isEnabled()
    assert dialog.form_errors.colour == LIGHT_ERROR
    apply_theme(Qt.ColorScheme.Dark)
    try:
        await wait_until(lambda: dialog.form_errors.colour == DARK_ERROR, 5, "the red to follow the palette")
    finally:
        apply_theme(Qt.ColorScheme.Light)
    dialog.resize(640, 420)
    dialog.show()
    await shoot(dialog, "sign-in-disabled-fields", size=None)
