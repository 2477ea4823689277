"""File dialogs that open where the user last was: each kind of file (models, exports,
points, images) remembers its folder in QSettings, instead of the working folder."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from .. import settings


def _start(key: str, name: str = "") -> str:
    folder = settings.last_folder(key)
    return str(Path(folder) / name) if folder else name


def _remember(key: str, path: str, is_folder: bool = False) -> str:
    if path:
        settings.set_last_folder(key, path if is_folder else str(Path(path).parent))
    return path


def open_file(parent: QWidget | None, caption: str, filter: str, key: str) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, caption, _start(key), filter)
    return _remember(key, path)


def save_file(parent: QWidget | None, caption: str, name: str, filter: str, key: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, caption, _start(key, name), filter)
    return _remember(key, path)


def folder(parent: QWidget | None, caption: str, key: str) -> str:
    path = QFileDialog.getExistingDirectory(parent, caption, _start(key))
    return _remember(key, path, is_folder=True)
