"""When no keyring is usable: one clear message, a non-zero exit, and nothing written anywhere.

The no-backend case runs the CLI with a D-Bus address that leads nowhere; the locked case builds a real
gnome-keyring with one password and then starts it again with another, which is what leaves the login keyring
locked (keyring then raises ``KeyringLocked``, because no unlock prompt can be shown without a display).
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.credentials.conftest import REPO, Cli

LOGIN = ("login", "--profile", "acme", "--slug", "acme", "--client-id", "cid", "--client-secret-stdin")
SECRET = "never-stored-secret-8123\n"


def _assert_nothing_written(cli: Cli, result: subprocess.CompletedProcess[str]) -> None:
    assert cli.files() == [], f"files written: {cli.files()}"
    assert "never-stored-secret" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_no_keyrings_alt_installed() -> None:
    """keyrings.alt would be picked silently and write secrets to a file; the project must not depend on it."""
    assert importlib.util.find_spec("keyrings") is None or importlib.util.find_spec("keyrings.alt") is None


def test_no_secret_service_says_so_and_stores_nothing(cli: Cli) -> None:
    cli.env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/nonexistent/stockroom-test-bus"
    result = cli.run(*LOGIN, stdin=SECRET)
    assert result.returncode == 3, result.stderr
    assert "no usable keyring: no Secret Service is running" in result.stderr
    assert "install and start gnome-keyring or KeePassXC" in result.stderr
    assert "Nothing was stored" in result.stderr
    _assert_nothing_written(cli, result)
    listing = cli.run("profiles")
    assert listing.returncode == 0 and "No profiles yet" in listing.stdout


def test_no_dbus_session_at_all(cli: Cli) -> None:
    cli.env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    result = cli.run(*LOGIN, stdin=SECRET)
    assert result.returncode == 3, result.stderr
    assert "no D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set)" in result.stderr
    _assert_nothing_written(cli, result)


def test_backend_not_recommended_is_refused(cli: Cli) -> None:
    """A configured backend keyring itself does not recommend (here the null backend) is refused, not used."""
    cli.env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    result = cli.run(*LOGIN, stdin=SECRET)
    assert result.returncode == 3, result.stderr
    assert "keyring.backends.null.Keyring" in result.stderr and "does not store secrets in files" in result.stderr
    _assert_nothing_written(cli, result)


NEEDS_GNOME_KEYRING = pytest.mark.skipif(
    not (shutil.which("gnome-keyring-daemon") and shutil.which("dbus-run-session")),
    reason="needs gnome-keyring-daemon and dbus-run-session (apt-get install gnome-keyring dbus)",
)


#: Runs "$@" in the session, then stops the session's gnome-keyring (started by --unlock, or on demand by D-Bus),
#: which would otherwise outlive its bus.
SESSION_SCRIPT = """
if [ -n "$UNLOCK" ]; then printf %s "$UNLOCK" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; fi
"$@"; rc=$?
pid=$(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null | awk '{print $2}')
if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; fi
exit $rc
"""


def _in_keyring_session(home: Path, password: str, command: list[str], env: dict[str, str], stdin: str = "") -> str:
    """Runs ``command`` in a fresh D-Bus session whose gnome-keyring was unlocked with ``password`` (none: not started).

    Output goes through files, not pipes, so a daemon that lingers cannot keep the test waiting.
    """
    session_env = dict(env, HOME=str(home), XDG_DATA_HOME=str(home / "share"), UNLOCK=password)
    session_env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    session_env.pop("DISPLAY", None)
    with tempfile.TemporaryFile("w+") as out:
        result = subprocess.run(
            ["dbus-run-session", "--", "bash", "-c", SESSION_SCRIPT, "bash", *command],
            input=stdin, stdout=out, stderr=subprocess.STDOUT, text=True, env=session_env, cwd=REPO,
            timeout=90, check=False,
        )  # fmt: skip
        out.seek(0)
        return f"rc={result.returncode}\n{out.read()}"


@NEEDS_GNOME_KEYRING
def test_locked_keyring_says_so_and_stores_nothing(cli: Cli, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    # First session: the login keyring is created with the right password.
    created = _in_keyring_session(home, "right-password", ["secret-tool", "search", "service", "x"], cli.env)
    assert (home / "share" / "keyrings" / "login.keyring").exists(), created
    # Second session: the wrong password leaves it locked; login must say so and keep nothing.
    login = [sys.executable, "-m", "desktop_app", *LOGIN]
    script_env = dict(cli.env)
    output = _in_keyring_session(home, "wrong-password", login, script_env, stdin=SECRET)
    assert "rc=3" in output, output
    assert "the keyring is locked" in output and "unlock it" in output, output
    assert "Traceback" not in output
    assert cli.files() == [], f"files written: {cli.files()}"
    profiles = [sys.executable, "-m", "desktop_app", "profiles"]
    assert "rc=0" in _in_keyring_session(home, "wrong-password", profiles, script_env)


def test_vault_reports_locked_from_keyring_errors() -> None:
    """The translation used for every keyring call: ``KeyringLocked`` is reported as a locked keyring with a fix."""
    import keyring.errors

    from desktop_app.credentials.vault import _translate

    locked = _translate(keyring.errors.KeyringLocked("Failed to unlock the collection!"))
    assert locked.locked and "locked" in locked.reason and locked.exit_code == 3
    missing = _translate(keyring.errors.NoKeyringError("no backend"))
    assert not missing.locked and "no usable keyring" in missing.reason


@NEEDS_GNOME_KEYRING
def test_keyring_started_on_demand_without_a_collection(cli: Cli, tmp_path: Path) -> None:
    """A session bus that starts gnome-keyring on demand, with no login keyring and no display for its prompt."""
    home = tmp_path / "home"
    home.mkdir()
    login = [sys.executable, "-m", "desktop_app", *LOGIN]
    output = _in_keyring_session(home, "", login, cli.env, stdin=SECRET)
    assert "rc=3" in output, output
    assert "the keyring has no usable default collection" in output, output
    assert "create or unlock your login keyring" in output and "Traceback" not in output
    assert cli.files() == [], f"files written: {cli.files()}"
