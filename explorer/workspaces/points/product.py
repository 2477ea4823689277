"""The 2-D view's p·r and log p map: a toolbar (r(x) bump, paint r, σ, clear r, log p
map), the tools that place r on the reverse or p·r plot, and the wiring to the worker.

Every change of r sends one m.SampleProduct tagged with r's version; the worker cancels
the running one (preempt), and results for an older r are dropped, so dragging the bump
always ends on samples for where it was let go. Painting samples when the stroke ends."""
from __future__ import annotations

import numpy as np
from typing import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDoubleSpinBox, QLabel, QToolBar

from engine.runtime import protocol as m

from ...state import ModelInfo
from .data_fit import aspect
from .product_panel import LogPMap, ProductPanel
from .rfield import RField
from .state import PointsState
from .trajectory_plot import make_plot_cursor

SEED = 1              # one x_T for every r: moving the bump morphs the samples, not reshuffles them
LOGP_N, LOGP_K = 48, 32
WHEEL_STEP = 1.12     # σ factor per wheel notch


class ProductControl(QObject):
    """The workspace forwards its model, events and slider moves here (on_model, on_event,
    redraw); `bar` is the workspace's toolbar, which the p·r tools join."""

    def __init__(self, view, state: PointsState, client, bar: QToolBar, *, n_samples: Callable[[], int],
                 lasso_on: Callable[[], bool], on_status: Callable[[str], None], parent=None):
        super().__init__(parent)
        self.view, self.state, self.client = view, state, client
        self.n_samples, self.lasso_on, self.on_status = n_samples, lasso_on, on_status
        self.r = RField()
        self.product: np.ndarray | None = None      # (T+1, n, 2) for r.version == self._tag
        self._tag = -1
        self._model_id = None
        self._logp_job_model = None
        self.panel = ProductPanel(view)
        self.logp = LogPMap(view)
        self._build_toolbar(bar)

    @property
    def tag(self) -> int:
        """The r version of the p·r samples held (-1: none yet)."""
        return self._tag

    # ---- toolbar ----------------------------------------------------------------------
    def _build_toolbar(self, bar: QToolBar) -> None:
        self.act_bump = bar.addAction("r(x) bump")
        self.act_bump.setToolTip("click or drag on the reverse or p·r plot to place a Gaussian r(x); the wheel "
                                 "sets its width σ. The p·r plot samples p(x)·r(x) by the perturbed mean")
        self.act_paint = bar.addAction("Paint r")
        self.act_paint.setToolTip("paint a region r(x) with a brush of radius σ (Ctrl+drag erases); "
                                  "p·r is sampled when the stroke ends")
        for a in (self.act_bump, self.act_paint):
            a.setCheckable(True)
        self.act_bump.toggled.connect(lambda on: self._tool_toggled(self.act_bump, on))
        self.act_paint.toggled.connect(lambda on: self._tool_toggled(self.act_paint, on))
        bar.addWidget(QLabel(" σ "))
        self.sigma = QDoubleSpinBox()
        self.sigma.setRange(0.05, 2.5)
        self.sigma.setSingleStep(0.05)
        self.sigma.setValue(0.4)
        self.sigma.setToolTip("width of the bump (standard deviation) or radius of the brush, standardised units")
        self.sigma.setFocusPolicy(Qt.ClickFocus)     # never the window's first focus (it would eat Space)
        self.sigma.valueChanged.connect(self._sigma_changed)
        bar.addWidget(self.sigma)
        bar.addAction("Clear r").triggered.connect(self.clear_r)
        bar.addSeparator()
        self.act_logp = bar.addAction("log p map")
        self.act_logp.setCheckable(True)
        self.act_logp.setToolTip(
            f"log₂ p(x₀) of the model on a {LOGP_N}×{LOGP_N} grid, in bits (standardised coordinates), under "
            f"the reverse plot. Each pixel is an AIS estimate averaging {LOGP_K} forward trajectories "
            "(the paper's section 2.2); off the data it is a loose, low estimate")
        self.act_logp.toggled.connect(self._logp_toggled)

    def _tool_toggled(self, act, on: bool) -> None:
        if on:   # one tool at a time
            other = self.act_paint if act is self.act_bump else self.act_bump
            other.setChecked(False)
        tool = self if (self.act_bump.isChecked() or self.act_paint.isChecked()) else None
        for vb in (self.view.panels["reverse"].vb, self.panel.vb):
            vb.tool = tool
            make_plot_cursor(vb, tool is not None or self.lasso_on())

    # ---- the tool protocol (select_viewbox.py) ---------------------------
    def press(self, vb, pos, modifiers, finished: bool) -> None:
        x, y = pos
        if self.act_bump.isChecked():
            self.r.place_bump(x, y, self.sigma.value())
            self.request()
        elif self.act_paint.isChecked():
            self.r.paint(x, y, self.sigma.value(), erase=bool(modifiers & Qt.ControlModifier))
            self.product = None if self.r.empty else self.product
            if finished:
                self.request()
            else:
                self.redraw()

    def wheel(self, delta: int) -> bool:
        if not delta:
            return False
        self.sigma.setValue(self.sigma.value() * WHEEL_STEP ** (delta / 120))
        return True

    def _sigma_changed(self, value: float) -> None:
        if self.r.set_scale(value):
            self.request()

    # ---- r and sampling ---------------------------------------------------------------
    def place_bump(self, x: float, y: float, scale: float | None = None) -> None:
        """As a click with the bump tool (for scripts and tests)."""
        if scale is not None:
            self.sigma.blockSignals(True)
            self.sigma.setValue(scale)
            self.sigma.blockSignals(False)
        self.r.place_bump(x, y, self.sigma.value())
        self.request()

    def clear_r(self) -> None:
        self.r.clear()
        self.product = None
        self.client.cancel("product")
        self.redraw()

    def request(self) -> None:
        """Sample p·r for the current r (newest wins: the worker cancels the last one)."""
        if self.r.empty or not self.state.active:
            self.redraw()
            return
        self.client.submit(m.SampleProduct(n=self.n_samples(), seed=SEED, tag=self.r.version,
                                           **self.r.command_args()))
        self.redraw()

    # ---- log p map --------------------------------------------------------------------
    def _logp_toggled(self, on: bool) -> None:
        if on and (self.logp.values is None or self._logp_job_model != self.state.model.model_id):
            self.request_logp()
        elif not on:
            self.client.cancel("log_density")
        self.redraw()

    def request_logp(self) -> None:
        if self.state.active:
            self._logp_job_model = self.state.model.model_id
            self.client.submit(m.LogDensityGrid(n=LOGP_N, trajectories=LOGP_K, seed=0))

    # ---- engine events ----------------------------------------------------------------
    def on_model(self, info: ModelInfo) -> None:
        if info.model_id == self._model_id:
            return
        self._model_id = info.model_id
        self.product = None
        self.logp.clear()
        if self.state.active:
            self.panel.vb.setAspectLocked(True, ratio=aspect(info.data_std))   # as the views beside it
            if not self.r.empty:
                self.request()
            if self.act_logp.isChecked():
                self.request_logp()
        self.redraw()

    def on_event(self, ev) -> None:
        if isinstance(ev, m.Trajectory):
            self.redraw()
        elif isinstance(ev, m.ProductTrajectory):
            s = self.state
            if ev.tag == self.r.version and ev.model_id == s.model.model_id and len(ev.x) == s.T + 1:
                self.product, self._tag = ev.x, ev.tag
                self.redraw()
        elif isinstance(ev, m.LogDensityMap):
            if ev.model_id == self.state.model.model_id:
                self.logp.set_values(ev.values, ev.extent)
                if ev.done < ev.total:
                    self.on_status(f"log p map: {ev.done}/{ev.total} points")
                self.redraw()

    # ---- drawing ----------------------------------------------------------------------
    def redraw(self) -> None:
        s = self.state
        points = s.active
        r = self.r if points else RField()
        t = int(np.clip(s.t, 0, max(s.T, 0)))
        product = self.product if self.product is not None and len(self.product) == s.T + 1 else None
        self.panel.draw(r, product, s.frame("reverse") if points else None, t)
        self.logp.set_shown(points and self.act_logp.isChecked(), t)
