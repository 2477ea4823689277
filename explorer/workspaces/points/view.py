"""The main view: forward diffusion (data -> noise) beside the learned reverse process
(noise -> data), both showing step t of their trajectories. Reads PointsState, draws, and turns
clicks and lassos into selection requests; it keeps no state of its own beyond toggles.

Coordinates are the model's standardised ones (what the engine computes in), but both axes
are drawn on one scale in the data's units (set_aspect: a pixel ratio of σ_x/σ_y per
standardised unit), so a drawn circle stays a circle. The model's noise N(0, I) is per-axis
standardised, so where the data's spreads differ the noise at t = T looks elongated: that
is the process the model runs, shown truthfully."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal

from ... import theme
from . import geometry
from .point_cloud import PointCloud
from .state import DIRECTIONS, PointsState
from .trajectory_plot import E, TrajectoryPlot, make_plot_cursor


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
        # Both sides show the same region: each mirrors the other's requested range. Linking
        # the axes of two aspect-locked views of slightly different widths instead makes
        # them pass ever-larger ranges back and forth: the view zoomed out on every resize.
        self._mirroring = False
        for a, b in (("forward", "reverse"), ("reverse", "forward")):
            self.panels[a].vb.sigRangeChanged.connect(lambda *_, a=a, b=b: self._mirror(a, b))
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

    def _mirror(self, src: str, dst: str) -> None:
        if self._mirroring:
            return
        self._mirroring = True
        try:
            target, other = self.panels[src].vb.targetRect(), self.panels[dst].vb
            if other.targetRect() != target:
                other.setRange(target, padding=0)
        finally:
            self._mirroring = False

    # ---- convenience for tests and the bench -----------------------------------------
    def scatter(self, direction: str) -> PointCloud:
        return self.panels[direction].scatter

    # ---- drawing --------------------------------------------------------------------
    def redraw(self) -> None:
        s, t = self.state, self.state.t
        for d in DIRECTIONS:
            panel = self.panels[d]
            pts = s.frame(d)
            if not s.has_model:
                msg = "no model: run `python main.py pretrain`, open one, or train one"
            elif not s.active:    # nothing of another kind's model is drawn here
                msg = f"the open model is a {s.model.kind} model: see its tab"
            else:
                msg = "computing…"
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

    def set_aspect(self, ratio: float) -> None:
        """Pixels per standardised x unit over pixels per y unit (σ_x/σ_y: one data scale)."""
        for p in self.panels.values():
            p.vb.setAspectLocked(True, ratio=float(ratio))
            p.plot.setRange(xRange=(-E, E), yRange=(-E, E), padding=0.02)

    def set_captions(self, forward: str, reverse: str) -> None:
        self.panels["forward"].plot.setTitle(forward, color=theme.FG, size=theme.title_size())
        self.panels["reverse"].plot.setTitle(reverse, color=theme.FG, size=theme.title_size())

    def theme_changed(self) -> None:
        """explorer/theme.py restyle(): colours baked into the overlays at creation."""
        for p in self.panels.values():
            p.restyle()
        self.redraw()

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
        # Keep an even subset of a huge lasso (the plot draws at most MAX_PATHS of its paths).
        if len(idx) > 300:
            idx = idx[np.linspace(0, len(idx) - 1, 300).astype(int)]
        self.selectionRequested.emit(direction, idx, add)
