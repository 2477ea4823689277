"""The File menu: open/save models (HDF5, through the engine), a recent-files list kept in
QSettings, loading points, and exports (the view to PNG, trajectories to HDF5)."""
from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog

from engine import messages as m
from engine.presets import ASSETS
from engine.storage import StorageError, save_trajectory

from . import settings


class FileActions:
    def __init__(self, window):
        self.w = window
        menu = window.menuBar().addMenu("&File")
        self.open = self._action(menu, "&Open model…", self.open_dialog, QKeySequence.Open)
        self.pretrained_menu = menu.addMenu("Open &pretrained")
        self.recent_menu = menu.addMenu("Open &recent")
        self.save = self._action(menu, "&Save model as…", self.save_dialog, QKeySequence.Save)
        menu.addSeparator()
        self._action(menu, "Load &points (CSV/NPY)…", window.data_panel._load_dialog)
        menu.addSeparator()
        self._action(menu, "Export view as &PNG…", self.export_png_dialog, "Ctrl+E")
        self._action(menu, "Export &trajectories (HDF5)…", self.export_traj_dialog)
        self._action(menu, "Paper &figure…", window.show_paper_figure, "Ctrl+F")
        menu.addSeparator()
        self._action(menu, "&Quit", window.close, QKeySequence.Quit)
        self.refresh_recent()
        self.refresh_pretrained()

    def _action(self, menu, text, slot, shortcut=None) -> QAction:
        a = QAction(text, self.w)
        if shortcut:
            a.setShortcut(shortcut)
        a.triggered.connect(lambda *_: slot())
        menu.addAction(a)
        return a

    # ---- models -----------------------------------------------------------------------
    def open_model(self, path: str) -> None:
        self.w.client.submit(m.LoadModel(str(path)))

    def save_model(self, path: str) -> None:
        if not self.w.state.has_model:
            self.w.show_error("nothing to save: open or train a model first")
            return
        self.w.client.submit(m.SaveModel(str(path)))

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

    def refresh_pretrained(self) -> None:
        """The bundled models (assets/models/*.h5), every kind; the window then switches
        to the model's tab."""
        self.pretrained_menu.clear()
        files = sorted(ASSETS.glob("*.h5")) if ASSETS.is_dir() else []
        for p in files:
            a = self.pretrained_menu.addAction(p.stem)
            a.setToolTip(str(p))
            a.triggered.connect(lambda *_, path=str(p): self.open_model(path))
        self.pretrained_menu.setEnabled(bool(files))

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.w, "Open model", "", "Models (*.h5 *.hdf5)")
        if path:
            self.open_model(path)

    def save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.w, "Save model", "model.h5", "Models (*.h5)")
        if path:
            self.save_model(path)

    # ---- exports ----------------------------------------------------------------------
    def export_png(self, path: str) -> bool:
        ok = self.w.view.grab().save(str(path))
        if not ok:
            self.w.show_error(f"could not write {path}")
        else:
            self.w.statusBar().showMessage(f"view saved to {path}", 5000)
        return ok

    def export_trajectories(self, path: str) -> bool:
        s = self.w.state
        if s.forward is None and s.reverse is None:
            self.w.show_error("no trajectories yet: open or train a model first")
            return False
        first = "forward" if s.forward is not None else "reverse"
        extra = {f"selected_{d}": s.selection[d] for d in ("forward", "reverse")}
        if first == "forward" and s.reverse is not None:
            extra["reverse"] = s.reverse
        try:
            save_trajectory(path, first, getattr(s, first), s.model.data_mean, s.model.data_std, **extra)
        except (StorageError, OSError) as e:
            self.w.show_error(str(e).splitlines()[0])
            return False
        self.w.statusBar().showMessage(f"trajectories saved to {path}", 5000)
        return True

    def export_png_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.w, "Export view", "diffusion_view.png", "PNG (*.png)")
        if path:
            self.export_png(path)

    def export_traj_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.w, "Export trajectories", "trajectories.h5", "HDF5 (*.h5)")
        if path:
            self.export_trajectories(path)
