"""Training controls and live plots. Start makes a new model (T and schedule from the
schedule panel, the current data); Pause cancels the job but the model keeps its optimiser
state; Resume trains it on; Stop ends the run. TrainingControl (control.py) turns requests
into commands and fills the boxes with the chosen data set's presets: none are set here."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel, QPushButton, QSpinBox,
                               QVBoxLayout, QWidget)

from .plots import TrainingPlots


class TrainingPanel(QWidget):
    startRequested = Signal()
    pauseRequested = Signal()
    resumeRequested = Signal()
    stopRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.steps = QSpinBox()
        self.steps.setRange(10, 1_000_000)
        self.steps.setSingleStep(500)
        self.lr = QDoubleSpinBox()
        self.lr.setDecimals(5)
        self.lr.setRange(1e-5, 1.0)
        self.lr.setSingleStep(5e-4)
        self.batch = QSpinBox()
        self.batch.setRange(8, 65536)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.hidden = QSpinBox()
        self.hidden.setRange(8, 1024)
        self.hidden.setToolTip("hidden units per layer of the reverse network (new models)")
        self.device = QLabel("device: –")
        self.progress = QLabel("idle")
        self.progress.setWordWrap(True)
        self.progress.setStyleSheet("color: #aab0bb;")
        self.start = QPushButton("Start new")
        self.pause = QPushButton("Pause")
        self.resume = QPushButton("Resume")
        self.stop = QPushButton("Stop")
        self.start.setToolTip("train a new model on the current data, T and schedule")
        self.resume.setToolTip("train the current model further (keeps its optimiser state)")
        self.form = form = QFormLayout()
        form.addRow("steps", self.steps)
        form.addRow("learning rate", self.lr)
        form.addRow("batch", self.batch)
        form.addRow("seed", self.seed)
        form.addRow("hidden units", self.hidden)
        # Mirrors the Schedule panel's box (control.py keeps them in step).
        self.learn_beta = QCheckBox("learn β (trainable schedule)")
        self.learn_beta.setToolTip("new Gaussian models learn β₂…β_T by gradient on the bound, as the "
                                   "paper does; the Schedule plot's β_t follows live while training")
        form.addRow(self.learn_beta)
        row = QHBoxLayout()
        for b in (self.start, self.pause, self.resume, self.stop):
            row.addWidget(b)
        self.plots = TrainingPlots()
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addLayout(row)
        lay.addWidget(self.device)
        lay.addWidget(self.progress)
        lay.addWidget(self.plots, 1)
        self.start.clicked.connect(self.startRequested)
        self.pause.clicked.connect(self.pauseRequested)
        self.resume.clicked.connect(self.resumeRequested)
        self.stop.clicked.connect(self.stopRequested)
        self.remaining = 0          # steps left of a paused run
        self.unit = "bits"          # of the bound: per point, per pixel or per sequence
        self.set_mode("idle", has_model=False)

    def set_mode(self, mode: str, has_model: bool = True) -> None:
        """idle | training | paused: which buttons make sense now."""
        self.mode = mode
        self.start.setEnabled(mode != "training")
        self.pause.setEnabled(mode == "training")
        self.resume.setEnabled(has_model and mode != "training")
        self.stop.setEnabled(mode in ("training", "paused"))
        self.resume.setText("Resume" if mode == "paused" else "Train more")

    def set_family(self, family: str) -> None:
        """The net's width means channels for new image models, hidden units otherwise."""
        image = family == "image"
        self.form.labelForField(self.hidden).setText("channels" if image else "hidden units")
        self.hidden.setToolTip("channels of the multi-scale convolutional net (new image models)" if image else
                               "hidden units per layer of the reverse network (new models)")

    def set_unit(self, family: str) -> None:
        """The bound's unit for the curves shown: per point, per pixel or per sequence."""
        self.unit = {"image": "bits/pixel", "binary": "bits/seq"}.get(family, "bits/point")
        self.plots.bound_plot.setLabel("left", self.unit)

    def set_device(self, device: str) -> None:
        self.device.setText(f"device: <b>{device}</b>")

    def show_progress(self, ev) -> None:
        text = f"step {ev.step:,} / {ev.total:,} · loss {ev.loss:.3f} · {ev.elapsed:.0f} s"
        if self.plots.bound_y:
            text += f" · K = {self.plots.bound_y[-1]:.3f} {self.unit}"
        self.progress.setText(text)
        self.remaining = max(ev.total - ev.step, 0)
