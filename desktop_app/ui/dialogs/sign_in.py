"""The sign-in dialog: pick or describe an organisation, test the secret, keep it in the keyring; or try the demo.

Shown on first start and from File ▸ Switch organisation…. The secret field never echoes and its text is never
logged (the vault registers it with the log redaction before anything else happens). Checking and storing go
through :mod:`desktop_app.credentials.signin`, the same code ``stockroom login`` uses, so the dialog and the command
line accept and refuse the same things. Network work runs as tasks on the qasync loop; the widgets stay responsive.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app import config
from desktop_app.connection import Connection, connection_for_profile
from desktop_app.credentials import KeyringUnavailable, Profile, ProfileStore, StoredCredentials, Vault
from desktop_app.credentials.signin import CheckedSignIn, SignInRefused, check_sign_in, store_sign_in
from desktop_app.errors import StockroomError
from desktop_app.ui.dialogs.field_marks import FormErrors
from desktop_app.ui.tasks import TaskSet

log = logging.getLogger(__name__)
NEW_PROFILE = "New profile…"
DEMO_PROFILE = "demo"
_FIELDS = ("name", "slug", "base_url", "token_url", "client_id", "scope", "client_secret")


@dataclass(frozen=True)
class SignInResult:
    """What the window opens: the profile, its mode, where the secret went, and the demo sandbox when one runs."""

    profile: Profile
    mode: str
    where: str
    store: ProfileStore
    sandbox: Any | None = None  # desktop_app.sandbox.RunningSandbox; the window stops it when it closes

    def connection(self) -> Connection:
        """The connection to open: secret and token from the keyring (or this session's memory)."""
        return connection_for_profile(self.profile, self.store)


class SignInDialog(QDialog):
    """Profile fields, a never-shown secret field, "Test connection", "Try the demo", errors next to each field."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        store: ProfileStore,
        vault: Vault | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign in to Commerce Layer")
        self.setModal(True)
        # Closing the dialog must not end the application when it is the only window (first start): the caller
        # decides what a cancelled sign-in means. Otherwise Qt quits the main loop, and qasync's loop with it.
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self._store = store
        self._vault = vault or Vault()
        self._tasks = TaskSet(reporter=self._report)
        self._sandbox: Any | None = None
        self.result_value: SignInResult | None = None
        self._build()
        # Why the dialog is here when the person did not ask for it (the keyring gave no secret, an offline start
        # with no profile): said first, above the fields.
        self.reason = QLabel(reason or "")
        self.reason.setWordWrap(True)
        self.reason.setObjectName("reason")
        self.reason.setStyleSheet("QLabel#reason { color: #b06e00; font-weight: 600; }")
        self.reason.setVisible(bool(reason))
        layout = self.layout()
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(0, self.reason)
        self._fill_profiles()

    # ----- layout
    def _build(self) -> None:
        self.profiles = QComboBox()
        self.profiles.currentTextChanged.connect(self._profile_chosen)
        self.fields: dict[str, QLineEdit] = {}
        self.labels: dict[str, QLabel] = {}
        self.form_errors = FormErrors(self)
        form = QFormLayout()
        form.addRow("Profile", self.profiles)
        labels = {
            "name": ("Profile name", "e.g. acme-test"),
            "slug": ("Organisation slug", "the part before .commercelayer.io"),
            "base_url": ("API base URL", "https://proxy.example.com/api"),
            "token_url": ("Token URL", "default: <base URL>/oauth/token"),
            "client_id": ("Client id", "Dashboard ▸ Settings ▸ API credentials"),
            "scope": ("Scope", "optional, e.g. market:code:europe"),
            "client_secret": ("Client secret", "never shown, kept in the system keyring"),
        }
        self.custom_server = QCheckBox("Custom server (a sandbox or a proxy) instead of an organisation slug")
        self.custom_server.toggled.connect(self._custom_toggled)
        for key, (label, hint) in labels.items():
            edit = QLineEdit()
            edit.setObjectName(key)
            edit.setPlaceholderText(hint)
            edit.textEdited.connect(lambda _text, key=key: self._clear_error(key))
            error = self.form_errors.add(key, edit, label)
            error.setObjectName(f"{key}_error")
            row = QWidget()
            column = QVBoxLayout(row)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(edit)
            column.addWidget(error)
            if key == "base_url":
                form.addRow("", self.custom_server)
            caption = QLabel(label)
            caption.setBuddy(edit)
            form.addRow(caption, row)
            self.fields[key] = edit
            self.labels[key] = caption
        secret = self.fields["client_secret"]
        secret.setEchoMode(QLineEdit.EchoMode.Password)
        secret.setInputMethodHints(Qt.InputMethodHint.ImhHiddenText | Qt.InputMethodHint.ImhSensitiveData)
        self.memory_only = QCheckBox(
            "Keep the secret in memory for this session only (forgotten when Stockroom closes)"
        )
        self.memory_only.hide()
        self.form_errors.summary.setObjectName("summary")
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.test_button = QPushButton("Test connection")
        self.test_button.clicked.connect(lambda: self._tasks.spawn(self.test_connection(), name="test connection"))
        self.demo_button = QPushButton("Try the demo")
        self.demo_button.clicked.connect(lambda: self._tasks.spawn(self.try_demo(), name="try the demo"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_in_button = self.buttons.addButton("Sign in", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.demo_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.sign_in_button.clicked.connect(lambda: self._tasks.spawn(self.sign_in(), name="sign in"))
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form_errors.summary)
        layout.addLayout(form)
        layout.addWidget(self.memory_only)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self._custom_toggled(False)

    def _fill_profiles(self) -> None:
        names = [profile.name for profile in self._store.all()]
        self.profiles.addItems([*names, NEW_PROFILE])
        default = self._store.default
        self.profiles.setCurrentText(default if default in names else NEW_PROFILE)
        self._profile_chosen(self.profiles.currentText())

    def _profile_chosen(self, name: str) -> None:
        profile = self._store.get(name) if name != NEW_PROFILE else None
        for key in _FIELDS:
            self.fields[key].setText("")
            self._clear_error(key)
        if profile is None:
            self.custom_server.setChecked(False)
            self.fields["client_secret"].setPlaceholderText("never shown, kept in the system keyring")
            return
        for key in ("name", "slug", "base_url", "token_url", "client_id", "scope"):
            self.fields[key].setText(getattr(profile, key) or "")
        self.custom_server.setChecked(profile.base_url is not None)
        hint = "leave empty to use the secret already stored" if self._stored(name) else "none is stored: type it"
        self.fields["client_secret"].setPlaceholderText(hint)

    def _stored(self, name: str) -> bool:
        """Whether the keyring holds a secret for the profile (the hint must not promise one that is not there)."""
        try:
            return self._vault.has_secret(name)
        except KeyringUnavailable:
            return False

    def _custom_toggled(self, custom: bool) -> None:
        """The fields that do not apply are disabled, with their captions, so the form reads as one choice."""
        for key, enabled in (("slug", not custom), ("base_url", custom), ("token_url", custom)):
            self.fields[key].setEnabled(enabled)
            self.labels[key].setEnabled(enabled)
            if not enabled:
                self._clear_error(key)

    # ----- errors next to fields
    def _clear_error(self, key: str) -> None:
        self.form_errors.clear(key)

    def show_field_error(self, key: str, message: str) -> None:
        self.show_field_errors({key: message})

    def show_field_errors(self, problems: dict[str, str]) -> None:
        """Every problem at once (see :class:`FormErrors`); one about no field of the form goes to the status line."""
        for key, message in problems.items():
            if key not in self.fields:
                self.status.setText(f"{key.replace('_', ' ')}: {message}")
        self.form_errors.show({key: message for key, message in problems.items() if key in self.fields})

    def field_error(self, key: str) -> str:
        return self.form_errors.message(key)

    def _report(self, exc: BaseException) -> None:
        self.status.setText(f"Something went wrong: {exc}")
        self._busy(False)

    def _busy(self, busy: bool) -> None:
        for button in (self.test_button, self.demo_button, self.sign_in_button):
            button.setEnabled(not busy)

    # ----- reading the form
    def profile_from_fields(self) -> Profile | None:
        """The profile the fields describe, or ``None`` after showing each problem next to its field."""
        form = self.read_form(with_secret=False)
        return form[0] if form is not None else None

    def read_form(self, *, with_secret: bool = True) -> tuple[Profile, str] | None:
        """The profile and the secret the form gives, or ``None`` after showing every problem of both at once."""
        custom = self.custom_server.isChecked()
        text = {key: self.fields[key].text().strip() for key in _FIELDS}
        existing = self._store.get(text["name"])
        profile = Profile(
            name=text["name"],
            client_id=text["client_id"],
            slug=None if custom else text["slug"] or None,
            base_url=text["base_url"] or None if custom else None,
            token_url=text["token_url"] or None if custom else None,
            scope=text["scope"] or None,
            dialect=existing.dialect if existing and existing.client_id == text["client_id"] else None,
        )
        problems = profile.problems()
        if custom and not profile.base_url:
            problems.pop("slug", None)  # the slug is not asked for (its field is disabled): the base URL is
            problems["base_url"] = "give the API base URL of the custom server"
        secret = self._secret_for(profile) if with_secret else ""
        if secret is None:
            problems["client_secret"] = "the client secret is required"
        self.show_field_errors(problems)
        return (profile.validated(), secret) if not problems and secret is not None else None

    def _secret_for(self, profile: Profile) -> str | None:
        """The secret typed, or the one the keyring holds for the profile; ``None`` when there is neither."""
        secret = self.fields["client_secret"].text().strip()
        if secret:
            return secret
        try:
            stored = self._vault.load(profile.name) if self._store.get(profile.name) else None
        except KeyringUnavailable as exc:
            self.status.setText(f"{exc.reason}; {exc.fix}.")
            stored = None
        return stored.client_secret if stored is not None else None

    # ----- actions (coroutines on the qasync loop)
    async def _check(self, profile: Profile, secret: str) -> CheckedSignIn | None:
        self._busy(True)
        self.status.setText(f"Asking {profile.target} for a token…")
        try:
            checked = await check_sign_in(profile, secret)
        except StockroomError as exc:
            self.status.setText(str(exc))
            if isinstance(exc, SignInRefused):
                self.show_field_error("client_secret", "the server refused this client id and secret")
            return None
        finally:
            self._busy(False)
        organisation = checked.token.organization_slug or profile.target
        self.status.setText(f"Connected to {organisation}: {checked.mode} mode.")
        return checked

    async def test_connection(self) -> CheckedSignIn | None:
        """Gets a token and shows the mode it reports; stores nothing."""
        form = self.read_form()
        if form is None:
            return None
        return await self._check(*form)

    async def sign_in(self) -> None:
        """Checks the secret, keeps it (keyring, or memory when the user ticked that), and closes the dialog."""
        form = self.read_form()
        if form is None:
            return
        profile, secret = form
        checked = await self._check(profile, secret)
        if checked is None:
            return
        try:
            where = store_sign_in(
                checked, secret, store=self._store, vault=self._vault, memory_only=self.memory_only.isChecked()
            )
        except KeyringUnavailable as exc:
            self.status.setText(f"{exc.reason}. {exc.fix}. Or keep the secret in memory for this session only.")
            self.memory_only.show()
            return
        self.status.setText(f"Signed in ({checked.mode} mode); the secret is kept in {where}.")
        self._finish(SignInResult(profile=checked.profile, mode=checked.mode, where=where, store=self._store))

    async def try_demo(self) -> None:
        """Starts the embedded sandbox, fills the fields with its address and credentials, and signs in to it.

        The demo's secret is public and its port changes each run, so it stays in memory and no profile is written.
        """
        self._busy(True)
        self.status.setText("Starting the demo sandbox…")
        try:
            from desktop_app.sandbox import start_background

            if self._sandbox is None:
                self._sandbox = await asyncio.get_running_loop().run_in_executor(None, start_background)
        except Exception as exc:  # any start failure is shown; the dialog stays usable
            log.exception("the demo sandbox did not start")
            self.status.setText(f"The demo sandbox did not start: {exc}")
            self._busy(False)
            return
        sandbox: Any = self._sandbox
        self.profiles.setCurrentText(NEW_PROFILE)
        self.custom_server.setChecked(True)
        values = {"name": DEMO_PROFILE, "base_url": sandbox.url, "token_url": sandbox.token_url}
        values |= {"client_id": sandbox.client_id, "client_secret": sandbox.client_secret}
        for key, value in values.items():
            self.fields[key].setText(value)
        profile = self.profile_from_fields()
        if profile is None:
            self._busy(False)
            return
        checked = await self._check(profile, sandbox.client_secret)
        if checked is None:
            return
        self._vault.keep_in_memory(profile.name, StoredCredentials(sandbox.client_secret, token=checked.token))
        where = self._vault.where(profile.name)
        self._finish(
            SignInResult(profile=checked.profile, mode=checked.mode, where=where, store=self._store, sandbox=sandbox)
        )

    def _finish(self, result: SignInResult) -> None:
        self.result_value = result
        self._forget_secret(keep_sandbox=result.sandbox is not None)
        self.accept()

    def reject(self) -> None:
        """Cancel: stop what is running, and the demo sandbox if it was started for nothing."""
        self._tasks.cancel_all()
        self._forget_secret(keep_sandbox=False)
        super().reject()

    def _forget_secret(self, *, keep_sandbox: bool) -> None:
        """The secret does not outlive the dialog in a widget; a demo sandbox nobody signed in to is stopped."""
        self.fields["client_secret"].clear()
        if self._sandbox is not None and not keep_sandbox:
            self._sandbox.stop()
            self._sandbox = None

    @classmethod
    def ask(
        cls, parent: QWidget | None = None, *, config_dir: Path | None = None, reason: str | None = None
    ) -> SignInResult | None:
        """Shows the dialog modally; the profile signed in to, or ``None`` when cancelled.

        Call it from a plain slot (a menu action), not from inside a coroutine: the dialog's own network tasks run
        in the nested event loop, and asyncio refuses to step a task while another one is mid-step. Inside a
        coroutine use :meth:`ask_async`.
        """
        dialog = cls(parent, store=ProfileStore(config.config_dir(config_dir)), reason=reason)
        try:
            dialog.exec()
            return dialog.result_value
        finally:
            dialog.deleteLater()

    @classmethod
    async def ask_async(
        cls, parent: QWidget | None = None, *, config_dir: Path | None = None, reason: str | None = None
    ) -> SignInResult | None:
        """The same as :meth:`ask` for a coroutine (first start): window-modal, awaited instead of a nested loop."""
        dialog = cls(parent, store=ProfileStore(config.config_dir(config_dir)), reason=reason)
        answer: asyncio.Future[SignInResult | None] = asyncio.get_running_loop().create_future()

        def finished(_code: int) -> None:
            if not answer.done():
                answer.set_result(dialog.result_value)

        dialog.finished.connect(finished)
        dialog.open()
        try:
            return await answer
        finally:
            dialog.deleteLater()
