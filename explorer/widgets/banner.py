"""A dismissable error banner floating over the top of the views: errors are shown without
a modal dialog, so the app (and the tests driving it) keep working, and without taking a
row of the layout, so showing or hiding it never moves the plots (or a stroke being
painted) below it."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QTabWidget, QToolButton, QWidget

MARGIN = 8


class Banner(QFrame):
    def __init__(self, parent: QWidget | None = None):
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
        self._host: QWidget | None = None      # the widget it floats over (float_over)
        self.hide()

    def float_over(self, host: QWidget) -> None:
        """Become a child of `host` laid over its top edge (below a tab widget's tab bar),
        following its size."""
        self.setParent(host)
        self._host = host
        host.installEventFilter(self)
        self._place()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Resize:
            self._place()
        return False

    def _place(self) -> None:
        host = self._host
        if host is None:
            return
        top = host.tabBar().height() if isinstance(host, QTabWidget) else 0
        width = max(100, host.width() - 2 * MARGIN)
        height = self.layout().heightForWidth(width) if self.layout().hasHeightForWidth() else -1
        self.setGeometry(MARGIN, top + 2, width, max(height, self.sizeHint().height()))

    def show_error(self, text: str) -> None:
        self.label.setText(f"⚠ {text}")
        self._place()
        self.show()
        self.raise_()

    @property
    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""
