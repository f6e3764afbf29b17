"""Fixtures of the sandbox tests (defined in ``core_support`` beside their fixed test data)."""

from tests.sandbox.core_support import api, module_token, server

__all__ = ["api", "module_token", "server"]
