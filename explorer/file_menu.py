"""The File menu: open/save models (HDF5, through the engine), a recent-files list kept in
QSettings, the bundled models, loading points, and exports (the current workspace's view to
PNG, the 2-D trajectories to HDF5). The window passes in what each entry acts on."""
from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from engine.runtime import protocol as m
from engine.presets import ASSETS

from . import settings
from .state import AppState


class FileMenu:
    def __init__(self, menu: QMenu, parent: QWidget, client, state: AppState, *, on_error: Callable[[str], None],
                 load_points: Callable[[], None], export_view: Callable[[str], bool],
                 export_trajectories: Callable[[str], bool], paper_figure: Callable[[], object],
                 quit: Callable[[], object]):
        """parent: owns the actions and the dialogs; export_view(path) writes the current
        workspace's view, export_trajectories(path) the 2-D trajectories."""
        self.parent, self.client, self.state, self.on_error = parent, client, state, on_error
        self.export_view, self.export_trajectories = export_view, export_trajectories
        self.open = self._action(menu, "&Open model…", self.open_dialog, QKeySequence.Open)
        self.pretrained_menu = menu.addMenu("Open &pretrained")
        self.recent_menu = menu.addMenu("Open &recent")
        self.save = self._action(menu, "&Save model as…", self.save_dialog, QKeySequence.Save)
        menu.addSeparator()
        self._action(menu, "Load &points (CSV/NPY)…", load_points)
        menu.addSeparator()
        self._action(menu, "Export view as &PNG…", self.export_png_dialog, "Ctrl+E")
        self._action(menu, "Export &trajectories (HDF5)…", self.export_traj_dialog)
        self._action(menu, "Paper &figure…", paper_figure, "Ctrl+F")
        menu.addSeparator()
        self._action(menu, "&Quit", quit, QKeySequence.Quit)
        self.refresh_recent()
        self.refresh_pretrained()

    def _action(self, menu, text, slot, shortcut=None) -> QAction:
        a = QAction(text, self.parent)
        if shortcut:
            a.setShortcut(shortcut)
        a.triggered.connect(lambda *_: slot())
        menu.addAction(a)
        return a

    # ---- models -----------------------------------------------------------------------
    def open_model(self, path: str) -> None:
        self.client.submit(m.LoadModel(str(path)))

    def save_model(self, path: str) -> None:
        if not self.state.has_model:
            self.on_error("nothing to save: open or train a model first")
            return
        self.client.submit(m.SaveModel(str(path)))

    def remember(self, path: str) -> None:
        if path:
            settings.add_recent(str(Path(path).resolve()))
            self.refresh_recent()

    def refresh_recent(self) -> None:
        self.recent_menu.clear()
        files = settings.recent_files()
        for p in files:
            a = self.recent_menu.addAction(Path(p).name)
            a.setToolTip(p)
            a.triggered.connect(partial(self.open_model, p))
        self.recent_menu.setEnabled(bool(files))

    def refresh_pretrained(self, folder: Path = ASSETS) -> None:
        """The models bundled in `folder` (assets/models/*.h5), every kind, by name; the
        window then switches to the model's tab."""
        self.pretrained_menu.clear()
        folder = Path(folder)
        files = sorted(folder.glob("*.h5")) if folder.is_dir() else []
        for p in files:
            a = self.pretrained_menu.addAction(p.stem)
            a.setToolTip(str(p))
            a.triggered.connect(lambda *_, path=str(p): self.open_model(path))
        self.pretrained_menu.setEnabled(bool(files))

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.parent, "Open model", "", "Models (*.h5 *.hdf5)")
        if path:
            self.open_model(path)

    def save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.parent, "Save model", "model.h5", "Models (*.h5)")
        if path:
            self.save_model(path)

    # ---- exports ----------------------------------------------------------------------
    def export_png_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.parent, "Export view", "diffusion_view.png", "PNG (*.png)")
        if path:
            self.export_view(path)

    def export_traj_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.parent, "Export trajectories", "trajectories.h5", "HDF5 (*.h5)")
        if path:
            self.export_trajectories(path)
