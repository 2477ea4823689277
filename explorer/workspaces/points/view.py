"""The main view: forward diffusion (data -> noise) beside the learned reverse process
(noise -> data), both showing step t of their trajectories. Reads PointsState, draws, and turns
clicks and lassos into selection requests; it keeps no state of its own beyond toggles."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal

from ... import theme
from . import geometry
from .point_cloud import PointCloud
from .state import DIRECTIONS, PointsState
from .trajectory_plot import TrajectoryPlot, make_plot_cursor


class DiffusionView(pg.GraphicsLayoutWidget):
    selectionRequested = Signal(str, object, bool)   # direction, indices, add

    def __init__(self, state: PointsState, parent=None):
        super().__init__(parent)
        self.state = state
        self.ci.setContentsMargins(4, 4, 4, 4)
        self.panels = {
            "forward": TrajectoryPlot(self.ci, 0, 0, "Forward  q(x<sub>t</sub> | x<sub>t−1</sub>): data → noise",
                                      theme.FORWARD),
            "reverse": TrajectoryPlot(self.ci, 0, 1, "Reverse  p(x<sub>t−1</sub> | x<sub>t</sub>): noise → data",
                                      theme.REVERSE),
        }
        self.panels["reverse"].plot.setXLink(self.panels["forward"].plot)
        self.panels["reverse"].plot.setYLink(self.panels["forward"].plot)
        self.density_on = False
        self.drift_on = False
        self._drift: tuple | None = None        # (t, points, mean, var) for the grid
        self._ellipses: tuple | None = None     # (t, mean, var) for selected reverse points
        # (trajectory, selection) each panel's paths were drawn from: the state replaces
        # either object when it changes, so identity says when to rebuild the paths.
        self._path_source: dict[str, tuple] = {}
        for d in DIRECTIONS:
            vb = self.panels[d].vb
            vb.clicked.connect(lambda pos, add, d=d: self._click(d, pos, add))
            vb.lassoed.connect(lambda poly, add, d=d: self._lasso(d, poly, add))

    # ---- convenience for tests and the bench -----------------------------------------
    def scatter(self, direction: str) -> PointCloud:
        return self.panels[direction].scatter

    # ---- drawing --------------------------------------------------------------------
    def redraw(self) -> None:
        s, t = self.state, self.state.t
        for d in DIRECTIONS:
            panel = self.panels[d]
            pts = s.frame(d)
            msg = ("no model: run `python main.py pretrain`, open one, or train one" if not s.has_model
                   else "computing…")
            panel.show_points(pts, msg)
            source = (getattr(s, d), s.selection[d])
            old = self._path_source.get(d)
            if old is None or old[0] is not source[0] or old[1] is not source[1]:
                panel.set_paths(s.paths(d))     # only when the selection or trajectory changed
                self._path_source[d] = source
            panel.show_chosen(t)
            panel.show_density(pts, self.density_on)
        self._draw_drift()

    def set_density(self, on: bool) -> None:
        self.density_on = on
        self.redraw()

    def set_drift_visible(self, on: bool) -> None:
        self.drift_on = on
        self._draw_drift()

    def set_lasso(self, on: bool) -> None:
        for p in self.panels.values():
            make_plot_cursor(p.vb, on)

    def set_drift(self, t: int, points, mean, var, n_grid: int) -> None:
        """A DriftField for [grid points; selected reverse points] at step t."""
        self._drift = (t, points[:n_grid], mean[:n_grid])
        self._ellipses = (t, mean[n_grid:], np.sqrt(var[n_grid:])) if len(points) > n_grid else None
        self._draw_drift()

    def clear_drift(self) -> None:
        self._drift = self._ellipses = None
        self._draw_drift()

    def _draw_drift(self) -> None:
        rev = self.panels["reverse"]
        t = max(self.state.t, 1)
        if self.drift_on and self._drift is not None and self._drift[0] == t:
            _, pts, mean = self._drift
            rev.show_drift(pts, mean - pts, max_len=0.28)
        else:
            rev.show_drift(None, None)
        if self._ellipses is not None and self._ellipses[0] == t and len(self.state.selection["reverse"]):
            rev.show_ellipses(self._ellipses[1], self._ellipses[2])
        else:
            rev.show_ellipses(None, None)

    # ---- selection ------------------------------------------------------------------
    def _pixel_radius(self, direction: str, pixels: float = 8.0) -> float:
        vb = self.panels[direction].vb
        w = vb.viewRect().width() / max(vb.width(), 1.0)
        return pixels * w

    def _click(self, direction: str, pos, add: bool) -> None:
        i = geometry.nearest(self.state.frame(direction), pos, self._pixel_radius(direction))
        self.selectionRequested.emit(direction, np.zeros(0, int) if i is None else np.array([i]), add)

    def _lasso(self, direction: str, poly, add: bool) -> None:
        pts = self.state.frame(direction)
        if pts is None:
            return
        idx = np.flatnonzero(geometry.inside_polygon(pts, poly))
        # Hundreds of paths make spaghetti; keep an even subset of a big lasso.
        if len(idx) > 300:
            idx = idx[np.linspace(0, len(idx) - 1, 300).astype(int)]
        self.selectionRequested.emit(direction, idx, add)
