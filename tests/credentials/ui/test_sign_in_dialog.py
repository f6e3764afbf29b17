"""The sign-in dialog offscreen: its fields, errors next to the field, "Test connection" against a real sandbox,
"Try the demo", and the in-memory choice when no keyring is usable. Async tests run on qasync's loop."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from pathlib import Path

import keyring.backends.fail
import pytest
from PySide6.QtWidgets import QLineEdit

from desktop_app.credentials import Profile, ProfileStore, Vault
from desktop_app.ui.dialogs.sign_in import NEW_PROFILE, SignInDialog
from tests.credentials.conftest import secret_tool_lookup
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
        and "already stored" in dialog.fields["client_secret"].placeholderText()
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
    qtbot, store: ProfileStore, sandbox: SandboxProcess, clean_keyring: list[str]
) -> None:
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
