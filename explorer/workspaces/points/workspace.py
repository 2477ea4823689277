"""The 2-D workspace. Flows: a 2-D model opens -> show its data set, diffuse it, sample the
reverse and fill the KL bars; the slider moves -> redraw both sides at t (and ask for the
drift there); the data changes -> diffuse it again. Its toolbar holds the view's toggles
and the p·r tools (explorer/workspaces/points/product.py)."""
from __future__ import annotations

from typing import Callable

import numpy as np
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QToolBar, QVBoxLayout

from engine.runtime import protocol as m
from engine.data.catalogue import POINT_SETS
from engine.io.storage import StorageError, save_trajectory

from ...state import AppState, ModelInfo
from ..base import Workspace
from . import geometry
from .paper_figure import TAG as FIGURE_TAG
from .paper_figure import PaperFigure
from .product import ProductControl
from .state import PointsState
from .view import DiffusionView


class PointsWorkspace(Workspace):
    kinds = ("points",)
    title = "2-D points"

    def __init__(self, client, app: AppState, data, *, autoplay: bool = True,
                 play: Callable[[bool], None] = lambda on: None, on_status: Callable[[str], None] = lambda s: None,
                 on_error: Callable[[str], None] = lambda s: None, on_message: Callable[[str], None] = lambda s: None,
                 parent=None):
        """data: the Data dock's panel (the 2-D set shown and adopted, and how many points)."""
        super().__init__(parent)
        self.client, self.app, self.data = client, app, data
        self.autoplay = autoplay
        self.play, self.on_error, self.on_message = play, on_error, on_message
        self.state = PointsState(app)
        self.view = DiffusionView(self.state)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.view)
        self.figure: PaperFigure | None = None
        self.grid = geometry.grid()
        self._shown: tuple[int, int] | None = None            # (model id, T) last opened
        self._drift_request: tuple[int, int] | None = None    # (t, grid points in it)
        self._bar = self._build_toolbar()
        self.product = ProductControl(self.view, self.state, client, self._bar, n_samples=data.n.value,
                                      lasso_on=self.act_lasso.isChecked, on_status=on_status, parent=self)
        self.view.selectionRequested.connect(self.select)

    # ---- toolbar ----------------------------------------------------------------------
    def _build_toolbar(self) -> QToolBar:
        bar = QToolBar("2-D view")
        bar.setObjectName("toolbar-points")
        self.act_drift = _toggle(bar, "Drift field", "arrows f_μ(x, t) − x on a grid (reverse view)")
        self.act_density = _toggle(bar, "Density", "2-D histograms of q(x_t) and p(x_t)")
        self.act_lasso = _toggle(bar, "Lasso", "drag to select points (Shift+drag always lassos)")
        bar.addAction("Clear selection").triggered.connect(self.clear_selection)
        bar.addSeparator()
        bar.addAction("Paper figure").triggered.connect(self.show_paper_figure)
        bar.addAction("Resample").triggered.connect(self.resample)
        bar.addSeparator()
        self.act_drift.toggled.connect(self._drift_toggled)
        self.act_density.toggled.connect(self.view.set_density)
        self.act_lasso.toggled.connect(self.view.set_lasso)
        return bar

    def toolbar(self) -> QToolBar:
        return self._bar

    # ---- the workspace interface ----------------------------------------------------------
    def on_model(self, info: ModelInfo) -> None:
        new = (info.model_id, info.T) != self._shown
        self._shown = (info.model_id, info.T)
        if new:
            self.state.drop()
        if info.kind == "points":
            if new and not info.from_training:    # a training run sends its own samples
                self._show_model(info.config)
            self.view.clear_drift()
        self.product.on_model(info)

    def on_event(self, ev) -> None:
        if isinstance(ev, m.Trajectory):
            self._on_trajectory(ev)
        elif isinstance(ev, m.DriftField):
            self._on_drift(ev)
        self.product.on_event(ev)

    def set_t(self, t: int) -> None:
        self.view.redraw()
        self.request_drift()
        self.product.redraw()

    def resample(self) -> None:
        self.request_reverse()

    def export(self, path: str) -> bool:
        return self.view.grab().save(str(path))

    def export_trajectories(self, path: str) -> bool:
        """Both trajectories (standardised) with the data's mean and std, and the selections."""
        s = self.state
        if s.forward is None and s.reverse is None:
            self.on_error("no trajectories yet: open or train a model first")
            return False
        first = "forward" if s.forward is not None else "reverse"
        extra = {f"selected_{d}": s.selection[d] for d in ("forward", "reverse")}
        if first == "forward" and s.reverse is not None:
            extra["reverse"] = s.reverse
        try:
            save_trajectory(path, first, getattr(s, first), s.model.data_mean, s.model.data_std, **extra)
        except (StorageError, OSError) as e:
            self.on_error(str(e).splitlines()[0])
            return False
        self.on_message(f"trajectories saved to {path}")
        return True

    # ---- a 2-D model opened ----------------------------------------------------------------
    def _show_model(self, config: dict) -> None:
        """Show its data set, diffuse it, sample, and fill the KL bars."""
        app, name = self.app, config.get("data")
        if name in POINT_SETS and (name != app.data.name or app.data.points is None):
            self.data.choose(name, config.get("data_args", {}).get("noise"), quiet=True)
        elif app.data.points is None:
            self.data.regenerate(quiet=True)
        app.data = self.data.dataset()
        self.request_forward()
        self.request_reverse()
        if app.data.points is not None:
            self.client.submit(m.Evaluate(data=app.data.points[:2000], seed=0))

    def _on_trajectory(self, ev: m.Trajectory) -> None:
        if not self.state.active or not self.state.set_trajectory(ev.direction, ev.x, ev.model_id):
            return
        self.set_t(self.app.t)
        if self.autoplay and self.state.forward is not None and self.state.reverse is not None:
            self.autoplay = False
            self.play(True)
        if self.figure is not None and self.figure.isVisible():
            self.figure.refresh()

    def _on_drift(self, ev: m.DriftField) -> None:
        if ev.model_id != self.app.model.model_id:
            return
        if ev.tag == FIGURE_TAG:
            if self.figure is not None:
                self.figure.set_drift(ev.t, ev.points, ev.mean)
            return
        if self._drift_request and self._drift_request[0] == ev.t:
            self.view.set_drift(ev.t, ev.points, ev.mean, ev.var, self._drift_request[1])

    # ---- requests ---------------------------------------------------------------------
    def request_forward(self) -> None:
        if self.state.active and self.app.data.points is not None:
            self.client.submit(m.Diffuse(data=self.app.data.points, seed=0))

    def request_reverse(self) -> None:
        if self.state.active:
            seed = int(np.random.default_rng().integers(1 << 30)) if self.state.reverse is not None else 0
            self.client.submit(m.Sample(n=self.data.n.value(), seed=seed))

    def request_drift(self) -> None:
        s = self.state
        sel, rev, on = s.selection["reverse"], s.frame("reverse"), self.act_drift.isChecked()
        if not s.active or (not on and (rev is None or len(sel) == 0)):
            return
        grid = self.grid if on else np.zeros((0, 2), np.float32)
        chosen = rev[sel] if rev is not None and len(sel) else np.zeros((0, 2), np.float32)
        t = max(s.t, 1)
        self._drift_request = (t, len(grid))
        self.client.submit(m.Drift(t=t, points=np.vstack([grid, chosen]).astype(np.float32)))

    # ---- GUI events -------------------------------------------------------------------
    def select(self, direction: str, idx, add: bool = False) -> None:
        self.state.select(direction, idx, add)
        self.set_t(self.app.t)

    def clear_selection(self) -> None:
        self.state.clear_selection()
        self.set_t(self.app.t)

    def _drift_toggled(self, on: bool) -> None:
        self.view.set_drift_visible(on)
        self.request_drift()

    def show_paper_figure(self) -> PaperFigure:
        if self.figure is None:
            self.figure = PaperFigure(self.state)
            self.figure.driftRequested.connect(
                lambda ts, pts: self.client.submit(m.DriftSeries(ts=list(ts), points=pts, tag=FIGURE_TAG)))
        self.figure.show()
        self.figure.raise_()
        self.figure.refresh()
        return self.figure

    def close_views(self) -> None:
        if self.figure is not None:
            self.figure.close()
            self.figure.deleteLater()
            self.figure = None
        self.view.deleteLater()


def _toggle(bar: QToolBar, text: str, tip: str) -> QAction:
    a = bar.addAction(text)
    a.setCheckable(True)
    a.setToolTip(tip)
    return a
