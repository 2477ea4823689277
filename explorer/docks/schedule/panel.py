"""Schedule controls: T and the kind of β schedule for the next new model, and the plot of
the current model's β_t, ᾱ_t, SNR_t (with the choice previewed dashed when it differs).
Nothing here has a default of its own: the boxes show what the next new model will use (the
Training dock fills them: the chosen data set's presets unless the user changed them), the
plot shows the open model's schedule (set_model), and β₁ is always the preset's. Opening a
model does not change the boxes: a moons model trained after an image model must not
silently take the image model's T."""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout,
                               QWidget)

from engine.core.schedules import KINDS, SNR_END

from ... import theme
from .plot import SchedulePlot, schedule_arrays, schedule_from_betas


class SchedulePanel(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.T = QSpinBox()
        self.T.setRange(2, 1000)
        self.kind = QComboBox()
        self.kind.addItems(KINDS)
        self.kind.setToolTip("snr: log-SNR linear in t · linear: DDPM · cosine: Nichol & Dhariwal · "
                             "paper: β_t = 1/(T−t+1)")
        self.learn = QCheckBox("learn β₂…β_T")
        self.learn.setToolTip("learn the schedule by gradient on the bound, as the paper does")
        for box in (self.T, self.kind, self.learn):
            box.setToolTip("for the next new model (Start in Training). " + box.toolTip())
        self.plot = SchedulePlot()
        form = QFormLayout()
        form.addRow(theme.muted(QLabel("next model"), small=True))
        form.addRow("steps T", self.T)
        form.addRow("schedule", self.kind)
        form.addRow(self.learn)
        form.setVerticalSpacing(3)
        controls = QVBoxLayout()
        controls.addLayout(form)
        controls.addStretch(1)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)
        lay.addLayout(controls)
        lay.addWidget(self.plot, 1)
        self.defaults = None                   # presets (a ModelConfig) of the chosen data set
        self._model: dict | None = None
        self._model_key: tuple | None = None   # (T, kind, β₁, SNR_T) of the shown model
        self.T.valueChanged.connect(self._edited)
        self.kind.currentTextChanged.connect(self._edited)

    def choice(self) -> dict:
        return {"T": self.T.value(), "schedule": self.kind.currentText(),
                "trainable_schedule": self.learn.isChecked()}

    def set_defaults(self, config, show: bool = False) -> None:
        """The presets of the chosen data set: β₁ (and the family's rules) for the preview,
        and with `show` T, kind and learn-β in the boxes too."""
        self.defaults = config
        if show:
            self._quietly(config.T, config.schedule, config.trainable_schedule)
        self._edited()

    def set_model(self, arrays: dict | None, config: dict | None = None) -> None:
        """Plot the open model's schedule (the boxes keep the next model's choice)."""
        self._model = arrays
        self._model_key = (int(config.get("T", 0)), config.get("schedule"), config.get("beta1"),
                           config.get("snr_end", SNR_END)) if config else None
        self.plot.set_model(arrays)
        self._edited()

    def set_t(self, t: int) -> None:
        self.plot.set_t(t)

    def show_betas(self, betas) -> None:
        """A learned schedule's β_1..β_T while it trains."""
        self.plot.set_model(schedule_from_betas(betas))

    def next_config(self):
        """The schedule part of the next new model: presets with the boxes' choice, as the
        model will check it (binomial models, e.g., always take the paper's schedule)."""
        if self.defaults is None:
            return None
        c = self.choice()
        return replace(self.defaults, T=c["T"], schedule=c["schedule"],
                       trainable_schedule=c["trainable_schedule"]).validate()

    def _quietly(self, T: int, kind: str | None, learn: bool) -> None:
        for w in (self.T, self.kind):
            w.blockSignals(True)
        self.T.setValue(T)
        if kind in KINDS:
            self.kind.setCurrentText(kind)
        self.learn.setChecked(learn)
        for w in (self.T, self.kind):
            w.blockSignals(False)

    def _edited(self, *_) -> None:
        c = self.next_config()
        if c is None:
            return
        same = self._model_key == (c.T, c.schedule, c.beta1, c.snr_end)
        arrays = None if same else schedule_arrays(c.schedule, c.T, c.beta1, c.snr_end)
        self.plot.set_preview(None if self._model is None else arrays)
        if self._model is None:
            self.plot.set_model(arrays)
