"""The File menu: open/save models (HDF5, through the engine), a recent-files list kept in
QSettings, the bundled models, loading points, and exports (the current workspace's view to
PNG, the 2-D trajectories to HDF5). The window passes in what each entry acts on. Every way
of opening a model asks `may_replace` first (the unsaved-model guard); dialogs open in the
folder last used for their kind of file."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from engine.runtime import protocol as m
from engine.presets import ASSETS

from .. import settings
from ..state import AppState
from ..widgets import file_dialogs


class FileMenu:
    def __init__(self, menu: QMenu, parent: QWidget, client, state: AppState, *, on_error: Callable[[str], None],
                 load_points: Callable[[], None], export_view: Callable[[str], bool],
                 export_trajectories: Callable[[str], bool], paper_figure: Callable[[], object],
                 quit: Callable[[], object], may_replace: Callable[[str], bool] = lambda what: True):
        """parent: owns the actions and the dialogs; export_view(path) writes the current
        workspace's view, export_trajectories(path) the 2-D trajectories; may_replace(what)
        is asked before a model is opened over the current one."""
        self.parent, self.client, self.state, self.on_error = parent, client, state, on_error
        self.may_replace = may_replace
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
    def open_model(self, path: str, ask: bool = True) -> bool:
        """Open a model file (after asking, when the open model is trained and unsaved)."""
        if ask and not self.may_replace(f"opening {Path(path).name}"):
            return False
        self.client.submit(m.LoadModel(str(path)))
        return True

    def save_model(self, path: str) -> bool:
        if not self.state.has_model:
            self.on_error("nothing to save: open or train a model first")
            return False
        self.client.submit(m.SaveModel(str(path)))
        return True

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
            a.triggered.connect(lambda *_, path=p: self.open_model(path))
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
        if not self.may_replace("opening another model"):     # ask before the dialog, not after
            return
        path = file_dialogs.open_file(self.parent, "Open model", "Models (*.h5 *.hdf5)", "models")
        if path:
            self.open_model(path, ask=False)

    def save_dialog(self) -> bool:
        """File ▸ Save as…; False when cancelled (the unsaved guard's Save… uses it too)."""
        name = Path(self.state.model.path).name if self.state.model.path else "model.h5"
        path = file_dialogs.save_file(self.parent, "Save model", name, "Models (*.h5)", "models")
        return bool(path) and self.save_model(path)

    # ---- exports ----------------------------------------------------------------------
    def export_png_dialog(self) -> None:
        path = file_dialogs.save_file(self.parent, "Export view", "diffusion_view.png", "PNG (*.png)", "exports")
        if path:
            self.export_view(path)

    def export_traj_dialog(self) -> None:
        path = file_dialogs.save_file(self.parent, "Export trajectories", "trajectories.h5", "HDF5 (*.h5)",
                                      "exports")
        if path:
            self.export_trajectories(path)
