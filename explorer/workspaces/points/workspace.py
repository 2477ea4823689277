"""The 2-D workspace. Flows: a 2-D model opens -> show its data set, diffuse it, sample the
reverse and fill the KL bars; the slider moves -> redraw both sides at t (and ask for the
drift there); the data changes -> diffuse it again, in the model's scaling when it is the
model's own data set and rescaled by one factor otherwise (data_fit.py), the caption saying
which. Its toolbar holds the view's toggles and the p·r tools (product.py)."""
from __future__ import annotations

from typing import Callable

import numpy as np
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QToolBar, QVBoxLayout

from engine.runtime import protocol as m
from engine.io.storage import StorageError, save_trajectory

from ... import theme
from ...state import AppState, ModelInfo
from ...widgets.fit_label import FitLabel
from ..base import Workspace
from . import data_fit, geometry
from .paper_figure import TAG as FIGURE_TAG
from .paper_figure import PaperFigure
from .product import ProductControl
from .state import PointsState
from .view import DiffusionView


FORWARD_TITLE = "Forward q(x<sub>t</sub> | x<sub>t−1</sub>)"
REVERSE_TITLE = "Reverse p(x<sub>t−1</sub> | x<sub>t</sub>)"


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
        # Which data the forward side shows, and how it is scaled (one line, never wider).
        self.caption = theme.muted(FitLabel("", min_chars=8), small=True)
        self.caption.setContentsMargins(6, 0, 6, 0)
        self.own_data = True        # the forward side shows the model's own data set as it is
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.caption)
        lay.addWidget(self.view, 1)
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
            self.view.set_aspect(data_fit.aspect(info.data_std))
            if new and info.from_training:        # trained on the data shown now
                self.own_data = True
            if new and not info.from_training:    # a training run sends its own samples
                self._show_model(info.config)
            self.view.clear_drift()
        self._caption()
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
        if self.data.can_show(name) and (name != app.data.name or app.data.points is None):
            self.data.choose(name, config.get("data_args", {}).get("noise"), quiet=True)
        elif app.data.points is None:
            self.data.regenerate(quiet=True)
        app.data = self.data.dataset()
        self.request_forward()
        self.request_reverse()
        pts = app.data.points
        if pts is not None and self.own_data:
            app.bound_data = f"{app.data.name} ({min(len(pts), 2000):,} points)"
            self.client.submit(m.Evaluate(data=pts[:2000], seed=0))

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
    def data_changed(self) -> None:
        """The Data dock's 2-D set changed: diffuse it (K stays the model's, on its own data)."""
        self.request_forward()
        self._caption()

    def request_forward(self) -> None:
        app = self.app
        if self.state.active and app.data.points is not None:
            m_ = app.model
            data, self.own_data = data_fit.for_model(app.data.name, app.data.points, m_.config, m_.data_mean,
                                                     m_.data_std)
            self.client.submit(m.Diffuse(data=data, seed=0))

    def _caption(self) -> None:
        """Say which data the forward side shows, and whose samples the reverse side shows."""
        app = self.app
        if not self.state.active:
            self.caption.set_variants("")
            self.view.set_captions(FORWARD_TITLE, REVERSE_TITLE)
            return
        own, shown = app.model.config.get("data", "?"), app.data.name or "?"
        n = 0 if app.data.points is None else len(app.data.points)
        if self.own_data:
            self.view.set_captions(f"{FORWARD_TITLE}: {shown}", REVERSE_TITLE)
            self.caption.set_variants(
                f"Forward: {shown}, the model's data ({n:,} points) · Reverse: the model's samples · "
                "both axes on one scale in the data's units", f"Forward: {shown} (the model's data) · "
                "Reverse: the model's samples", shown)
        else:
            self.view.set_captions(f"{FORWARD_TITLE}: {shown} (rescaled)", f"{REVERSE_TITLE}: {own} model")
            self.caption.set_variants(
                f"Forward: {shown}, not the open model's data ({own}): rescaled by one factor to the model's "
                f"scale, its shape kept · Reverse: samples of the {own} model · K is on {own}",
                f"Forward: {shown} rescaled (the model was trained on {own}) · Reverse: the {own} model",
                f"{shown} ≠ the model's data ({own})")

    def request_reverse(self) -> None:
        if self.state.active:
            seed = int(np.random.default_rng().integers(1 << 30)) if self.state.reverse is not None else 0
            self.reverse_seed = seed    # Compare runs samples its second model with the same noise
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
