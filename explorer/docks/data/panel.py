"""Data controls: a built-in set with its noise and size, your own points drawn with the
mouse, or a CSV/NPY file. Emits the raw points whenever they change; errors go out as a
signal (shown non-blocking by the window), never as a dialog. selectedChanged tells the
Training dock whose presets apply, however the choice changed (the user, or a model that
opened and shows its own data set)."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel, QSizePolicy, QSpinBox,
                               QToolButton, QVBoxLayout, QWidget)

from engine.data.catalogue import BINARY_SETS, IMAGE_SETS, POINT_SETS, kind_of
from engine.data.errors import DataError
from engine.data.points import load_points_file, make_points, validate_points

from ... import theme
from ...state import DataSet
from ...widgets import file_dialogs
from ...widgets.compact import compact
from .draw_canvas import DrawCanvas

DRAWN = "drawn"
FOLDER = "folder of images…"     # opens a dialog; the choice becomes "folder:PATH"


class DataPanel(QWidget):
    dataChanged = Signal(str, object)    # name, raw (n, 2) points
    error = Signal(str)
    namedChosen = Signal(str)            # a binary or image set (built by the engine, not here)
    familyChanged = Signal(str, bool)    # "points" | "binary" | "image", and whether the user chose it
    selectedChanged = Signal(str)        # the set chosen for the next new model, however it changed

    def __init__(self, parent=None):
        super().__init__(parent)
        self.name = QComboBox()
        # Sized for ~14 characters, not the longest entry (a folder's path would widen the dock).
        self.name.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.name.setMinimumContentsLength(14)
        compact(self.name, 8)
        self.name.addItems([*POINT_SETS, DRAWN])
        # Binary and image sets are built on the engine thread when training starts.
        for group in (BINARY_SETS, (*IMAGE_SETS, FOLDER)):
            self.name.insertSeparator(self.name.count())
            self.name.addItems(group)
        self.size = QSpinBox()
        self.size.setRange(8, 64)
        self.size.setSingleStep(8)
        self.size.setValue(16)
        self.size.setSuffix(" px")
        self.size.setToolTip("image size of new image models (square patches)")
        self.noise = QDoubleSpinBox()
        self.noise.setRange(0.0, 2.0)
        self.noise.setSingleStep(0.01)
        self.noise.setValue(0.05)
        self.n = QSpinBox()
        self.n.setRange(100, 200_000)
        self.n.setSingleStep(1000)
        self.n.setValue(2000)
        self.n.setToolTip("points shown (forward: this many data points; reverse: this many samples)")
        self.draw = QToolButton()
        self.draw.setText("✎ Draw")
        self.draw.setCheckable(True)
        self.draw.setToolTip("drag on the canvas to spray your own data")
        self.clear = QToolButton()
        self.clear.setText("Clear")
        self.load = QToolButton()
        self.load.setText("Load…")
        self.load.setToolTip("load 2-D points from a CSV or NPY file")
        self.canvas = DrawCanvas()
        self.preview = QLabel()            # a few items of a binary or image set, in place of the canvas
        self.preview.setAlignment(Qt.AlignHCenter | Qt.AlignTop)
        self.preview.setWordWrap(True)
        self.preview.setContentsMargins(8, 8, 8, 8)
        theme.muted(self.preview)
        self.preview.hide()
        for box in (self.noise, self.n, self.size):
            compact(box, 5)
        self.form = form = QFormLayout()
        form.addRow("data set", self.name)
        form.addRow("noise", self.noise)
        form.addRow("points", self.n)
        form.addRow("image size", self.size)
        form.setRowVisible(self.size, False)
        buttons = QHBoxLayout()
        for b in (self.draw, self.clear, self.load):     # tool buttons: as wide as their text
            b.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
            buttons.addWidget(b)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addLayout(buttons)
        lay.addWidget(self.canvas, 1)
        lay.addWidget(self.preview, 1)
        self.points: np.ndarray | None = None
        self.current = ""
        self._announced = ""
        self._files: dict[str, np.ndarray] = {}     # "file:NAME" -> its points, to choose again
        self.name.currentTextChanged.connect(self._chosen)
        self.noise.editingFinished.connect(self.regenerate)
        self.n.editingFinished.connect(self.regenerate)
        self.draw.toggled.connect(self._draw_toggled)
        self.clear.clicked.connect(self._clear)
        self.load.clicked.connect(self.load_dialog)
        self.canvas.strokeFinished.connect(self._stroke)

    # ---- API --------------------------------------------------------------------------
    def select_quietly(self, name: str) -> None:
        """Show `name` in the data-set box without the signals a user's choice sends."""
        self.name.blockSignals(True)
        self.name.setCurrentText(name)
        self.name.blockSignals(False)
        self._announce()

    def _announce(self) -> None:
        if self.selected != self._announced:
            self._announced = self.selected
            self.selectedChanged.emit(self.selected)

    def choose(self, name: str, noise: float | None = None, quiet: bool = False) -> None:
        """Select a built-in set (e.g. the one a loaded model was trained on)."""
        if noise is not None:
            self.noise.setValue(float(noise))
        self.select_quietly(name)
        self._show_family()
        self.regenerate(quiet=quiet)

    def can_show(self, name: str) -> bool:
        """Whether `name` (a model's data set) can be shown: built-in, or a file loaded here."""
        return name in POINT_SETS or name in self._files

    def dataset(self) -> DataSet:
        """The 2-D data set shown now (what the window adopts as the current data)."""
        return DataSet(name=self.current, points=self.points, noise=self.noise.value())

    @property
    def selected(self) -> str:
        """The data set chosen for the next new model (2-D, binary, image or folder:PATH)."""
        return self.name.currentText()

    @property
    def family(self) -> str:
        return kind_of(self.selected)      # drawn and file: points are 2-D too

    def named_args(self) -> dict:
        """Data args for a binary or image set chosen here (the engine adds the rest)."""
        return {"size": self.size.value()} if self.family == "image" else {}

    def choose_named(self, name: str, args: dict | None = None, user: bool = False) -> None:
        """Select a binary or image set quietly (e.g. the one a loaded model was trained on)."""
        if self.name.findText(name) < 0:
            self.name.addItem(name)
        self.select_quietly(name)
        if args and "size" in args:
            self.size.setValue(int(args["size"]))
        self._show_family(user)

    def regenerate(self, quiet: bool = False) -> None:
        name = self.name.currentText()
        if self.family != "points":
            return
        if name == DRAWN:
            return self._stroke()
        if name.startswith("file:"):
            if name in self._files:
                self._set(name, self._files[name], quiet=quiet)
            return
        data = make_points(name, n=self.n.value(), seed=0, noise=self.noise.value(), n_heldout=10)
        self._set(name, data.train, quiet=quiet)

    def load_file(self, path: str) -> bool:
        try:
            pts = load_points_file(path)
        except DataError as e:
            self.error.emit(str(e))
            return False
        self.adopt_points(f"file:{path.rsplit('/', 1)[-1]}", pts)
        return True

    def adopt_points(self, name: str, pts: np.ndarray, quiet: bool = False) -> None:
        """Show a drawn set or a points file's (named file:NAME), e.g. from a saved
        workspace: drawn points can be drawn on further, a file's set is listed by name."""
        pts = np.array(pts, dtype=np.float64)
        if name == DRAWN:
            self.canvas.drawn = pts.copy()
        else:
            self._files[name] = pts
            if self.name.findText(name) < 0:
                self.name.addItem(name)
        self.select_quietly(name)
        self._show_family()
        self._set(name, pts, quiet=quiet)

    # ---- internals ----------------------------------------------------------------------
    def _set(self, name: str, pts: np.ndarray, quiet: bool = False) -> None:
        self.points, self.current = pts, name
        if not self.draw.isChecked():
            self.canvas.show_points(pts)
        if not quiet:
            self.dataChanged.emit(name, pts)

    def _show_family(self, user: bool = False) -> None:
        fam = self.family
        if fam != getattr(self, "_family", "points"):
            self._family = fam
            self.familyChanged.emit(fam, user)
        self.form.setRowVisible(self.noise, fam == "points")
        self.form.setRowVisible(self.size, fam == "image")
        self.form.labelForField(self.n).setText({"points": "points", "binary": "sequences"}.get(fam, "images"))
        for b in (self.draw, self.clear, self.load):     # drawing and point files are 2-D only
            b.setEnabled(fam == "points")
        self.canvas.setVisible(fam == "points")
        self.preview.setVisible(fam != "points")
        if fam != "points":
            kind = "binary vectors" if fam == "binary" else "images"
            self.preview.setText(f"{self.selected}: {kind}, built by the engine when training starts")

    def show_preview(self, name: str, grid, text: str = "") -> None:
        """A few items of the chosen set as one (h, w, C) uint8 picture, scaled up crisply."""
        if name != self.selected or grid is None:
            return
        h, w, c = grid.shape
        grid = grid if c == 3 else grid.repeat(3, 2)
        img = QImage(grid.tobytes(), w, h, 3 * w, QImage.Format_RGB888).copy()
        width = max(self.preview.width() - 20, 120)
        self.preview.setPixmap(QPixmap.fromImage(img).scaledToWidth(min(width, 360), Qt.FastTransformation))
        self.preview.setToolTip(text)

    def _chosen(self, name: str) -> None:
        if name != DRAWN and self.draw.isChecked():
            self.draw.setChecked(False)
        if name == FOLDER:
            return self._folder_dialog()
        self._last = name
        self._announce()
        self._show_family(user=True)
        if self.family != "points":
            self.namedChosen.emit(name)
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

    def _folder_dialog(self) -> None:
        path = file_dialogs.folder(self, "Folder of images", "images")
        if path:
            self.choose_named(f"folder:{path}", user=True)
            self.namedChosen.emit(self.selected)
        else:   # cancelled: back to the previous choice
            self.select_quietly(getattr(self, "_last", POINT_SETS[0]))
            self._show_family()

    def load_dialog(self) -> None:
        path = file_dialogs.open_file(self, "Load points", "Points (*.csv *.npy *.txt)", "points")
        if path:
            self.load_file(path)
