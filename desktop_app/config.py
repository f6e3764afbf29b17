"""Where Stockroom keeps its files: platformdirs locations, overridable by flag or environment variable."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "stockroom"


def _platform_dir(kind: str) -> str:
    """The platform's own folder; platformdirs is imported only when no override names one (it is not cheap, and
    the window's start usually has one)."""
    import platformdirs

    if kind == "data":
        return str(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return str(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Caches live here: ``--data-dir``, else ``STOCKROOM_DATA_DIR``, else the platform's user data directory."""
    chosen = override or os.environ.get("STOCKROOM_DATA_DIR") or _platform_dir("data")
    path = Path(chosen).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Profiles live here: ``--config-dir``, else ``STOCKROOM_CONFIG_DIR``, else the platform's config directory."""
    chosen = override or os.environ.get("STOCKROOM_CONFIG_DIR") or _platform_dir("config")
    path = Path(chosen).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path
