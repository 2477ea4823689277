"""A dismissable error banner above the views: errors are shown without a modal dialog, so
the app (and the tests driving it) keep working."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton


class Banner(QFrame):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setStyleSheet("Banner { background: #5c2b2e; border: 1px solid #a3434b; border-radius: 3px; }"
                           "QLabel { color: #ffdede; }")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("dismiss")
        close.clicked.connect(self.hide)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 3, 4, 3)
        lay.addWidget(self.label, 1)
        lay.addWidget(close)
        self.hide()

    def show_error(self, text: str) -> None:
        self.label.setText(f"⚠ {text}")
        self.show()

    @property
    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""
