"""The bar above the canvas that offers to rescale a loaded image by a whole factor: asked
for when a file is bigger than the canvas takes (it is not shown until the user picks a
factor), offered when it fits (with the pixel scale the model works at). A bar rather
than a dialog: the app keeps running, and nothing is scaled without a click."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QToolButton

from ... import theme
from .labels import FixedLabel


class ScaleOffer(QFrame):
    chosen = Signal(int)        # a factor to scale the pending / shown image down by (1: as it is)
    cancelled = Signal()        # the pending image is not wanted after all

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("scaleOffer")
        self.setStyleSheet(f"#scaleOffer {{ border: 1px solid {theme.REVERSE}; border-radius: 3px; }}")
        self.text = FixedLabel(2)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(6, 2, 4, 2)
        self.row.addWidget(self.text, 1)
        self.buttons: list[QToolButton] = []
        self.pending = False          # True: the image waits for a factor (too big to show)
        self.hide()

    def _offer(self, text: str, options: list[tuple[str, int]], last: str) -> None:
        for b in self.buttons:
            self.row.removeWidget(b)
            b.deleteLater()
        self.buttons = []
        self.text.setText(text)
        for label, f in [*options, (last, 0)]:
            b = QToolButton()
            b.setText(label)
            b.clicked.connect(lambda _=False, f=f: self._pick(f))
            self.row.addWidget(b)
            self.buttons.append(b)
        self.show()

    def ask_downscale(self, name: str, h: int, w: int, limit: int, factors: list[int]) -> None:
        """A file too big for the canvas: scale it down, or cancel."""
        self.pending = True
        self._offer(f"{name} is {w}×{h} pixels; the canvas takes up to {limit}×{limit}. Scale it down by a "
                    f"whole factor (block means) to paint on it:",
                    [(f"{f}× → {w // f}×{h // f}", f) for f in factors], "Cancel")

    def offer_rescale(self, name: str, h: int, w: int, note: str, factors: list[int]) -> None:
        """A file shown as it is: say what scale the model works at; offer smaller ones."""
        self.pending = False
        self._offer(f"{name}: {w}×{h} px. {note}", [("½" if f == 2 else f"1/{f}", f) for f in factors], "Keep")
        for b, f in zip(self.buttons, factors):
            b.setToolTip(f"scale down {f}× (block means) to {w // f}×{h // f}")

    def _pick(self, f: int) -> None:
        pending, self.pending = self.pending, False
        self.hide()
        if f:
            self.chosen.emit(f)
        elif pending:
            self.cancelled.emit()
