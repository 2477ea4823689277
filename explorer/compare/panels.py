"""The comparison model's forward and reverse views: a second row under the open model's in
the 2-D workspace's DiffusionView, each side showing step t' of its own trajectory (the
slider's t mapped by fraction of the diffusion when the T differ). The points the user
selects above are traced here too: forward point i is the same data point under the same
noise, reverse point i starts from the same x_T when the seeds match. The row follows the
top row's zoom and pan; it is removed again when the comparison closes."""
from __future__ import annotations

import numpy as np

from .. import theme
from ..workspaces.points import data_fit
from ..workspaces.points.state import DIRECTIONS, PointsState
from ..workspaces.points.trajectory_plot import TrajectoryPlot
from ..workspaces.points.view import DiffusionView
from .state import CompareState

TITLES = {"forward": "forward q", "reverse": "reverse p"}


class ComparePanels:
    def __init__(self, view: DiffusionView):
        self.view = view
        self.panels: dict[str, TrajectoryPlot] = {}
        self._path_source: dict[str, tuple] = {}
        self._follow = lambda *_: self._mirror()

    @property
    def shown(self) -> bool:
        return bool(self.panels)

    def show(self, std) -> None:
        if not self.panels:
            for col, d in enumerate(DIRECTIONS):
                colour = theme.FORWARD if d == "forward" else theme.REVERSE
                self.panels[d] = TrajectoryPlot(self.view.ci, 1, col, "", colour)
            self.view.panels["forward"].vb.sigRangeChanged.connect(self._follow)
            self._path_source = {}
        for p in self.panels.values():
            p.vb.setAspectLocked(True, ratio=data_fit.aspect(std))
        self._mirror()

    def hide(self) -> None:
        if not self.panels:
            return
        try:
            self.view.panels["forward"].vb.sigRangeChanged.disconnect(self._follow)
        except (RuntimeError, TypeError):
            pass
        for p in self.panels.values():
            self.view.ci.removeItem(p.plot)
            p.plot.deleteLater()
        self.panels = {}

    def _mirror(self) -> None:
        """The top row's region, so a zoom above shows the same region below."""
        target = self.view.panels["forward"].vb.targetRect()
        for p in self.panels.values():
            p.vb.setRange(target, padding=0)

    def redraw(self, cs: CompareState, main: PointsState, name: str) -> None:
        if not self.panels:
            return
        t, T = main.t, main.T
        tc = cs.t_for(t, T)
        mapped = f" (t′ = {tc} at t = {t}: t/T)" if cs.T != T else ""
        for d in DIRECTIONS:
            panel = self.panels[d]
            x = getattr(cs, d)
            panel.plot.setTitle(f"{name}: {TITLES[d]}, t = {tc} / {cs.T}{mapped}", color=theme.FG,
                                size=theme.title_size())
            panel.show_points(None if x is None else x[tc], "computing…")
            sel = main.selection[d]
            source = (x, sel)
            old = self._path_source.get(d)
            if old is None or old[0] is not x or old[1] is not sel:
                ok = sel[sel < x.shape[1]] if x is not None else sel[:0]
                panel.set_paths(x[:, ok] if x is not None and len(ok) else None)
                self._path_source[d] = source
            panel.show_chosen(tc)
            panel.show_density(None if x is None else x[tc], self.view.density_on)

    def frame_shown(self, direction: str) -> np.ndarray | None:
        """The points drawn on one side now (tests and the bench read it)."""
        if direction not in self.panels:
            return None
        return self.panels[direction].scatter.xy
