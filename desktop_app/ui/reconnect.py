"""Back online by itself: while the server cannot be reached, ask it again now and then, and at once when the system
says the network is up; when it answers, send what is queued and refresh.

Without this a window that lost the connection stayed offline, edits pending, until the person pressed F5. The
probe is one small listing (one record of the first synced type), spaced 5 s, 10 s, 20 s… up to 2 minutes, so a
long outage costs a request every two minutes. Qt's ``QNetworkInformation`` (in PySide6-Essentials: glib,
NetworkManager and connman backends on Linux, the system's own elsewhere) reports a link coming up; where no
backend loads, the back-off alone brings the window back. A session offline by choice (``--offline``, no secret)
is left alone.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.ui.workspace import Workspace

log = logging.getLogger(__name__)

#: Seconds before each probe while offline; the last repeats.
BACK_OFF = (5.0, 10.0, 20.0, 40.0, 80.0, 120.0)


class Reconnector(QObject):
    """Emits ``probing()`` when it asks the server and ``next_probe(seconds)`` when it has planned the next ask."""

    probing = Signal()
    next_probe = Signal(float)

    def __init__(self, workspace: Workspace, delays: Sequence[float] = BACK_OFF, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.delays = tuple(delays)
        self._attempt = 0
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.retry_now)
        self._busy = False
        self._closed = False
        workspace.online_changed.connect(self._online_changed)
        #: The system's network reports, loaded when first offline (not on the way to the first frame).
        self.network_information: QObject | None = None
        if not workspace.online and not workspace.forced_offline:
            self._plan()

    @property
    def waiting(self) -> bool:
        """A probe is planned (the window is offline and not by choice)."""
        return self._timer.isActive()

    def _online_changed(self, online: bool) -> None:
        if online:
            self._attempt = 0
            self._timer.stop()
        elif not self.workspace.forced_offline:
            self._plan()

    def _plan(self) -> None:
        if self.network_information is None:
            self.network_information = _network_information()
            if self.network_information is not None:
                # A bound slot of this object: Qt drops the connection when this reconnector is deleted, so the
                # process-wide QNetworkInformation never calls into a window that has gone.
                self.network_information.reachabilityChanged.connect(self._reachability_changed)  # type: ignore[attr-defined]
        delay = self.delays[min(self._attempt, len(self.delays) - 1)]
        self._attempt += 1
        self._timer.start(int(delay * 1000))
        self.next_probe.emit(delay)

    def _reachability_changed(self, reachability: object) -> None:
        from PySide6.QtNetwork import QNetworkInformation  # loaded by _network_information already

        if reachability == QNetworkInformation.Reachability.Online:
            self._network_up()

    def _network_up(self) -> None:
        if self._closed:
            return
        if not self.workspace.online and not self.workspace.forced_offline:
            log.info("the system reports the network up: asking the server now")
            self._attempt = 0
            self.retry_now()

    def retry_now(self) -> None:
        """Ask the server now (the status bar's Retry now, the timer, the system's network-up signal)."""
        if self._busy or self.workspace.online or self.workspace.forced_offline:
            return
        self._timer.stop()
        self._busy = True
        self.probing.emit()
        self.workspace.tasks.spawn(self._probe(), name="reconnect")

    async def _probe(self) -> None:
        try:
            back = await self.workspace.reconnect()
        finally:
            self._busy = False
        if not back and not self.workspace.forced_offline:
            self._plan()

    def close(self) -> None:
        self._closed = True
        self._timer.stop()
        if self.network_information is not None:
            self.network_information.reachabilityChanged.disconnect(self._reachability_changed)  # type: ignore[attr-defined]
            self.network_information = None


def _network_information() -> QObject | None:
    """The system's network reports where Qt has a backend for them (``None`` elsewhere)."""
    try:
        from PySide6.QtNetwork import QNetworkInformation
    except ImportError:  # a PySide6 build without QtNetwork
        return None
    if QNetworkInformation.instance() is None and not QNetworkInformation.loadDefaultBackend():
        return None
    return QNetworkInformation.instance()
