"""The error every layer raises for a value that does not fit its field."""

from __future__ import annotations


class FieldError(ValueError):
    """A value that does not fit its field; ``field`` names it so a form can show the message beside it."""

    def __init__(self, field: str, message: str, code: str = "invalid") -> None:
        super().__init__(f"{field} - {message}")
        self.field = field
        self.message = message
        self.code = code
