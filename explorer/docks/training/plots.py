"""Live training plots: the running loss, the held-out bound K in bits, and the per-step KL
as a bar chart (where along t the model still loses bits: the paper's most telling plot)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ... import theme


class TrainingPlots(pg.GraphicsLayoutWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.loss_plot = theme.plot_style(self.addPlot(row=0, col=0), "training loss", y="nats/dim", grid=False)
        self.bound_plot = theme.plot_style(self.addPlot(row=1, col=0), "held-out bound K", y="bits/point", grid=False)
        self.kl_plot = theme.plot_style(self.addPlot(row=2, col=0), "per-step KL", x="t", y="bits", grid=False)
        self.bound_plot.setXLink(self.loss_plot)
        self.loss_curve = self.loss_plot.plot(pen=pg.mkPen(theme.FORWARD, width=1.5), symbol="o", symbolSize=3,
                                              symbolBrush=theme.FORWARD, symbolPen=None)
        self.bound_curve = self.bound_plot.plot(pen=pg.mkPen(theme.REVERSE, width=1.5), symbol="o", symbolSize=5,
                                                symbolBrush=theme.REVERSE, symbolPen=None)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.8, brush=theme.ACCENT, pen=None)
        self.kl_plot.addItem(self.bars)
        self.ci.setContentsMargins(2, 2, 14, 2)    # room for the last x tick's label, not clipped
        self.setMinimumHeight(210)   # three plots, each still readable; the dock scrolls below this
        self.reset()

    def reset(self) -> None:
        self.loss_x, self.loss_y, self.bound_x, self.bound_y = [], [], [], []
        self.kl = None
        self._draw()
        self.bars.setOpts(x=[], height=[])

    def set_history(self, history: dict) -> None:
        """A model's stored history (points at each evaluation)."""
        self.reset()
        steps = list(history.get("step", []))
        self.loss_x, self.loss_y = steps[:], list(history.get("loss", []))
        self.bound_x, self.bound_y = steps[:], list(history.get("bound_bits", []))
        self._draw()

    def add(self, step: int, loss: float, bound: float | None = None, kl: list | None = None) -> None:
        # A resumed run may repeat steps already in the history: keep x increasing.
        if not self.loss_x or step > self.loss_x[-1]:
            self.loss_x.append(step)
            self.loss_y.append(loss)
        if bound is not None and np.isfinite(bound) and (not self.bound_x or step > self.bound_x[-1]):
            self.bound_x.append(step)
            self.bound_y.append(bound)
        if kl is not None:
            self.set_kl(kl)
        self._draw()

    def set_kl(self, kl: list) -> None:
        self.kl = np.asarray(kl, float)
        self.bars.setOpts(x=np.arange(1, len(kl) + 1), height=self.kl, width=0.8)
        self.kl_plot.setXRange(0.4, len(kl) + 0.6, padding=0)

    def _draw(self) -> None:
        # Dots help while there are few points (a loaded model's history); lines after.
        self.loss_curve.setSymbol("o" if len(self.loss_x) < 30 else None)
        self.loss_curve.setData(self.loss_x, self.loss_y)
        self.bound_curve.setData(self.bound_x, self.bound_y)
