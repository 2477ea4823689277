"""Two overlays for the 2-D view. ProductPanel: a third plot beside the reverse one,
showing the guided trajectory of p·r at step t over the plain reverse samples (faint), with
r(x) drawn on it (and outlined on the reverse plot). LogPMap: AIS estimates of log₂ p(x₀)
as a colour map under the reverse plot's points, with a colour bar beneath it.
Both only draw what they are given; explorer/workspaces/points/product.py decides what that is."""
from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer

from .rfield import RField, circle
from .trajectory_plot import TrajectoryPlot, move_points

PRODUCT = "#b39ddb"     # p·r: between the reverse's amber and the selection's pink
R_LINE = "#e6ee9c"      # r(x) outlines
BELOW_TICKS = (0, 10, 100, 1000, 10000, 100000)   # bits below the peak, on the colour bar
E_COL = 2               # the p·r plot's column in the view's layout


def _r_colour_table() -> np.ndarray:
    """Transparent → translucent lime, for the painted region."""
    lut = np.zeros((256, 4), np.ubyte)
    lut[:, :3] = (200, 230, 120)
    lut[:, 3] = np.linspace(0, 110, 256).astype(np.ubyte)
    return lut


class _Detached:
    """Stands in for a layout while the p·r plot is built: it joins the view when shown."""

    def addPlot(self, row, col, viewBox):
        return pg.PlotItem(viewBox=viewBox)


@contextmanager
def keep_range(vb):
    """Keep what `vb` shows across a layout change (adding a plot or a bar reshapes the
    views): the largest square in view now is put back once the layout has settled, and
    the aspect lock widens the other axis. Putting back the whole rectangle would grow
    the range on every change, as the linked, aspect-locked views pass it around."""
    r = vb.viewRect()
    half = min(r.width(), r.height()) / 2
    square = QRectF(r.center().x() - half, r.center().y() - half, 2 * half, 2 * half)
    yield
    QTimer.singleShot(0, lambda: vb.setRange(square, padding=0))


class ROverlay:
    """r(x) drawn on one plot: 1σ and 2σ circles and the centre for a bump, a translucent
    image for a painted region."""

    def __init__(self, plot: pg.PlotItem, bold: bool):
        w = 1.6 if bold else 1.0
        self.inner = pg.PlotDataItem(pen=pg.mkPen(R_LINE, width=w))
        self.outer = pg.PlotDataItem(pen=pg.mkPen(R_LINE, width=w, style=Qt.DashLine))
        self.centre = pg.ScatterPlotItem(size=9 if bold else 6, symbol="+", pen=pg.mkPen(R_LINE, width=w),
                                         brush=None, pxMode=True, hoverable=False)
        self.region = pg.ImageItem()
        self.region.setLookupTable(_r_colour_table())
        self.region.setZValue(-5)
        for item, z in ((self.inner, 20), (self.outer, 20), (self.centre, 21)):
            item.setZValue(z)
        for item in (self.region, self.inner, self.outer, self.centre):
            plot.addItem(item, ignoreBounds=True)

    def show(self, r: RField) -> None:
        if r.bump is not None:
            cx, cy, s = r.bump
            self.inner.setData(*circle(cx, cy, s))
            self.outer.setData(*circle(cx, cy, 2 * s))
            self.centre.setData(x=[cx], y=[cy])
        else:
            self.inner.setData([], [])
            self.outer.setData([], [])
            self.centre.clear()
        painted = bool(r.region is not None and r.region.any())
        self.region.setVisible(painted)
        if painted:
            e = r.extent
            self.region.setImage(r.region.T, levels=(0, 1), autoLevels=False)   # [x, y] for col-major
            self.region.setRect(QRectF(-e, -e, 2 * e, 2 * e))


class ProductPanel:
    """The p·r plot (added to the view's layout only while there is an r)."""

    def __init__(self, view):
        self.view = view
        self.panel = TrajectoryPlot(_Detached(), 0, E_COL, "p·r  ∝ p(x)·r(x): reverse with mean "
                                    "μ + Σ ∂log r/∂x", PRODUCT)
        self.plot = self.panel.plot
        # Follows the forward plot one way: linking a third aspect-locked view (hidden
        # at times, a different width) makes the linked ranges grow on every resize.
        self.vb.setMouseEnabled(False, False)
        self._leader = view.panels["forward"].vb
        self._leader.sigRangeChanged.connect(self._follow)
        self.plot.getAxis("left").setStyle(showValues=False)
        self.p_faint = pg.ScatterPlotItem(size=2.5, pen=None, brush=pg.mkBrush(255, 183, 77, 40), pxMode=True,
                                          hoverable=False, antialias=False)
        self.p_faint.setZValue(-2)
        self.plot.addItem(self.p_faint, ignoreBounds=True)
        self.panel.scatter.setSize(3.5)
        self.r_here = ROverlay(self.plot, bold=True)
        self.r_there = ROverlay(view.panels["reverse"].plot, bold=False)
        self.shown = False

    @property
    def vb(self):
        return self.panel.vb

    def _follow(self, *_) -> None:
        if self.shown:
            self.vb.setRange(self._leader.viewRect(), padding=0)

    def set_shown(self, on: bool) -> None:
        if on == self.shown:
            return
        self.shown = on
        with keep_range(self._leader):
            if on:
                self.view.ci.addItem(self.plot, row=0, col=E_COL)
                self._follow()
            else:
                self.view.ci.removeItem(self.plot)

    def draw(self, r: RField, product: np.ndarray | None, p_frame: np.ndarray | None, t: int) -> None:
        self.set_shown(not r.empty)
        self.r_here.show(r)
        self.r_there.show(r)
        if r.empty:
            return
        if p_frame is None:
            self.p_faint.clear()
        else:
            move_points(self.p_faint, p_frame[:, 0], p_frame[:, 1])
        self.panel.show_points(None if product is None else product[t], "sampling p·r…")


class LogPMap:
    """log₂ p(x₀) on a grid under the reverse plot's points; full strength at t = 0, where
    it describes what the points show, faint at t > 0."""

    def __init__(self, view):
        self.view = view
        self.plot = view.panels["reverse"].plot
        self.image = pg.ImageItem()
        self.image.setZValue(-20)
        self.image.setVisible(False)
        self.plot.addItem(self.image, ignoreBounds=True)
        self.bar = pg.ColorBarItem(values=(-1, 0), colorMap=pg.colormap.get("viridis"), width=12,
                                   interactive=False, orientation="horizontal")
        self.bar.setImageItem(self.image)
        self.bar_shown = False
        self.values: np.ndarray | None = None

    def set_values(self, values: np.ndarray, extent: float) -> None:
        """A sharp model's log p falls thousands of bits within a step of its data, so the
        colour is log₁₀(1 + bits below the peak): the ridge and its fall both show, and the
        bar's ticks read in bits below the peak."""
        self.values = values
        finite = values[np.isfinite(values)]
        if len(finite):
            hi = float(finite.max())
            shade = -np.log10(1.0 + (hi - values))              # NaN (not yet estimated) stays NaN
            lo = -max(1.0, float(np.ceil(np.log10(1.0 + hi - finite.min()))))
            self.image.setImage(shade, autoLevels=False)
            self.bar.setLevels((lo, 0.0))
            ticks = [(-np.log10(1.0 + b), "peak" if b == 0 else f"−{b:g}") for b in BELOW_TICKS
                     if -np.log10(1.0 + b) >= lo - 1e-9]
            self.bar.axis.setTicks([ticks, []])
            self.bar.axis.setLabel(f"log₂ p(x₀): bits below the peak of {hi:.1f} bits (standardised x; "
                                   "each pixel an AIS estimate)")
        self.image.setRect(QRectF(-extent, -extent, 2 * extent, 2 * extent))

    def set_shown(self, on: bool, t: int = 0) -> None:
        on = on and self.values is not None
        self.image.setVisible(on)
        self.image.setOpacity(1.0 if t == 0 else 0.35)
        if on != self.bar_shown:
            self.bar_shown = on
            with keep_range(self.view.panels["forward"].vb):
                if on:
                    self.view.ci.addItem(self.bar, row=1, col=1)
                else:
                    self.view.ci.removeItem(self.bar)

    def clear(self) -> None:
        self.values = None
        self.image.clear()
        self.image.setVisible(False)
