"""Which D-Bus session the window talks to, settled before Qt starts.

With no ``DBUS_SESSION_BUS_ADDRESS`` (a login over ssh with X forwarding, a bare X server, a kiosk), libdbus inside
Qt "autolaunches" a session bus on the first call: it starts ``dbus-launch`` and a ``dbus-daemon`` that outlive the
window for as long as the X server runs. Stockroom must not leave programs running behind it, and a bus started
that way holds no keyring anyway (nothing unlocked answers on it). So the window uses the desktop's bus when it has
one (the address, or the per-user socket systemd provides) and otherwise tells libdbus there is none.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping
from pathlib import Path

#: An address no transport answers: libdbus gives up at once instead of autolaunching a bus (and says nothing).
NO_SESSION_BUS = "disabled:"


def settle_session_bus(environ: MutableMapping[str, str] | None = None) -> str | None:
    """Set ``DBUS_SESSION_BUS_ADDRESS`` when it is missing (Linux and other X11 systems); returns what was set."""
    env = os.environ if environ is None else environ
    if sys.platform in ("darwin", "win32") or env.get("DBUS_SESSION_BUS_ADDRESS"):
        return None
    runtime = env.get("XDG_RUNTIME_DIR")
    socket = Path(runtime) / "bus" if runtime else None
    address = f"unix:path={socket}" if socket is not None and socket.is_socket() else NO_SESSION_BUS
    env["DBUS_SESSION_BUS_ADDRESS"] = address
    return address


def has_session_bus(environ: MutableMapping[str, str] | None = None) -> bool:
    """Whether a session bus address is set (not the one that stands for none)."""
    address = (os.environ if environ is None else environ).get("DBUS_SESSION_BUS_ADDRESS")
    return bool(address) and address != NO_SESSION_BUS
