"""Errors the command line and the window show to a person as one clear line, never as a traceback."""

from __future__ import annotations


class StockroomError(Exception):
    """A failure worth one line to the user; ``exit_code`` is what the command line returns."""

    exit_code = 1


class UsageError(StockroomError):
    """Bad input from the person (unknown field, wrong type, unknown id): exit code 2."""

    exit_code = 2
