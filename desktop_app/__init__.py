"""Stockroom: a desktop inventory manager for Commerce Layer."""

from importlib import metadata
from pathlib import Path


def _version() -> str:
    """The installed distribution's version; from a bare source tree, the one pyproject.toml declares."""
    try:
        return metadata.version("stockroom")
    except metadata.PackageNotFoundError:
        import tomllib

        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        try:
            return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "unknown"


__version__ = _version()

__all__ = ["__version__"]
