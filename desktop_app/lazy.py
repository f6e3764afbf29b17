"""A package's public names loaded on first use (PEP 562), for packages whose parts cost a start to import.

``__getattr__, __dir__ = lazy_exports(__name__, {"Name": "submodule", ...})`` in the package's ``__init__``: a name
is imported from its submodule when first read, then kept in the package like any other. The package lists the
same names under ``TYPE_CHECKING`` for the type checker, and in ``__all__``.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, where: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module ``__getattr__`` and ``__dir__`` of ``package``, which finds each name of ``where`` in the
    submodule it maps to."""

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(where))

    return __getattr__, __dir__
