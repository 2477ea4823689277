"""The bar shown over the views while a figure is up: its title and the equation it
illustrates (rich text, as the slider's equation line; a narrow window keeps the
equation and drops the title), and its exports."""
from __future__ import annotations

from PySide6.QtWidgets import QSizePolicy, QToolBar, QToolButton

from ..widgets.fit_label import FitLabel
from .catalogue import Figure


class CaptionBar(QToolBar):
    def __init__(self, parent=None):
        super().__init__("Figure", parent)
        self.setObjectName("toolbar-figure")
        self.setMovable(False)
        self.label = FitLabel("", min_chars=10)
        self.label.setContentsMargins(6, 0, 6, 0)
        self.label.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)     # the buttons sit at the right
        self.addWidget(self.label)
        self.png = self._button("PNG 2×…", "the figure at twice its size on screen, with its equation underneath")
        self.gif = self._button("GIF…", "the figure's view while t runs 0 → T → 0 (inpainting and denoising: "
                                        "a fresh posterior run as it happens)")
        self.close_button = self._button("✕", "hide this bar")
        self.close_button.clicked.connect(self.hide)
        self.hide()

    def _button(self, text: str, tip: str) -> QToolButton:
        b = QToolButton()
        b.setText(text)
        b.setToolTip(tip)
        self.addWidget(b)
        return b

    def show_figure(self, fig: Figure) -> None:
        self.label.set_variants(f"<b>{fig.title}</b> &nbsp; {fig.equation}", fig.equation)
        self.label.setToolTip(fig.caption)
        self.show()
