"""QSettings in one place: always INI format under organisation "DiffusionExplorer", app
"Diffusion Explorer", so tests can redirect it with QSettings.setPath(IniFormat, ...)."""
from __future__ import annotations

from PySide6.QtCore import QSettings

ORG, APP = "DiffusionExplorer", "Diffusion Explorer"
MAX_RECENT = 8


def settings() -> QSettings:
    return QSettings(QSettings.IniFormat, QSettings.UserScope, ORG, APP)


def recent_files() -> list[str]:
    value = settings().value("recent", [])
    if isinstance(value, str):      # INI stores a one-item list as a plain string
        value = [value]
    return [str(v) for v in (value or [])]


def add_recent(path: str) -> list[str]:
    files = [path] + [p for p in recent_files() if p != path]
    files = files[:MAX_RECENT]
    settings().setValue("recent", files)
    return files
