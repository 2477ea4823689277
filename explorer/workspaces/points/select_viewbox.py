"""A ViewBox that selects: click picks the nearest point, a drag with Shift held (or with
lasso mode on) draws a freehand lasso. A plain drag still pans, the wheel still zooms."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal

from ... import theme


class SelectViewBox(pg.ViewBox):
    clicked = Signal(object, bool)     # (x, y) in data coordinates, add-to-selection
    lassoed = Signal(object, bool)     # (k, 2) polygon in data coordinates, add

    def __init__(self, **kw):
        super().__init__(**kw)
        self.lasso_mode = False
        # While set (an r(x) tool, explorer/workspaces/points/product.py), it takes left clicks, left
        # drags and the wheel: tool.press(vb, (x, y), modifiers, finished), tool.wheel(delta).
        self.tool = None
        self._poly: list = []
        self._outline = pg.PlotCurveItem(pen=pg.mkPen(theme.SELECT, width=1.5, style=Qt.DashLine))
        self._outline.setZValue(100)
        self.addItem(self._outline, ignoreBounds=True)

    def mouseClickEvent(self, ev):
        if self.tool is not None and ev.button() == Qt.LeftButton:
            ev.accept()
            p = self.mapSceneToView(ev.scenePos())
            self.tool.press(self, (p.x(), p.y()), ev.modifiers(), True)
            return
        if ev.button() == Qt.LeftButton:
            ev.accept()
            p = self.mapSceneToView(ev.scenePos())
            self.clicked.emit((p.x(), p.y()), bool(ev.modifiers() & (Qt.ControlModifier | Qt.ShiftModifier)))
        else:
            super().mouseClickEvent(ev)

    def mouseDragEvent(self, ev, axis=None):
        if self.tool is not None and ev.button() == Qt.LeftButton:
            ev.accept()
            p = self.mapSceneToView(ev.scenePos())
            self.tool.press(self, (p.x(), p.y()), ev.modifiers(), ev.isFinish())
            return
        lasso = self.lasso_mode or bool(ev.modifiers() & Qt.ShiftModifier)
        if ev.button() != Qt.LeftButton or not (lasso or self._poly):
            return super().mouseDragEvent(ev, axis)
        ev.accept()
        p = self.mapSceneToView(ev.scenePos())
        if ev.isStart():
            start = self.mapSceneToView(ev.buttonDownScenePos())
            self._poly = [(start.x(), start.y())]
        self._poly.append((p.x(), p.y()))
        pts = np.asarray(self._poly + self._poly[:1])
        self._outline.setData(pts[:, 0], pts[:, 1])
        if ev.isFinish():
            poly = np.asarray(self._poly)
            self._poly = []
            self._outline.setData([], [])
            if len(poly) >= 3:
                self.lassoed.emit(poly, bool(ev.modifiers() & Qt.ControlModifier))

    def wheelEvent(self, ev, axis=None):
        delta = ev.delta() if hasattr(ev, "delta") else ev.angleDelta().y()
        if self.tool is not None and self.tool.wheel(delta):
            ev.accept()
            return
        super().wheelEvent(ev, axis)
