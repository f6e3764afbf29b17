"""The sign-in dialog when the person did not ask for it says why (no secret from the keyring, an offline start
with no profile), and hints at a stored secret only when one is stored."""

from __future__ import annotations

import argparse
import uuid
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.fail
import pytest

from desktop_app.credentials import Profile, ProfileStore, StoredCredentials, Vault
from desktop_app.ui.boot.opening import open_from_args
from desktop_app.ui.dialogs.sign_in import SignInDialog
from desktop_app.ui.tasks import TaskSet
from tests.ui.shots import shoot


def _profile(store: ProfileStore) -> str:
    name = f"acme-{uuid.uuid4().hex[:8]}"
    store.save(Profile(name=name, client_id="client-1", slug="acme"))
    return name


@pytest.mark.asyncio
async def test_reason_shown_and_the_secret_hint_only_when_one_is_stored(qtbot: Any, tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "config")
    name = _profile(store)
    reason = "Stockroom could not read this organisation's secret: no usable keyring"
    dialog = SignInDialog(None, store=store, vault=Vault(), reason=reason)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.reason.isVisible() and dialog.reason.text() == reason
    assert dialog.profiles.currentText() == name
    assert "already stored" not in dialog.fields["client_secret"].placeholderText()
    await shoot(dialog, "sign-in-with-reason", size=None)
    Vault().save(name, StoredCredentials(client_secret="s3cret"))
    try:
        again = SignInDialog(None, store=store, vault=Vault())
        qtbot.addWidget(again)
        assert not again.reason.isVisibleTo(again)
        assert again.fields["client_secret"].placeholderText() == "leave empty to use the secret already stored"
    finally:
        Vault().delete(name)


def test_no_keyring_no_promise_of_a_stored_secret(qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ProfileStore(tmp_path / "config")
    _profile(store)
    monkeypatch.setattr(keyring, "get_keyring", keyring.backends.fail.Keyring)
    dialog = SignInDialog(None, store=store, vault=Vault())
    qtbot.addWidget(dialog)
    assert "already stored" not in dialog.fields["client_secret"].placeholderText()


@pytest.mark.asyncio
async def test_offline_with_no_profile_opens_the_sign_in_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str | None] = []

    async def fake_ask(cls: Any, parent: Any = None, *, config_dir: Any = None, reason: str | None = None) -> None:
        asked.append(reason)

    monkeypatch.setattr(SignInDialog, "ask_async", classmethod(fake_ask))
    args = argparse.Namespace(
        offline=True,
        demo=False,
        self_test=False,
        profile=None,
        config_dir=tmp_path / "config",
        data_dir=tmp_path / "data",
    )
    assert await open_from_args(args, TaskSet()) is None  # cancelled: nothing opens, no modal of command-line text
    assert asked and asked[0] and "offline" in asked[0].lower() and "sign in" in asked[0]
