"""The row under the painting canvas: how to paint and pan, the zoom, and buttons to zoom
out, fit, show pixels 1:1 and zoom in. Its labels have fixed heights and ignore their
text's width, so changing them never moves the canvas."""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from ... import theme
from .labels import ElidedLabel

HELP = {"inpaint": "left: paint · right: erase · wheel or +/−: zoom · middle or Space+drag: pan · Ctrl+Z undo",
        "denoise": "the noisy image the model is given · wheel or +/−: zoom · middle or Space+drag: pan"}


class ViewBar(QWidget):
    def __init__(self, canvas, parent=None):
        super().__init__(parent)
        self.canvas = canvas
        self.help = ElidedLabel(HELP["inpaint"], muted=True, small=True)
        self.zoom = theme.muted(QLabel(), small=True)
        self.zoom.setFixedWidth(self.zoom.fontMetrics().horizontalAdvance("6400% · fit") + 8)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.help, 1)
        lay.addWidget(self.zoom)
        self.buttons = {}
        for key, text, tip, slot in (("out", "−", "zoom out [-]", lambda: canvas.zoom(0.8)),
                                     ("fit", "Fit", "the whole image [0]", canvas.fit),
                                     ("one", "1:1", "one screen pixel per image pixel [1]", canvas.actual_size),
                                     ("in", "+", "zoom in [+]", lambda: canvas.zoom(1.25))):
            b = QToolButton()
            b.setText(text)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            lay.addWidget(b)
            self.buttons[key] = b
        canvas.viewChanged.connect(self._zoom_text)
        self._zoom_text()

    def set_task(self, task: str) -> None:
        self.help.setText(HELP[task])

    def _zoom_text(self) -> None:
        v = self.canvas.view
        self.zoom.setText(f"{v.percent}%" + (" · fit" if v.fit_mode else ""))
        self.zoom.setToolTip("screen pixels per 100 image pixels")
