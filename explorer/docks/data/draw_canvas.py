"""The data canvas: shows the current data set in raw units, and in draw mode sprays points
around the cursor while the left button is dragged (a Gaussian puff per mouse move)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal

from ... import theme


class SprayViewBox(pg.ViewBox):
    sprayed = Signal(float, float)   # data coordinates under the cursor
    strokeDone = Signal()

    def __init__(self, **kw):
        super().__init__(**kw)
        self.draw_mode = False

    def mouseDragEvent(self, ev, axis=None):
        if not self.draw_mode or ev.button() != Qt.LeftButton:
            return super().mouseDragEvent(ev, axis)
        ev.accept()
        p = self.mapSceneToView(ev.scenePos())
        self.sprayed.emit(p.x(), p.y())
        if ev.isFinish():
            self.strokeDone.emit()

    def mouseClickEvent(self, ev):
        if self.draw_mode and ev.button() == Qt.LeftButton:
            ev.accept()
            p = self.mapSceneToView(ev.scenePos())
            self.sprayed.emit(p.x(), p.y())
            self.strokeDone.emit()
        else:
            super().mouseClickEvent(ev)


class DrawCanvas(pg.PlotWidget):
    strokeFinished = Signal()        # the drawn set changed (once per stroke)

    def __init__(self, parent=None, seed: int = 0):
        self.vb = SprayViewBox(lockAspect=True)
        super().__init__(parent, viewBox=self.vb)
        theme.plot_style(self.getPlotItem(), x="x", y="y")
        self.scatter = pg.ScatterPlotItem(size=3, pen=None, brush=pg.mkBrush(theme.FORWARD), pxMode=True,
                                          hoverable=False)
        self.addItem(self.scatter)
        self.hint = pg.TextItem("", color=theme.MUTED, anchor=(0.5, 0.5))
        self.addItem(self.hint, ignoreBounds=True)
        self.rng = np.random.default_rng(seed)
        self.drawn = np.zeros((0, 2))
        self.per_puff = 12
        self.radius = 0.05          # as a fraction of the visible width
        self.vb.sprayed.connect(self.spray_at)
        self.vb.strokeDone.connect(self.strokeFinished)
        self.setMinimumHeight(140)

    def set_draw_mode(self, on: bool) -> None:
        self.vb.draw_mode = on
        self.viewport().setCursor(Qt.CrossCursor if on else Qt.ArrowCursor)
        if on:
            self.vb.setRange(xRange=(-4, 4), yRange=(-4, 4), padding=0)
            self.show_points(self.drawn, autorange=False)

    def spray_at(self, x: float, y: float, n: int | None = None) -> None:
        r = self.radius * self.vb.viewRect().width()
        puff = np.array([x, y]) + r * self.rng.standard_normal((n or self.per_puff, 2))
        self.drawn = np.vstack([self.drawn, puff])
        self.show_points(self.drawn, autorange=False)

    def clear_drawn(self) -> None:
        self.drawn = np.zeros((0, 2))
        self.show_points(self.drawn, autorange=False)

    def show_points(self, pts: np.ndarray | None, autorange: bool = True) -> None:
        if pts is None or len(pts) == 0:
            self.scatter.clear()
            self.hint.setText("drag here to spray points" if self.vb.draw_mode else "no data")
            self.hint.setPos(*self.vb.viewRect().center().toTuple())
            return
        self.hint.setText("")
        # At 100k points the canvas only needs a preview.
        show = pts if len(pts) <= 20000 else pts[:: len(pts) // 20000 + 1]
        self.scatter.setData(x=show[:, 0], y=show[:, 1])
        if autorange:
            self.vb.autoRange(padding=0.08)
