"""The one timestep slider both views follow, with play/pause, speed, step, loop and the
direction of play. Above it: t, β_t, ᾱ_t, SNR_t, and the step's equation on a line of its
own; both are FitLabels, so a narrow window drops their less essential parts instead of
clipping, and a new t never moves the layout."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QSlider, QSpinBox, QToolButton, QVBoxLayout,
                               QWidget)

from .fit_label import FitLabel

PLAY, PAUSE = "Play", "Pause"
MODES = ("0 → T  (diffuse)", "T → 0  (denoise)", "bounce")


class Timeline(QWidget):
    tChanged = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.label = FitLabel("no model", min_chars=10)      # t, β_t, ᾱ_t, SNR_t
        self.equation = FitLabel("", min_chars=4)           # the step's q and p
        for lab in (self.label, self.equation):
            lab.setContentsMargins(4, 0, 4, 0)
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setFocusPolicy(Qt.NoFocus)   # Left/Right belong to the window's shortcuts
        self.slider.valueChanged.connect(self._moved)

        def button(text, tip, slot):
            b = QToolButton()
            b.setText(text)
            b.setMinimumWidth(30)
            b.setToolTip(tip)
            b.setFocusPolicy(Qt.NoFocus)
            b.clicked.connect(slot)
            return b
        # Plain glyphs: the style's media icons are near-invisible on a dark palette.
        self.first = button("|◀", "t = 0 (Home)", lambda: self.set_t(0))
        self.back = button("◀", "step back (←)", lambda: self.step(-1))
        self.play_button = button(PLAY, "play / pause (Space)", self.toggle_play)
        self.fwd = button("▶", "step forward (→)", lambda: self.step(1))
        self.last = button("▶|", "t = T (End)", lambda: self.set_t(self.slider.maximum()))
        self.speed = QSpinBox()
        self.speed.setRange(1, 120)
        self.speed.setValue(12)
        self.speed.setSuffix(" steps/s")
        self.speed.setToolTip("playback speed")
        self.speed.valueChanged.connect(self._apply_speed)
        self.mode = QComboBox()
        self.mode.addItems(MODES)
        self.mode.setCurrentIndex(2)
        self.loop = QCheckBox("loop")
        self.loop.setChecked(True)
        for w in (self.speed, self.mode, self.loop):
            w.setFocusPolicy(Qt.ClickFocus)

        top = QHBoxLayout()
        top.addWidget(self.label, 1)
        for w in (self.speed, self.mode, self.loop):
            top.addWidget(w)
        row = QHBoxLayout()
        for w in (self.first, self.back, self.play_button, self.fwd, self.last):
            row.addWidget(w)
        row.addWidget(self.slider, 1)
        col = QVBoxLayout(self)
        col.setContentsMargins(6, 2, 6, 4)
        col.setSpacing(2)
        col.addLayout(top)
        col.addWidget(self.equation)
        col.addLayout(row)

        self._dir = 1
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self._apply_speed()

    # ---- API --------------------------------------------------------------------------
    @property
    def t(self) -> int:
        return self.slider.value()

    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def set_T(self, T: int) -> None:
        self.slider.setMaximum(max(T, 0))

    def set_t(self, t: int) -> None:
        self.slider.setValue(int(t))

    def step(self, d: int) -> None:
        self.set_t(self.t + d)

    def set_text(self, html: str) -> None:
        """A message in place of the step (no model)."""
        self.label.set_variants(html, "…")
        self.equation.set_variants("")

    def set_step(self, numbers, equation) -> None:
        """The step's numbers and equation, each as variants longest first (state.step_variants)."""
        self.label.set_variants(*numbers)
        self.equation.set_variants(*equation)

    def play(self, on: bool = True) -> None:
        if on == self.playing:
            return
        if on:
            if self.slider.maximum() == 0:
                return
            self._dir = -1 if self.mode.currentIndex() == 1 else 1
            self.timer.start()
        else:
            self.timer.stop()
        self.play_button.setText(PAUSE if on else PLAY)

    def toggle_play(self) -> None:
        self.play(not self.playing)

    # ---- internals ----------------------------------------------------------------------
    def _moved(self, t: int) -> None:
        self.tChanged.emit(t)

    def _apply_speed(self) -> None:
        self.timer.setInterval(max(1, round(1000 / self.speed.value())))

    def _tick(self) -> None:
        T, t, mode = self.slider.maximum(), self.t, self.mode.currentIndex()
        nxt = t + self._dir
        if 0 <= nxt <= T:
            self.set_t(nxt)
            return
        if not self.loop.isChecked():
            self.play(False)
        elif mode == 2:            # bounce: turn round at either end
            self._dir = -self._dir
            self.set_t(t + self._dir)
        else:                       # wrap round to the start
            self.set_t(0 if self._dir > 0 else T)
