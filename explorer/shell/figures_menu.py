"""The Figures menu: each of the seed's figures in one click (explorer/figures/): it opens
the figure's bundled model when the open one will not do (asking first about an unsaved
model, as every open does), switches to the figure's tab or dock, sets it up, and shows
the equation it illustrates in a bar over the views, with PNG (2×) and GIF exports. The
exports are in the menu too, for the figure shown last."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QMenuBar

from engine.presets import ASSETS

from ..figures import export
from ..figures.caption_bar import CaptionBar
from ..figures.catalogue import FIGURES
from ..figures.runner import FigureRunner
from ..figures.setups import Shown
from ..figures.stage import Stage
from ..widgets import file_dialogs


class FiguresMenu:
    def __init__(self, bar: QMenuBar, stage: Stage, before: QMenu | None = None, folder: Path = ASSETS):
        """bar: the window's menu bar (the menu goes in before `before`); stage: the parts
        a figure acts on; folder: where the bundled models are (tests point it elsewhere)."""
        self.stage = stage
        self.menu = QMenu("Fi&gures", stage.parent)
        if before is not None:
            bar.insertMenu(before.menuAction(), self.menu)
        else:
            bar.addMenu(self.menu)
        self.runner = FigureRunner(stage, folder, parent=stage.parent)
        self.current: Shown | None = None
        self.recorder = None
        self.actions: dict[str, QAction] = {}
        for fig in FIGURES:
            a = self._action(fig.title, lambda k=fig.key: self.open(k), fig.shortcut)
            a.setToolTip(fig.caption)
            self.actions[fig.key] = a
        self.menu.addSeparator()
        self.png_action = self._action("Export figure as PNG (2×)…", self.png_dialog)
        self.gif_action = self._action("Export figure as GIF…", self.gif_dialog)
        self.bar = CaptionBar(stage.parent)
        window: QMainWindow = stage.parent
        window.addToolBarBreak(Qt.TopToolBarArea)
        window.addToolBar(Qt.TopToolBarArea, self.bar)
        self.bar.png.clicked.connect(self.png_dialog)
        self.bar.gif.clicked.connect(self.gif_dialog)
        self.runner.shown.connect(self._shown)
        self.runner.waiting.connect(lambda text: window.statusBar().showMessage(text, 4000))
        self._enable()

    @property
    def folder(self) -> Path:
        return self.runner.folder

    @folder.setter
    def folder(self, value) -> None:
        self.runner.folder = Path(value)

    def _action(self, text, slot, shortcut="") -> QAction:
        a = QAction(text, self.stage.parent)
        if shortcut:
            a.setShortcut(shortcut)
        a.triggered.connect(lambda *_: slot())
        self.menu.addAction(a)
        return a

    def _enable(self) -> None:
        self.png_action.setEnabled(self.current is not None)
        self.gif_action.setEnabled(self.current is not None and export.gif_available())
        self.bar.gif.setEnabled(self.gif_action.isEnabled())

    # ---- figures ----------------------------------------------------------------------
    def open(self, key: str) -> bool:
        return self.runner.open(key)

    def _shown(self, shown: Shown) -> None:
        self.current = shown
        self.bar.show_figure(shown.figure)
        self._enable()

    # ---- exports ----------------------------------------------------------------------
    def export_png(self, path: str) -> bool:
        if self.current is None:
            self.stage.on_error("no figure shown yet: choose one in the Figures menu")
            return False
        if not export.save_png(self.current, path):
            self.stage.on_error(f"could not write {path}")
            return False
        self.stage.parent.statusBar().showMessage(f"figure saved to {path}", 5000)
        return True

    def export_gif(self, path: str, fps: float = export.GIF_FPS):
        """Start recording the figure to `path`; the recorder (finished/failed signals), or None."""
        if self.current is None or not export.gif_available():
            self.stage.on_error("no figure to record" if self.current is None else "GIF recording is not available")
            return None
        from ..recording.writer import WriterError
        if self.recorder is not None and self.recorder.active:
            self.recorder.cancel()
        try:
            self.recorder = export.record_gif(self.current, self.stage.timeline, self.stage.state.T, path, fps)
        except WriterError as e:
            self.stage.on_error(str(e))
            return None
        status = self.stage.parent.statusBar()
        self.recorder.progress.connect(lambda done, total: status.showMessage(f"recording GIF: frame {done}"
                                                                              + (f" / {total}" if total else ""), 2000))
        self.recorder.finished.connect(lambda p: status.showMessage(f"figure recorded to {p}", 5000))
        self.recorder.failed.connect(self.stage.on_error)
        return self.recorder

    def png_dialog(self) -> None:
        if self.current is not None:
            path = file_dialogs.save_file(self.stage.parent, "Export figure", f"{self.current.figure.key}.png",
                                          "PNG (*.png)", "exports")
            if path:
                self.export_png(path)

    def gif_dialog(self) -> None:
        if self.current is not None:
            path = file_dialogs.save_file(self.stage.parent, "Record figure", f"{self.current.figure.key}.gif",
                                          "GIF (*.gif)", "exports")
            if path:
                self.export_gif(path)
