"""Where Stockroom keeps its files: platformdirs locations, overridable by flag or environment variable."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "stockroom"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Caches live here: ``--data-dir``, else ``STOCKROOM_DATA_DIR``, else the platform's user data directory."""
    chosen = override or os.environ.get("STOCKROOM_DATA_DIR") or platformdirs.user_data_dir(APP_NAME, appauthor=False)
    path = Path(chosen).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Profiles live here: ``--config-dir``, else ``STOCKROOM_CONFIG_DIR``, else the platform's config directory."""
    chosen = (
        override or os.environ.get("STOCKROOM_CONFIG_DIR") or platformdirs.user_config_dir(APP_NAME, appauthor=False)
    )
    path = Path(chosen).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path
