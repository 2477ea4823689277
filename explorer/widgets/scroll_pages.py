"""Scrolling pages, so no panel can make the window larger than the screen. A QMainWindow
grows itself to its contents' minimum size: one wide label (a long file name, a longer
status) or a large canvas would push the docks off a 1280×720 projector. Wrapped here, a
page fills the space it is given and scrolls only when that is below its minimum; the
window's minimum no longer depends on what the pages show."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize
from PySide6.QtWidgets import QFrame, QScrollArea, QTabWidget, QWidget


class ScrollPage(QScrollArea):
    def __init__(self, widget: QWidget, min_size: tuple[int, int] = (120, 80), parent=None):
        super().__init__(parent)
        self.setWidget(widget)
        # Sized here rather than by widgetResizable: that asks word-wrapped labels for their
        # height at the width given, which is their preferred height, not their minimum, and
        # would scroll a page that fits.
        self.setWidgetResizable(False)
        self.setFrameShape(QFrame.NoFrame)
        self._min = QSize(*min_size)
        self._watch = _LayoutWatch(self)     # not the scroll area's own eventFilter: Qt uses that
        widget.installEventFilter(self._watch)

    def minimumSizeHint(self) -> QSize:        # noqa: N802 (Qt's name)
        return self._min

    def sizeHint(self) -> QSize:               # noqa: N802
        return self.widget().sizeHint() if self.widget() is not None else self._min

    def resizeEvent(self, ev) -> None:         # noqa: N802
        super().resizeEvent(ev)
        self.fit()

    def fit(self) -> None:
        """The page at the viewport's size, or at its minimum where that is larger."""
        w = self.widget()
        if w is None:
            return
        room = self.maximumViewportSize()          # without scroll bars
        need = w.minimumSizeHint().expandedTo(w.minimumSize())
        width, height = room.width(), room.height()
        if need.height() > height:                 # a vertical bar takes some width
            width -= self.verticalScrollBar().sizeHint().width()
        if need.width() > width:
            height -= self.horizontalScrollBar().sizeHint().height()
        size = QSize(max(width, need.width()), max(height, need.height()))
        if (w.width(), w.height()) != (size.width(), size.height()):   # (a panel may name a box `size`)
            w.resize(size)


class _LayoutWatch(QObject):
    """Refits the page when its widget's layout changes (its minimum may have grown)."""

    def __init__(self, page: ScrollPage):
        super().__init__(page)
        self.page = page

    def eventFilter(self, obj, ev) -> bool:    # noqa: N802
        if ev.type() == QEvent.LayoutRequest:
            self.page.fit()
        return False


class WorkspaceTabs(QTabWidget):
    """A QTabWidget of workspaces, each in a ScrollPage, that speaks of the workspaces
    themselves: currentWidget(), setCurrentWidget(ws), indexOf(ws) and widget(i)."""

    def addTab(self, widget: QWidget, label: str) -> int:   # noqa: N802
        return super().addTab(ScrollPage(widget, (240, 160)), label)

    def widget(self, index: int) -> QWidget | None:
        page = super().widget(index)
        return page.widget() if isinstance(page, ScrollPage) else page

    def currentWidget(self) -> QWidget | None:  # noqa: N802
        return self.widget(self.currentIndex())

    def indexOf(self, widget: QWidget) -> int:  # noqa: N802
        for i in range(self.count()):
            if self.widget(i) is widget or super().widget(i) is widget:
                return i
        return -1

    def setCurrentWidget(self, widget: QWidget) -> None:  # noqa: N802
        i = self.indexOf(widget)
        if i >= 0:
            self.setCurrentIndex(i)

    def page(self, index: int) -> ScrollPage:
        return super().widget(index)
