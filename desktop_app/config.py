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


def private_folder(folder: Path) -> None:
    """Create ``folder`` readable by its owner only, as ``profiles.json`` is: a cache holds a whole organisation's
    inventory. Missing parents are created as usual (``~/.local/share`` is not ours to lock); a folder that exists
    already keeps the permissions it was given."""
    if folder.is_dir():
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        return
    folder.chmod(0o700)  # mkdir's mode passes through the umask


def _folder(chosen: str | os.PathLike[str], flag: str) -> Path:
    """The folder, created owner-only; one clear line (exit 2) when it cannot be."""
    from desktop_app.errors import UsageError

    path = Path(chosen).expanduser()
    try:
        private_folder(path)
        if not path.is_dir():
            raise NotADirectoryError(f"{path} is not a folder")
    except OSError as error:
        raise UsageError(f"{flag} - cannot use {path} as a folder ({error.strerror or error})") from None
    return path


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Caches live here: ``--data-dir``, else ``STOCKROOM_DATA_DIR``, else the platform's user data directory."""
    return _folder(override or os.environ.get("STOCKROOM_DATA_DIR") or _platform_dir("data"), "data-dir")


def config_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Profiles live here: ``--config-dir``, else ``STOCKROOM_CONFIG_DIR``, else the platform's config directory."""
    return _folder(override or os.environ.get("STOCKROOM_CONFIG_DIR") or _platform_dir("config"), "config-dir")
