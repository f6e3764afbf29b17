"""The sign-in dialog offscreen: its fields, errors next to the field, "Test connection" against a real sandbox,
"Try the demo", and the in-memory choice when no keyring is usable. Async tests run on qasync's loop."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import keyring.backends.fail
import pytest
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop_app.credentials import Profile, ProfileStore, Vault
from desktop_app.ui.dialogs.sign_in import NEW_PROFILE, SignInDialog
from tests.credentials.conftest import REPO, secret_tool_lookup
from tests.support.sandbox import SandboxProcess


async def until(condition: Callable[[], object], seconds: float = 20.0) -> None:
    """Polls on the running qasync loop (qtbot.waitUntil must not run inside it)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


@pytest.fixture
def store(tmp_path: Path) -> ProfileStore:
    return ProfileStore(tmp_path / "config")


def make_dialog(qtbot, store: ProfileStore, vault: Vault | None = None) -> SignInDialog:  # type: ignore[no-untyped-def]
    dialog = SignInDialog(None, store=store, vault=vault)
    qtbot.addWidget(dialog)
    return dialog


def fill(dialog: SignInDialog, **values: str) -> None:
    for key, value in values.items():
        dialog.fields[key].setText(value)


def test_fields_and_errors_next_to_them(qtbot, store: ProfileStore) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, store)
    assert dialog.profiles.currentText() == NEW_PROFILE
    assert dialog.fields["client_secret"].echoMode() == QLineEdit.EchoMode.Password
    assert dialog.fields["slug"].isEnabled() and not dialog.fields["base_url"].isEnabled()

    assert dialog.profile_from_fields() is None
    assert "letters, digits" in dialog.field_error("name")
    fill(dialog, name="acme")
    assert dialog.profile_from_fields() is None
    assert "client id is required" in dialog.field_error("client_id") and dialog.field_error("name") == ""
    fill(dialog, client_id="cid", slug="Not A Slug!")
    assert dialog.profile_from_fields() is None and "not an organisation slug" in dialog.field_error("slug")

    dialog.custom_server.setChecked(True)
    assert dialog.fields["base_url"].isEnabled() and not dialog.fields["slug"].isEnabled()
    assert dialog.profile_from_fields() is None and "base URL" in dialog.field_error("base_url")
    fill(dialog, base_url="http://example.com/api")
    assert dialog.profile_from_fields() is None and "must use https" in dialog.field_error("base_url")
    fill(dialog, base_url="http://127.0.0.1:9/api", token_url="nonsense")
    assert dialog.profile_from_fields() is None and "not an http" in dialog.field_error("token_url")
    fill(dialog, token_url="")
    profile = dialog.profile_from_fields()
    assert profile == Profile(name="acme", client_id="cid", base_url="http://127.0.0.1:9/api")

    # typing in a field clears its error
    dialog.show_field_error("scope", "bad scope")
    qtbot.keyClicks(dialog.fields["scope"], "m")
    assert dialog.field_error("scope") == ""


def test_existing_profile_prefills_the_fields(qtbot, store: ProfileStore) -> None:  # type: ignore[no-untyped-def]
    store.save(Profile(name="acme", client_id="cid", slug="acme", scope="market:code:eu"))
    dialog = make_dialog(qtbot, store)
    assert dialog.profiles.currentText() == "acme"
    assert [dialog.fields[k].text() for k in ("name", "slug", "client_id", "scope")] == [
        "acme", "acme", "cid", "market:code:eu",
    ]  # fmt: skip
    assert (
        dialog.fields["client_secret"].text() == ""
        and "none is stored" in dialog.fields["client_secret"].placeholderText()  # no secret saved for it yet
    )
    dialog.profiles.setCurrentText(NEW_PROFILE)
    assert dialog.fields["name"].text() == ""


@pytest.mark.asyncio
async def test_test_connection_shows_mode_or_refusal(qtbot, store: ProfileStore, sandbox: SandboxProcess) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, store)
    dialog.custom_server.setChecked(True)
    fill(dialog, name="local", base_url=sandbox.url, client_id=sandbox.client_id, client_secret="wrong-secret")
    dialog.test_button.click()
    await until(lambda: "refused" in dialog.status.text())
    assert "refused" in dialog.field_error("client_secret")
    fill(dialog, client_secret=sandbox.client_secret)
    dialog.test_button.click()
    await until(lambda: "Connected" in dialog.status.text())
    assert "test mode" in dialog.status.text() and "stockroom-demo" in dialog.status.text()
    assert dialog.test_button.isEnabled()
    assert store.all() == [], "testing stores nothing"


@pytest.mark.asyncio
async def test_try_the_demo_fills_and_signs_in(qtbot, store: ProfileStore) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, store)
    dialog.demo_button.click()
    await until(lambda: dialog.result_value is not None, seconds=60)
    result = dialog.result_value
    assert result is not None and result.sandbox is not None
    try:
        assert result.mode == "test" and result.where == "memory only, for this session"
        assert dialog.custom_server.isChecked()
        assert dialog.fields["base_url"].text() == result.sandbox.url
        assert dialog.fields["client_id"].text() == result.sandbox.client_id
        assert result.profile.base_url == result.sandbox.url and result.profile.client_id == result.sandbox.client_id
        assert dialog.fields["client_secret"].text() == "", "the secret does not stay in the widget"
        connection = result.connection()
        assert connection.credentials is not None and connection.token is not None
        assert connection.credentials.client_secret == result.sandbox.client_secret
        assert "Connected to stockroom-demo: test mode" in dialog.status.text()
        assert Vault.in_memory("demo") and store.all() == [], "the demo writes no profile and no keyring entry"
    finally:
        result.sandbox.stop()
        Vault().delete("demo")


@pytest.mark.asyncio
async def test_no_keyring_offers_memory_only(qtbot, store: ProfileStore, sandbox: SandboxProcess) -> None:  # type: ignore[no-untyped-def]
    name = f"mem-{uuid.uuid4().hex[:6]}"
    dialog = make_dialog(qtbot, store, Vault(backend=keyring.backends.fail.Keyring()))
    dialog.custom_server.setChecked(True)
    fill(dialog, name=name, base_url=sandbox.url, client_id=sandbox.client_id, client_secret=sandbox.client_secret)
    dialog.sign_in_button.click()
    await until(lambda: dialog.memory_only.isVisibleTo(dialog))
    assert "no usable keyring" in dialog.status.text() and dialog.result_value is None and store.all() == []
    dialog.memory_only.setChecked(True)
    dialog.sign_in_button.click()
    await until(lambda: dialog.result_value is not None)
    assert dialog.result_value is not None and dialog.result_value.where == "memory only, for this session"
    assert Vault.in_memory(name) and store.get(name) is not None
    Vault().delete(name)


@pytest.mark.keyring
@pytest.mark.asyncio
async def test_sign_in_keeps_the_secret_in_the_keyring(  # type: ignore[no-untyped-def]
    qtbot, store: ProfileStore, sandbox: SandboxProcess, clean_keyring: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    name = f"ui-{uuid.uuid4().hex[:6]}"
    clean_keyring.append(name)
    dialog = make_dialog(qtbot, store)
    dialog.custom_server.setChecked(True)
    fill(dialog, name=name, base_url=sandbox.url, client_id=sandbox.client_id, client_secret=sandbox.client_secret)
    dialog.sign_in_button.click()
    await until(lambda: dialog.result_value is not None)
    assert dialog.result_value is not None and dialog.result_value.where == "GNOME Keyring (Secret Service)"
    entry = secret_tool_lookup(name)
    assert entry is not None and json.loads(entry)["client_secret"] == sandbox.client_secret
    assert store.default == name
    assert sandbox.client_secret not in store.path.read_text()
    token = json.loads(entry)["token"]["access_token"]
    assert any("oauth/token" in record.getMessage() for record in caplog.records), "no log to check"
    assert sandbox.client_secret not in caplog.text and token not in caplog.text


#: ``ask`` as the window calls it: from a Qt callback (a menu action) on a running qasync loop, in a fresh process
#: with one loop for its whole life, as the application has.
ASK_FROM_A_SLOT = """
import asyncio, sys
from pathlib import Path
import qasync
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from desktop_app.ui.dialogs.sign_in import SignInDialog

app = QApplication([])

def click_demo() -> None:
    dialog = QApplication.activeModalWidget()
    if isinstance(dialog, SignInDialog):
        dialog.demo_button.click()
    else:
        QTimer.singleShot(20, click_demo)

async def main() -> None:
    answer = asyncio.get_running_loop().create_future()
    QTimer.singleShot(0, lambda: answer.set_result(SignInDialog.ask(None, config_dir=Path(sys.argv[1]))))
    QTimer.singleShot(20, click_demo)
    result = await asyncio.wait_for(answer, 60)
    print("signed in:", result.profile.name, result.mode, result.where, result.sandbox.url)
    result.sandbox.stop()

with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
    runner.run(main())
"""


def test_ask_from_a_menu_action(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", ASK_FROM_A_SLOT, str(tmp_path)], capture_output=True, text=True, env=env,
        cwd=REPO, timeout=90, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "signed in: demo test memory only, for this session http://127.0.0.1:" in result.stdout


@pytest.mark.asyncio
async def test_ask_async_from_a_coroutine(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """First start: the window awaits the dialog instead of nesting an event loop; cancel gives ``None``."""
    task = asyncio.ensure_future(SignInDialog.ask_async(None, config_dir=tmp_path))
    await until(lambda: isinstance(QApplication.activeModalWidget(), SignInDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, SignInDialog) and dialog.isVisible()
    dialog.reject()
    assert await asyncio.wait_for(task, 10) is None
