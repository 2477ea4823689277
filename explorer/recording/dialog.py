"""The recording dialogs: the options (which view, t range, direction, fps, pixel size,
GIF or MP4) and a small non-modal progress window with Cancel (the window stays usable
while a recording runs)."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
                               QProgressBar, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from .plan import DIRECTIONS
from .writer import MAX_FPS, MAX_SIDE

DIRECTION_TEXT = {"forward": "0 → T  (diffuse)", "reverse": "T → 0  (denoise)", "bounce": "0 → T → 0"}


@dataclass
class Options:
    key: str                      # targets.window_targets key
    t_range: tuple[int, int]
    direction: str = "forward"
    fps: float = 12.0
    size: tuple[int, int] = (800, 450)
    steps: int | None = None      # frames (None: one per step)
    ext: str = ".gif"


class OptionsDialog(QDialog):
    def __init__(self, targets: dict, key: str, T: int, size: tuple[int, int], parent=None):
        """targets: {key: Target}; key: the one chosen at first; size: its widget's size."""
        super().__init__(parent)
        self.setWindowTitle("Record animation")
        self.view = QComboBox()
        for k, target in targets.items():
            self.view.addItem(target.title, k)
        self.view.setCurrentIndex(max(0, self.view.findData(key)))
        self.t_from, self.t_to = QSpinBox(), QSpinBox()
        for box, value in ((self.t_from, 0), (self.t_to, T)):
            box.setRange(0, max(T, 1))
            box.setValue(value)
        self.direction = QComboBox()
        for d in DIRECTIONS:
            self.direction.addItem(DIRECTION_TEXT[d], d)
        self.fps = QSpinBox()
        self.fps.setRange(1, MAX_FPS)
        self.fps.setValue(12)
        self.width_, self.height_ = QSpinBox(), QSpinBox()
        for box, value in ((self.width_, size[0]), (self.height_, size[1])):
            box.setRange(16, MAX_SIDE)
            box.setValue(value)
            box.setSuffix(" px")
        self.steps = QSpinBox()
        self.steps.setRange(0, 2000)
        self.steps.setSpecialValueText("one per step")
        self.format = QComboBox()
        self.format.addItem("GIF (slides, web pages)", ".gif")
        self.format.addItem("MP4 (H.264, small, smooth)", ".mp4")
        self.note = QLabel("The view is drawn afresh at this size (not a screenshot scaled up). "
                           "The inpainting run records each frame as it arrives, until the run is done.")
        self.note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("View", self.view)
        tr = QHBoxLayout()
        tr.addWidget(self.t_from)
        tr.addWidget(QLabel("to"))
        tr.addWidget(self.t_to)
        form.addRow("t from", _row(tr))
        form.addRow("Direction", self.direction)
        form.addRow("Frames", self.steps)
        form.addRow("Frames per second", self.fps)
        size_row = QHBoxLayout()
        size_row.addWidget(self.width_)
        size_row.addWidget(QLabel("×"))
        size_row.addWidget(self.height_)
        form.addRow("Size", _row(size_row))
        form.addRow("Format", self.format)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Record…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.note)
        lay.addWidget(buttons)

    def options(self) -> Options:
        ext = self.format.currentData()
        w, h = self.width_.value(), self.height_.value()
        if ext == ".mp4":              # H.264 (yuv420p) needs even sides
            w, h = w + w % 2, h + h % 2
        return Options(key=self.view.currentData(), t_range=(self.t_from.value(), self.t_to.value()),
                       direction=self.direction.currentData(), fps=float(self.fps.value()), size=(w, h),
                       steps=self.steps.value() or None, ext=ext)


def _row(layout) -> QWidget:
    w = QWidget()
    layout.setContentsMargins(0, 0, 0, 0)
    w.setLayout(layout)
    return w


class ProgressWindow(QWidget):
    """Recording progress and Cancel; not modal (the GUI keeps running)."""
    cancelRequested = Signal()

    def __init__(self, title: str, parent=None):
        super().__init__(parent, Qt.Tool)          # a small window of its own, above the main one
        self.setWindowTitle("Recording")
        self.label = QLabel(title)
        self.bar = QProgressBar()
        self.cancel = QPushButton("Cancel")
        self.cancel.clicked.connect(self.cancelRequested.emit)
        lay = QVBoxLayout(self)
        lay.addWidget(self.label)
        lay.addWidget(self.bar)
        lay.addWidget(self.cancel)
        self.resize(360, 100)

    def set_progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 0))
        self.bar.setValue(done)
