"""A label that never moves the layout: rich text shown as the longest of its variants
that fits the width it is given (the full text in the tooltip), at a fixed height of a few
lines. A narrow window drops the less essential parts ("…" says so) instead of widening the
window, and a text change (the step t, a job's name) never changes its size."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QSizePolicy


class FitLabel(QLabel):
    def __init__(self, text: str = "", lines: int = 1, min_chars: int = 4, parent=None):
        """lines: the fixed height in lines of text; min_chars: the narrowest it may be
        squeezed to, in average character widths."""
        super().__init__(parent)
        self.setTextFormat(Qt.RichText)
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)
        self.lines, self.min_chars = lines, min_chars
        self._variants: tuple[str, ...] = (text,)
        self._widths: dict[str, float] = {}
        self._fix_height()
        self._choose()

    # ---- API --------------------------------------------------------------------------
    def set_variants(self, *variants: str) -> None:
        """The text, longest and most complete first; the first one that fits is shown."""
        variants = tuple(v for v in variants if v is not None) or ("",)
        if variants == self._variants:
            return
        self._variants = variants
        self.setToolTip(variants[0] if len(variants) > 1 else "")
        self._choose()

    def setText(self, text: str) -> None:      # noqa: N802 (Qt's name)
        self.set_variants(text)

    def full_text(self) -> str:
        return self._variants[0]

    # ---- sizes ------------------------------------------------------------------------
    def minimumSizeHint(self) -> QSize:        # noqa: N802
        return QSize(self.fontMetrics().averageCharWidth() * self.min_chars, self.height())

    def sizeHint(self) -> QSize:               # noqa: N802
        # Constant: a text change never asks the layout for a new size.
        return QSize(self.fontMetrics().averageCharWidth() * 24, self.height())

    def _fix_height(self) -> None:
        m = self.contentsMargins()
        # Sub- and superscripts make a line of rich text ~30 % taller than plain text.
        line = self.fontMetrics().lineSpacing() * 1.3
        self.setFixedHeight(int(line * self.lines) + m.top() + m.bottom() + 2)

    def resizeEvent(self, ev) -> None:         # noqa: N802
        super().resizeEvent(ev)
        self._choose()

    def changeEvent(self, ev) -> None:         # noqa: N802
        super().changeEvent(ev)
        if ev.type() in (QEvent.FontChange, QEvent.StyleChange):
            self._widths.clear()
            self._fix_height()
            self._choose()

    def _width_of(self, html: str) -> float:
        w = self._widths.get(html)
        if w is None:
            doc = QTextDocument()
            doc.setDefaultFont(self.font())
            doc.setDocumentMargin(0)
            doc.setHtml(html)
            w = self._widths[html] = doc.idealWidth()
            if len(self._widths) > 512:          # the step text changes with t: keep it small
                self._widths.clear()
        return w

    def _choose(self) -> None:
        m = self.contentsMargins()
        room = self.width() - m.left() - m.right() - 2 * self.margin() - 2
        shown = next((v for v in self._variants if self._width_of(v) <= room), self._variants[-1])
        if shown != super().text():
            super().setText(shown)


class LinesLabel(QLabel):
    """Wrapped rich text at a fixed height of `lines` lines (refitted when the font changes):
    a longer text never pushes what is below it down."""

    def __init__(self, text: str = "", lines: int = 2, parent=None):
        super().__init__(text, parent)
        self.lines = lines
        self.setWordWrap(True)
        self.setTextFormat(Qt.RichText)
        self.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        policy = self.sizePolicy()
        policy.setHeightForWidth(False)     # the height is fixed: no need to ask per width
        self.setSizePolicy(policy)
        self._fix()

    def setContentsMargins(self, *margins) -> None:   # noqa: N802 (Qt's name)
        super().setContentsMargins(*margins)
        self._fix()

    def _fix(self) -> None:
        m = self.contentsMargins()
        self.setFixedHeight(int(self.fontMetrics().lineSpacing() * (self.lines + 0.15)) + m.top() + m.bottom())

    def changeEvent(self, ev) -> None:         # noqa: N802 (Qt's name)
        super().changeEvent(ev)
        if ev.type() in (QEvent.FontChange, QEvent.StyleChange):
            self._fix()
