"""The paper's Swiss-roll figure (Sohl-Dickstein et al. 2015, Fig. 1) as its own window:
forward trajectory at t = 0, T/2, T on top, the learned reverse at the same steps below,
with the drift f_μ(x, t) − x drawn as arrows on the reverse row. Exports to PNG."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ... import theme
from ...widgets import file_dialogs
from . import geometry
from .data_fit import aspect
from .state import PointsState

E = geometry.VIEW_RANGE
TAG = "figure"


class PaperFigure(QWidget):
    driftRequested = Signal(object, object)    # steps, grid points

    def __init__(self, state: PointsState, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Paper figure — forward (top) and reverse (bottom)")
        self.resize(1100, 720)
        self.state = state
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.ci.setContentsMargins(6, 6, 6, 6)
        self.grid = geometry.grid(13)
        self.arrows: dict = {}
        save = QPushButton("Save PNG…")
        save.clicked.connect(self._save_dialog)
        self.caption = QLabel("Top: q(x_t) from data. Bottom: p(x_t) from N(0, I), arrows f_μ(x_t, t) − x_t.")
        theme.muted(self.caption)
        row = QHBoxLayout()
        row.addWidget(self.caption, 1)
        row.addWidget(save)
        lay = QVBoxLayout(self)
        lay.addWidget(self.graphics, 1)
        lay.addLayout(row)
        self.ts: list[int] = []

    def steps(self) -> list[int]:
        T = self.state.T
        return [0, T // 2, T]

    def refresh(self) -> None:
        """Redraw from the state and ask for the drift at the figure's steps."""
        self.graphics.ci.clear()
        self.arrows.clear()
        self.ts = self.steps() if self.state.has_model else []
        for col, t in enumerate(self.ts):
            for row, (d, colour) in enumerate((("forward", theme.FORWARD), ("reverse", theme.REVERSE))):
                p = self.graphics.addPlot(row=row, col=col)
                letter = "q" if d == "forward" else "p"
                theme.plot_style(p, f"{letter}(x<sub>{t}</sub>)   t = {t}")
                p.setAspectLocked(True, ratio=aspect(self.state.model.data_std))   # one data scale
                p.setRange(xRange=(-E, E), yRange=(-E, E), padding=0)
                pts = self.state.frame(d, t)
                if pts is not None:
                    p.addItem(pg.ScatterPlotItem(x=pts[:, 0], y=pts[:, 1], size=2.5, pen=None,
                                                 brush=pg.mkBrush(colour), pxMode=True, hoverable=False))
                if d == "reverse":
                    a = pg.PlotDataItem(pen=pg.mkPen(theme.DRIFT, width=1), connect="pairs")
                    a.setZValue(5)
                    p.addItem(a)
                    self.arrows[max(t, 1)] = a
        if self.ts:
            self.driftRequested.emit(self.ts, self.grid)

    def set_drift(self, t: int, points: np.ndarray, mean: np.ndarray) -> None:
        item = self.arrows.get(t)
        if item is not None:
            x, y = geometry.arrow_segments(points, mean - points, max_len=0.35)
            item.setData(x, y)

    def export_png(self, path: str) -> bool:
        return self.graphics.grab().save(str(path))

    def _save_dialog(self) -> None:
        path = file_dialogs.save_file(self, "Save figure", "diffusion_figure.png", "PNG (*.png)", "exports")
        if path:
            self.export_png(path)
