"""Failures of the machine rather than of the input, as one line each: a full disk, a file that cannot be written.

A full disk in the middle of a sync is the person's to fix (free some space) and nothing was half-written (every
page is its own transaction, rolled back whole), so it is told like bad input: one line, exit 2.
"""

from __future__ import annotations

import argparse
import errno
import functools
import sqlite3
from collections.abc import Callable
from typing import IO

from desktop_app.errors import StockroomError, UsageError

#: SQLite's primary result codes for "database or disk is full" and for a damaged file.
_SQLITE_FULL = 13
_DAMAGED = {11, 26}

Handler = Callable[[argparse.Namespace], int]


def _disk_full() -> UsageError:
    return UsageError(
        "disk - the disk holding the cache is full; nothing was half-written (what was saved before stays), "
        "free some space and run the command again"
    )


def guarded(handler: Handler) -> Handler:
    """``handler`` with a full disk or an unwritable cache turned into one line instead of a traceback."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except sqlite3.Error as error:
            code = getattr(error, "sqlite_errorcode", 0) & 0xFF
            if code == _SQLITE_FULL:
                raise _disk_full() from None
            if code in _DAMAGED:
                raise StockroomError(
                    f"the cache file is damaged ({error}); run the command again: the file will be set aside and "
                    "its queued edits recovered"
                ) from None
            raise StockroomError(f"the cache could not be read or written ({error})") from None
        except OSError as error:
            if error.errno in (errno.ENOSPC, errno.EDQUOT):
                raise _disk_full() from None
            raise

    return run


def open_output(path: str) -> IO[str]:
    """The file ``--output`` names, opened for writing; one line naming it when that cannot be done."""
    try:
        return open(path, "w", encoding="utf-8", newline="")
    except OSError as error:
        raise UsageError(f"output - cannot write {path} ({error.strerror or error})") from None
