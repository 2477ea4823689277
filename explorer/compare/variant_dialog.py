"""Train a variant: the open model's settings a variant may change, each with its current
value; the user picks one and its new value (editing a value picks its row). The variant is
trained from scratch on the same data by the same recipe, with the Training dock's batch,
learning rate and seed, so only the chosen setting differs."""
from __future__ import annotations

from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QGridLayout, QLabel,
                               QRadioButton, QSpinBox, QVBoxLayout, QWidget)

from engine.core.schedules import KINDS
from engine.model import PARAMETERISATIONS

from .. import theme
from .state import SETTING_NAMES


def current_settings(config: dict) -> dict:
    """What a variant may change, as the open model has it (2-D models: an MLP's width)."""
    net = config.get("net", {})
    width = net.get("channels" if net.get("kind") == "multiscale" else "hidden", 0)
    return {"trainable_schedule": bool(config.get("trainable_schedule", False)), "T": int(config.get("T", 0)),
            "schedule": config.get("schedule", "snr"), "parameterisation": config.get("parameterisation", "eps"),
            "width": int(width)}


def _shown(key: str, value) -> str:
    if key == "trainable_schedule":
        return "learned" if value else "fixed"
    return str(value)


class VariantDialog(QDialog):
    def __init__(self, config: dict, steps: int, trained_steps: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Train a variant")
        self.current = current_settings(config)
        self.problem = theme.muted(QLabel(""), small=True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText("Train variant")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        c = self.current
        learn = QCheckBox("learn β₂…β_T")
        learn.setChecked(not c["trainable_schedule"])      # the one change there is to make
        T = QSpinBox()
        T.setRange(2, 1000)
        T.setValue(c["T"])
        schedule = QComboBox()
        schedule.addItems(KINDS)
        schedule.setCurrentText(c["schedule"])
        param = QComboBox()
        param.addItems(PARAMETERISATIONS)
        param.setCurrentText(c["parameterisation"])
        param.setToolTip("eps: the network predicts the noise · paper: it outputs the mean and variance "
                         "through the temporal basis, as Sohl-Dickstein et al.")
        width = QSpinBox()
        width.setRange(8, 1024)
        width.setValue(max(c["width"], 8))
        self.editors = {"trainable_schedule": learn, "T": T, "schedule": schedule, "parameterisation": param,
                        "width": width}
        self.group = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        grid = QGridLayout()
        grid.addWidget(theme.muted(QLabel("change"), small=True), 0, 0)
        grid.addWidget(theme.muted(QLabel("now"), small=True), 0, 1)
        grid.addWidget(theme.muted(QLabel("variant"), small=True), 0, 2)
        for row, (key, editor) in enumerate(self.editors.items(), start=1):
            radio = QRadioButton(SETTING_NAMES[key])
            self.group.addButton(radio)
            self.radios[key] = radio
            grid.addWidget(radio, row, 0)
            grid.addWidget(QLabel(_shown(key, c[key])), row, 1)
            grid.addWidget(editor, row, 2)
            for signal in ("toggled", "valueChanged", "currentTextChanged"):
                if hasattr(editor, signal):
                    getattr(editor, signal).connect(lambda *_, k=key: self._edited(k))
            radio.toggled.connect(lambda *_: self._check())
        self.radios["T"].setChecked(True)
        self.steps = QSpinBox()
        self.steps.setRange(10, 1_000_000)
        self.steps.setSingleStep(500)
        self.steps.setValue(steps)
        grid.addWidget(QLabel("training steps"), len(self.editors) + 1, 0)
        grid.addWidget(QLabel(f"{trained_steps:,}"), len(self.editors) + 1, 1)
        grid.addWidget(self.steps, len(self.editors) + 1, 2)
        note = theme.muted(QLabel("Trained from scratch on the open model's data with the Training dock's batch, "
                                  "learning rate and seed; it opens as the comparison when done. The open "
                                  "model is not changed."), small=True)
        note.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addLayout(grid)
        lay.addWidget(note)
        lay.addWidget(self.problem)
        lay.addWidget(self.buttons)
        self._check()

    def _edited(self, key: str) -> None:
        self.radios[key].setChecked(True)
        self._check()

    def chosen(self) -> str | None:
        return next((k for k, r in self.radios.items() if r.isChecked()), None)

    def value(self, key: str):
        e = self.editors[key]
        if isinstance(e, QCheckBox):
            return e.isChecked()
        if isinstance(e, QSpinBox):
            return e.value()
        return e.currentText()

    def changes(self) -> dict:
        """{setting: new value}, or {} while the chosen value equals the open model's."""
        key = self.chosen()
        if key is None:
            return {}
        v = self.value(key)
        return {} if v == self.current[key] else {key: v}

    def choose(self, key: str, value) -> None:
        """Pick a setting and its new value (as the user would)."""
        e = self.editors[key]
        if isinstance(e, QCheckBox):
            e.setChecked(bool(value))
        elif isinstance(e, QSpinBox):
            e.setValue(int(value))
        else:
            e.setCurrentText(str(value))
        self.radios[key].setChecked(True)
        self._check()

    def _check(self) -> None:
        ok = bool(self.changes())
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(ok)
        self.problem.setText("" if ok else "the chosen value is the open model's: pick a new one")
