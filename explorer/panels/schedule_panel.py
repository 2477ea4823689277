"""Schedule controls: T and the kind of β schedule for the next new model, and the plot of
the current model's β_t, ᾱ_t, SNR_t (with the choice previewed dashed when it differs)."""
from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout,
                               QWidget)

from engine.schedules import KINDS

from ..views.schedule_plot import SchedulePlot, schedule_arrays

BETA1 = 1e-5


class SchedulePanel(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.T = QSpinBox()
        self.T.setRange(2, 1000)
        self.T.setValue(40)
        self.kind = QComboBox()
        self.kind.addItems(KINDS)
        self.kind.setToolTip("snr: log-SNR linear in t · linear: DDPM · cosine: Nichol & Dhariwal · "
                             "paper: β_t = 1/(T−t+1)")
        self.learn = QCheckBox("learn β₂…β_T (as the paper does)")
        self.note = QLabel("T and the schedule apply to the next new model (Start in Training).")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #8b919c; font-size: 11px;")
        self.plot = SchedulePlot()
        form = QFormLayout()
        form.addRow("steps T", self.T)
        form.addRow("schedule", self.kind)
        form.addRow(self.learn)
        controls = QVBoxLayout()
        controls.addLayout(form)
        controls.addWidget(self.note)
        controls.addStretch(1)
        lay = QHBoxLayout(self)
        lay.addLayout(controls)
        lay.addWidget(self.plot, 1)
        self._model: dict | None = None
        self._model_key: tuple | None = None   # (T, kind) of the shown model
        self.T.valueChanged.connect(self._edited)
        self.kind.currentTextChanged.connect(self._edited)
        self._edited()

    def choice(self) -> dict:
        return {"T": self.T.value(), "schedule": self.kind.currentText(), "beta1": BETA1,
                "trainable_schedule": self.learn.isChecked()}

    def set_model(self, arrays: dict | None, config: dict | None = None) -> None:
        """Show a loaded model's schedule and adopt its T/kind as the next choice."""
        self._model = arrays
        self._model_key = (int(config.get("T", 0)), config.get("schedule")) if config else None
        self.plot.set_model(arrays)
        if config:
            for w in (self.T, self.kind):
                w.blockSignals(True)
            self.T.setValue(int(config.get("T", self.T.value())))
            if config.get("schedule") in KINDS:
                self.kind.setCurrentText(config["schedule"])
            self.learn.setChecked(bool(config.get("trainable_schedule", False)))
            for w in (self.T, self.kind):
                w.blockSignals(False)
        self._edited()

    def _edited(self, *_) -> None:
        c = self.choice()
        same = self._model_key == (c["T"], c["schedule"])
        self.plot.set_preview(None if same or self._model is None else schedule_arrays(c["schedule"], c["T"], BETA1))
        if self._model is None:
            self.plot.set_model(schedule_arrays(c["schedule"], c["T"], BETA1))
