"""Data controls: a built-in set with its noise and size, your own points drawn with the
mouse, or a CSV/NPY file. Emits the raw points whenever they change; errors go out as a
signal (shown non-blocking by the window), never as a dialog."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout, QPushButton,
                               QSpinBox, QVBoxLayout, QWidget)

from engine.datasets import POINT_SETS, DataError, load_points_file, make_points, validate_points

from ..views.draw_canvas import DrawCanvas

DRAWN = "drawn"


class DataPanel(QWidget):
    dataChanged = Signal(str, object)    # name, raw (n, 2) points
    error = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.name = QComboBox()
        self.name.addItems([*POINT_SETS, DRAWN])
        self.noise = QDoubleSpinBox()
        self.noise.setRange(0.0, 2.0)
        self.noise.setSingleStep(0.01)
        self.noise.setValue(0.05)
        self.n = QSpinBox()
        self.n.setRange(100, 200_000)
        self.n.setSingleStep(1000)
        self.n.setValue(2000)
        self.n.setToolTip("points shown (forward: this many data points; reverse: this many samples)")
        self.draw = QPushButton("✎ Draw")
        self.draw.setCheckable(True)
        self.draw.setToolTip("drag on the canvas to spray your own data")
        self.clear = QPushButton("Clear")
        self.load = QPushButton("Load CSV/NPY…")
        self.canvas = DrawCanvas()
        form = QFormLayout()
        form.addRow("data set", self.name)
        form.addRow("noise", self.noise)
        form.addRow("points", self.n)
        buttons = QHBoxLayout()
        for b in (self.draw, self.clear, self.load):
            buttons.addWidget(b)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addLayout(buttons)
        lay.addWidget(self.canvas, 1)
        self.points: np.ndarray | None = None
        self.current = ""
        self.name.currentTextChanged.connect(self._chosen)
        self.noise.editingFinished.connect(self.regenerate)
        self.n.editingFinished.connect(self.regenerate)
        self.draw.toggled.connect(self._draw_toggled)
        self.clear.clicked.connect(self._clear)
        self.load.clicked.connect(self._load_dialog)
        self.canvas.strokeFinished.connect(self._stroke)

    # ---- API --------------------------------------------------------------------------
    def choose(self, name: str, noise: float | None = None, quiet: bool = False) -> None:
        """Select a built-in set (e.g. the one a loaded model was trained on)."""
        if noise is not None:
            self.noise.setValue(float(noise))
        self.name.blockSignals(True)
        self.name.setCurrentText(name)
        self.name.blockSignals(False)
        self.regenerate(quiet=quiet)

    def regenerate(self, quiet: bool = False) -> None:
        name = self.name.currentText()
        if name == DRAWN:
            return self._stroke()
        if name.startswith("file:"):
            return
        data = make_points(name, n=self.n.value(), seed=0, noise=self.noise.value(), n_heldout=10)
        self._set(name, data.train, quiet=quiet)

    def load_file(self, path: str) -> bool:
        try:
            pts = load_points_file(path)
        except DataError as e:
            self.error.emit(str(e))
            return False
        label = f"file:{path.rsplit('/', 1)[-1]}"
        if self.name.findText(label) < 0:
            self.name.addItem(label)
        self.name.blockSignals(True)
        self.name.setCurrentText(label)
        self.name.blockSignals(False)
        self._set(label, pts)
        return True

    # ---- internals ----------------------------------------------------------------------
    def _set(self, name: str, pts: np.ndarray, quiet: bool = False) -> None:
        self.points, self.current = pts, name
        if not self.draw.isChecked():
            self.canvas.show_points(pts)
        if not quiet:
            self.dataChanged.emit(name, pts)

    def _chosen(self, name: str) -> None:
        if name != DRAWN and self.draw.isChecked():
            self.draw.setChecked(False)
        if name.startswith("file:"):
            return
        if name == DRAWN:
            self.draw.setChecked(True)
        self.regenerate()

    def _draw_toggled(self, on: bool) -> None:
        self.canvas.set_draw_mode(on)
        if on and self.name.currentText() != DRAWN:
            self.name.setCurrentText(DRAWN)
        elif not on and self.points is not None:
            self.canvas.show_points(self.points)

    def _clear(self) -> None:
        self.canvas.clear_drawn()
        if not self.draw.isChecked():
            self.draw.setChecked(True)

    def _stroke(self) -> None:
        pts = self.canvas.drawn
        try:
            validate_points(pts, "drawn data")
        except DataError:
            return   # too few points yet: keep drawing
        self._set(DRAWN, pts.copy())

    def _load_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Load points", "", "Points (*.csv *.npy *.txt)")
        if path:
            self.load_file(path)
