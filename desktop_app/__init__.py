"""Stockroom: a desktop inventory manager for Commerce Layer."""

from importlib import metadata

try:
    __version__ = metadata.version("stockroom")
except metadata.PackageNotFoundError:  # running from a source tree or a frozen bundle without metadata
    __version__ = "0.1.0"

__all__ = ["__version__"]
