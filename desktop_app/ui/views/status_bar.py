"""The status bar: who and where (profile, test/live), sync progress with cancel, freshness, online state, outbox.

A manager decides whether to trust a number from what this bar says: "as of 14:32" is when this tab's data last
came from the server, "Offline" means edits are queued, and the pending/conflict button opens the list of them.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar, QToolButton, QWidget

from desktop_app.schema import get_resource

#: The sync's progress is shown at most this often (milliseconds). ``QProgressBar.setValue`` repaints at once, inside
#: the call, whenever the bar moves a pixel, and that paint takes everything else waiting to be painted with it (a
#: table just reloaded: 20-35 ms): called for each page a sync wrote, it joined that repaint to the writing in one
#: stall of the window's loop. Shown from a timer, the bar's repaint is a turn of the loop of its own, ten a second.
PROGRESS_MS = 100


def as_of_text(moment: datetime | None) -> str:
    """``as of 14:32`` today, ``as of 3 Mar 14:32`` on another day, ``never synced`` without a sync."""
    if moment is None:
        return "never synced"
    local = moment.astimezone()
    now = datetime.now().astimezone()
    if local.date() == now.date():
        return f"as of {local:%H:%M}"
    return f"as of {local.day} {local:%b %H:%M}"


class StatusBar(QStatusBar):
    """Signals: ``cancel_sync``, ``open_pending`` and ``retry_now`` (ask the server again while offline)."""

    cancel_sync = Signal()
    open_pending = Signal()
    retry_now = Signal()
    #: The person asked for the Changes view (what the last syncs changed).
    open_changes = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile_label = QLabel()
        self.profile_label.setToolTip("Organisation profile and its mode")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(320)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self._progress_due: tuple[str, int, int | None] | None = None
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.setInterval(PROGRESS_MS)
        self._progress_timer.timeout.connect(self._show_progress)
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Stop the sync; what arrived so far stays in the cache")
        self.cancel_button.clicked.connect(self.cancel_sync)
        self.cancel_button.hide()
        self.as_of_label = QLabel()
        self.as_of_label.setToolTip("When this tab's data last came from the server")
        self.online_label = QLabel()
        self.retry_button = QToolButton()
        self.retry_button.setText("Retry now")
        self.retry_button.setToolTip("Ask the server again now (Stockroom also asks by itself now and then)")
        self.retry_button.clicked.connect(self.retry_now)
        self.retry_button.hide()
        self.pending_button = QPushButton()
        self.pending_button.setFlat(True)
        self.pending_button.setToolTip("Edits not yet confirmed by the server; click to retry, discard or resolve")
        self.pending_button.clicked.connect(self.open_pending)
        self.changes_button = QPushButton()
        self.changes_button.setFlat(True)
        self.changes_button.setToolTip("What the last syncs changed: grouped by type, biggest quantity drops first")
        self.changes_button.clicked.connect(self.open_changes)
        self.changes_button.hide()
        self.notice_label = QLabel()
        self.notice_label.setStyleSheet("color: #b06e00;")
        self.notice_label.hide()
        self._notice_clear = QTimer(self)
        self._notice_clear.setSingleShot(True)
        self._notice_clear.timeout.connect(lambda: self.set_notice(""))
        self.addPermanentWidget(self.notice_label)
        self.addPermanentWidget(self.profile_label)
        self.addPermanentWidget(self.changes_button)
        self.addPermanentWidget(self.progress)
        self.addPermanentWidget(self.cancel_button)
        self.addPermanentWidget(self.as_of_label)
        self.addPermanentWidget(self.pending_button)
        self.addPermanentWidget(self.online_label)
        self.addPermanentWidget(self.retry_button)
        self.set_online(True)
        self.set_outbox(0, 0)

    def set_profile(self, name: str, mode: str) -> None:
        colour = "#b06e00" if mode == "test" else "#2e7d32"
        self.profile_label.setText(f"<b>{name}</b> · <span style='color:{colour}'>{mode} mode</span>")

    def set_online(self, online: bool, *, forced: bool = False, reason: str | None = None) -> None:
        self.retry_button.setVisible(not online and not forced)  # offline by choice: nothing to retry
        if online:
            self.online_label.setText("<span style='color:#2e7d32'>●</span> Online")
            self.online_label.setToolTip("Online: edits are sent as they are made")
        else:
            why = reason or ("working from the cache" if forced else "the server cannot be reached")
            self.online_label.setText("<span style='color:#c62828'>●</span> Offline")
            self.online_label.setToolTip(f"Offline: {why}; edits are kept and sent later")

    def next_probe(self, seconds: float) -> None:
        """When Stockroom asks the server again by itself (the Retry now button's tooltip)."""
        self.retry_button.setToolTip(f"Ask the server again now; Stockroom asks by itself in {seconds:.0f} seconds")

    def set_as_of(self, moment: datetime | None) -> None:
        self.as_of_label.setText(as_of_text(moment))

    def set_outbox(self, pending: int, conflicts: int) -> None:
        parts = []
        if pending:
            parts.append(f"{pending} pending edit{'s' if pending != 1 else ''}")
        if conflicts:
            parts.append(f"{conflicts} conflict{'s' if conflicts != 1 else ''}")
        self.pending_button.setText(" · ".join(parts) if parts else "No pending edits")
        self.pending_button.setStyleSheet("color: #c62828; font-weight: 600;" if conflicts else "")

    def set_notice(self, text: str, seconds: float | None = None) -> None:
        """Say what holds work back (rate limiting, another Stockroom sending this cache's edits) until it no
        longer does: ``""`` clears it, and so does the end of ``seconds`` when the server said how long."""
        self._notice_clear.stop()
        self.notice_label.setText(text)
        self.notice_label.setToolTip(text)
        self.notice_label.setVisible(bool(text))
        if text and seconds:
            self._notice_clear.start(int(seconds * 1000))

    def sync_started(self) -> None:
        self.progress.setRange(0, 0)
        self.progress.setFormat("Syncing…")
        self.progress.show()
        self.cancel_button.show()

    def sync_progress(self, resource: str, done: int, total: int | None) -> None:
        """How far the sync is: shown within :data:`PROGRESS_MS`, the latest of what came meanwhile."""
        self._progress_due = (resource, done, total)
        if not self._progress_timer.isActive():
            self._progress_timer.start()

    def _show_progress(self) -> None:
        due, self._progress_due = self._progress_due, None
        if due is None or self.progress.isHidden():  # hidden: the sync ended meanwhile
            return
        resource, done, total = due
        name = get_resource(resource).plural_label if resource else ""
        if not total:
            self.progress.setRange(0, 0)
            self.progress.setFormat(f"{name}…")
            return
        # The numbers written out (4,000 of 10,000), not Qt's %v and %m, which have no thousands separators; the bar
        # as wide as that text at its longest (the total's digits in place of the count's), on one line.
        text = f"{name} {min(done, total):,} of {total:,}"
        widest = f"{name} {total:,} of {total:,}"
        self.progress.setMinimumWidth(min(320, self.progress.fontMetrics().horizontalAdvance(widest) + 24))
        self.progress.setFormat(text)
        self.progress.setRange(0, total)
        self.progress.setValue(min(done, total))

    def set_changes(self, summary: str | None) -> None:
        """Offer the Changes view: ``summary`` says what the last sync changed ("38 stock items changed")."""
        self.changes_button.setVisible(summary is not None)
        self.changes_button.setText(f"{summary} · View…" if summary else "")

    def sync_finished(self, ok: bool, message: str) -> None:
        self._progress_timer.stop()
        self._progress_due = None
        self.progress.hide()
        self.cancel_button.hide()
        self.showMessage(message, 6000)
