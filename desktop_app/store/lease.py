"""Who holds an outbox entry while it is being sent, and whether that holder still exists.

A pusher claims an entry for a while before sending it, so two pushes at once never send the same create twice.
A claim names its process (host, pid and the process's start time, so a recycled pid is not mistaken for the
holder): when that process is gone (``kill -9``, a crash, a closed laptop lid that never woke the window) the claim
is taken over at once instead of holding the edit until the claim lapses.
"""

import os
from typing import NamedTuple


def _proc_stat(pid: int) -> list[str]:
    """``/proc/PID/stat`` from field 3 (the state) on, or ``[]`` where the system does not tell (not Linux)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            text = stat.read()
    except OSError:
        return []
    # The command name (field 2) is in parentheses and may hold spaces.
    return text.rpartition(")")[2].split()


def _host() -> str:
    """This machine's name, as a claim records it."""
    import socket  # here: ~5 ms of a window's start (-X importtime) before anything is sent

    return socket.gethostname()


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (field 22), or ``""``."""
    fields = _proc_stat(pid)
    return fields[19] if len(fields) > 19 else ""


class Holder(NamedTuple):
    """One process that may claim entries; :attr:`owner` is what the outbox stores in ``claimed_by``."""

    host: str
    pid: int
    started: str
    nonce: str

    @property
    def owner(self) -> str:
        return f"{self.host}:{self.pid}:{self.started}:{self.nonce}"

    @classmethod
    def this_process(cls) -> "Holder":
        pid = os.getpid()
        return cls(_host(), pid, _start_time(pid), os.urandom(4).hex())

    @classmethod
    def parse(cls, owner: str) -> "Holder | None":
        """The holder a stored claim names; ``None`` for a claim written in an older format."""
        parts = owner.split(":")
        if len(parts) < 4 or not parts[-3].isdigit():
            return None
        host = ":".join(parts[:-3])
        return cls(host, int(parts[-3]), parts[-2], parts[-1])

    def describe(self) -> str:
        """For a message: "process 4242" on this machine, "process 4242 on HOST" elsewhere."""
        here = self.host == _host()
        return f"process {self.pid}" + ("" if here else f" on {self.host}")


def holder_alive(owner: str) -> bool:
    """Whether the process named by a claim may still be sending; only a process known to be gone is not.

    A holder on another machine (a cache on a shared folder) cannot be checked and counts as alive."""
    holder = Holder.parse(owner)
    if holder is None or holder.host != _host():
        return True
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process with that pid: alive, unless the start time says it is not ours
    except OSError:
        return True
    fields = _proc_stat(holder.pid)
    if fields and fields[0] in ("Z", "X"):
        return False  # killed, not yet reaped by its parent
    started = fields[19] if len(fields) > 19 else ""
    return not (holder.started and started and started != holder.started)
