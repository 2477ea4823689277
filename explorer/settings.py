"""QSettings in one place: always INI format under organisation "DiffusionExplorer", app
"Diffusion Explorer", so tests can redirect it with QSettings.setPath(IniFormat, ...)."""
from __future__ import annotations

from PySide6.QtCore import QSettings

ORG, APP = "DiffusionExplorer", "Diffusion Explorer"
MAX_RECENT = 8


def settings() -> QSettings:
    return QSettings(QSettings.IniFormat, QSettings.UserScope, ORG, APP)


def recent_files(key: str = "recent") -> list[str]:
    """Recent models (or, by key, recent workspaces: explorer/shell/workspace_files.py)."""
    value = settings().value(key, [])
    if isinstance(value, str):      # INI stores a one-item list as a plain string
        value = [value]
    return [str(v) for v in (value or [])]


def add_recent(path: str, key: str = "recent") -> list[str]:
    files = [path] + [p for p in recent_files(key) if p != path]
    files = files[:MAX_RECENT]
    settings().setValue(key, files)
    return files


def last_folder(key: str) -> str:
    """The folder a file dialog of this kind ("models", "exports", ...) was last used in."""
    return str(settings().value(f"folders/{key}", "") or "")


def set_last_folder(key: str, folder: str) -> None:
    settings().setValue(f"folders/{key}", str(folder))


def flag(key: str, default: bool = False) -> bool:
    """A yes/no setting (INI stores booleans as "true"/"false")."""
    v = settings().value(key, default)
    return v if isinstance(v, bool) else str(v).lower() in ("true", "1", "yes")


def set_flag(key: str, value: bool) -> None:
    settings().setValue(key, bool(value))
