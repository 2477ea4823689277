"""Training controls and live plots. Start makes a new model (T and schedule from the
schedule panel, the current data); Pause cancels the job but the model keeps its optimiser
state; Resume trains it on; Stop ends the run. TrainingControl (control.py) turns requests
into commands and fills the boxes with the chosen data set's presets: none are set here.
The labels whose text changes (progress, K, what Start will use) have fixed heights and wrap,
so the dock never changes size as a run goes."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QDoubleSpinBox, QFormLayout, QGridLayout, QHBoxLayout, QLabel, QPushButton,
                               QSpinBox, QVBoxLayout, QWidget)

from ... import theme
from ...widgets.compact import compact
from ...widgets.fit_label import LinesLabel
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
        self.device = theme.muted(QLabel("device: –"), small=True)
        self.progress = theme.muted(LinesLabel("idle", 3))             # steps, loss and the bound K
        self.next_model = theme.muted(LinesLabel("", 3), small=True)    # what Start new will use
        self.reset_presets = QPushButton("Presets")
        self.reset_presets.setToolTip("set every value of the next new model back to the chosen data set's presets")
        self.start = QPushButton("Start new")
        self.pause = QPushButton("Pause")
        self.resume = QPushButton("Resume")
        self.stop = QPushButton("Stop")
        self.start.setToolTip("train a new model on the current data, T and schedule")
        self.resume.setToolTip("train the current model further (keeps its optimiser state)")
        # Two columns of settings and two rows of buttons: a dock ~300 px wide, short enough
        # that the curves keep room on a 720-pixel-high screen.
        self.learn_beta = QCheckBox("learn β")   # mirrors the Schedule panel's box (control.py)
        self.learn_beta.setToolTip("new Gaussian models learn β₂…β_T by gradient on the bound, as the "
                                   "paper does; the Schedule plot's β_t follows live while training")
        self.form = form = QFormLayout()
        form.setVerticalSpacing(3)
        for (a, box_a), (b, box_b) in ((("steps", self.steps), ("lr", self.lr)),
                                       (("batch", self.batch), ("seed", self.seed))):
            pair = QHBoxLayout()
            pair.addWidget(box_a, 1)
            pair.addWidget(QLabel(b))
            pair.addWidget(box_b, 1)
            form.addRow(a, pair)
        self.lr.setToolTip("learning rate (Adam)")
        for box in (self.steps, self.lr, self.batch, self.seed, self.hidden):
            compact(box, 5)
        form.addRow("hidden units", self.hidden)
        row = QHBoxLayout()
        row.addWidget(self.learn_beta)
        row.addStretch(1)
        row.addWidget(self.reset_presets)
        form.addRow(row)
        buttons = QGridLayout()
        for i, b in enumerate((self.start, self.pause, self.resume, self.stop)):
            buttons.addWidget(b, i // 2, i % 2)
        self.plots = TrainingPlots()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(4)
        lay.addLayout(form)
        lay.addWidget(self.next_model)
        lay.addLayout(buttons)
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

    def set_bound_text(self, text: str) -> None:
        self.progress.setText(text)

    def show_progress(self, ev) -> None:
        text = f"step {ev.step:,} / {ev.total:,} · loss {ev.loss:.3f} · {ev.elapsed:.0f} s"
        if self.plots.bound_y:
            text += f" · K = {self.plots.bound_y[-1]:.3f} {self.unit}"
        self.progress.setText(text)
        self.remaining = max(ev.total - ev.step, 0)
