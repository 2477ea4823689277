"""Labels whose size never follows their text, so a status line that changes mid-stroke
cannot re-lay-out the window and move the canvas (issue 12). Their height is a number of
lines of their own font, recomputed when the font changes (presentation mode scales it)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QSizePolicy, QStyle, QStyleOption

from ... import theme


class FixedLabel(QLabel):
    """`lines` lines high, as wide as the layout gives (rich text, wrapped when lines > 1)."""

    def __init__(self, lines: int = 1, muted: bool = False, small: bool = False, parent=None):
        super().__init__(parent)
        self.lines = int(lines)
        if muted or small:
            theme.muted(self, small=small)
        self.setWordWrap(self.lines > 1)
        self.setTextFormat(Qt.RichText)
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        self.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self._fit()

    def _fit(self) -> None:
        self.ensurePolished()            # the style sheet's font (small, presentation) first
        self.setFixedHeight(self.fontMetrics().lineSpacing() * self.lines + 4)

    def changeEvent(self, ev) -> None:
        super().changeEvent(ev)
        if ev.type() == QEvent.FontChange:
            self._fit()


class ElidedLabel(FixedLabel):
    """One line of plain text cut with "…" to the width it is given (its full text in
    the tooltip)."""

    def __init__(self, text: str = "", muted: bool = False, small: bool = False, parent=None):
        super().__init__(1, muted, small, parent)
        self.setTextFormat(Qt.PlainText)
        self.setText(text)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        opt = QStyleOption()
        opt.initFrom(self)
        self.style().drawPrimitive(QStyle.PE_Widget, opt, p, self)
        p.setPen(self.palette().color(self.foregroundRole()))
        p.drawText(self.rect(), Qt.AlignLeft | Qt.AlignVCenter,
                   self.fontMetrics().elidedText(self.text(), Qt.ElideRight, self.width()))
        p.end()
