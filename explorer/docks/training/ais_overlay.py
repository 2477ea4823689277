"""AIS estimates of log p drawn on the training panel's bound plot, beside K: a second
curve with ±1 standard-error bars. log p ≥ K, so the gap between them is what the bound
still gives away (the paper's section 2.2 vs 2.4)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ... import theme

TIP = ("K: the bound on held-out data (2,000 points at most).\n"
       "AIS: annealed importance sampling estimate of log p (section 2.2), ±1 standard error,\n"
       "on a small fixed held-out subset (e.g. 200 points × 16 trajectories for a 2-D model,\n"
       "40 sequences × 16 for the heartbeat) every few bound evaluations: cheap, so noisy.\n"
       "True log p lies above K; with this few trajectories AIS is biased low, so early in\n"
       "training (or for long chains, e.g. the heartbeat at T = 200) it can dip below K.")


class AisOverlay:
    def __init__(self, plot: pg.PlotItem):
        self.plot = plot
        self.curve = plot.plot(pen=pg.mkPen(theme.ACCENT, width=1.5), symbol="s", symbolSize=6,
                               symbolBrush=theme.ACCENT, symbolPen=None)
        self.bars = pg.ErrorBarItem(x=np.zeros(0), y=np.zeros(0), top=np.zeros(0), bottom=np.zeros(0),
                                    beam=0, pen=pg.mkPen(theme.ACCENT, width=1))
        plot.addItem(self.bars)
        # The key lives in the title, coloured like the curves: a legend inside the plot
        # sits on the curves wherever the bound happens to run.
        plot.setToolTip(TIP)
        self.reset()

    def reset(self) -> None:
        self.x, self.y, self.se = [], [], []
        self._draw()

    def add(self, step: int, bits: float, stderr: float) -> None:
        if not np.isfinite(bits) or (self.x and step <= self.x[-1]):   # keep x increasing
            return
        self.x.append(step)
        self.y.append(bits)
        self.se.append(stderr if np.isfinite(stderr) else 0.0)
        self._draw()

    def _draw(self) -> None:
        x, y, se = (np.asarray(v, float) for v in (self.x, self.y, self.se))
        self.curve.setData(x, y)
        self.bars.setData(x=x, y=y, top=se, bottom=se)
        ais = f"AIS log p ≈ {y[-1]:.2f} ± {se[-1]:.2f}" if len(y) else "AIS log p"
        self.plot.setTitle(f'held-out bound <span style="color:{theme.REVERSE}">K</span> · '
                           f'<span style="color:{theme.ACCENT}">{ais}</span>', color=theme.FG, size=theme.title_size())
