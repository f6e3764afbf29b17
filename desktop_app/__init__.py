"""Stockroom: a desktop inventory manager for Commerce Layer."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    __version__: str


def _version() -> str:
    """The installed distribution's version; from a bare source tree, the one pyproject.toml declares."""
    from importlib import metadata

    try:
        return metadata.version("stockroom")
    except metadata.PackageNotFoundError:
        import tomllib
        from pathlib import Path

        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        try:
            return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "unknown"


def __getattr__(name: str) -> str:
    """``__version__`` is looked up on first use (PEP 562): ``importlib.metadata`` costs the window's start
    more than anything it shows in its first frame, and only ``--version`` and About need the number."""
    if name == "__version__":
        version = _version()
        globals()["__version__"] = version
        return version
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["__version__"]
