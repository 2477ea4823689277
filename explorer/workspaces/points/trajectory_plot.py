"""One side of the diffusion view (forward or reverse): the points at step t as one
PointCloud (drawn by numpy: fast at 100k points), with overlays for selected paths, the
drift field, covariance ellipses and a density map. Selected paths are drawn fainter the
more there are (and at most MAX_PATHS of them), so a big lasso reads as a flow, not a
tangle; drift arrows sit above everything with a dark halo and a key giving their scale."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt

from ... import theme
from . import geometry
from .point_cloud import PointCloud
from .select_viewbox import SelectViewBox

E = geometry.VIEW_RANGE
MAX_PATHS = 40          # paths drawn of a selection; the rest are marked at step t only


def path_alpha(k: int) -> int:
    """Opacity of each of k overlapping paths: up to 4 opaque, then fainter as 1/√k (~80
    of 255 at the cap), so where many paths agree reads darker than one stray path."""
    return int(np.clip(255 * np.sqrt(4 / max(k, 1)), 50, 255))


class TrajectoryPlot:
    def __init__(self, layout: pg.GraphicsLayout, row: int, col: int, title: str, colour: str):
        self.vb = SelectViewBox(lockAspect=True)
        self.plot = layout.addPlot(row=row, col=col, viewBox=self.vb)
        theme.cache_axes(theme.plot_style(self.plot, title, grid=False))
        self.plot.setRange(xRange=(-E, E), yRange=(-E, E), padding=0.02)
        self.colour = colour
        self._paths: np.ndarray | None = None
        self.heat = pg.ImageItem()
        self.heat.setLookupTable(pg.colormap.get("inferno").getLookupTable(nPts=256))
        self.heat.setZValue(-10)
        self.heat.setVisible(False)
        self.scatter = PointCloud(colour, size=3)
        self.paths = pg.PlotDataItem(pen=pg.mkPen(theme.SELECT, width=1.2), connect="finite")
        self.paths.setZValue(5)
        self.paths_drawn = 0
        self.chosen = pg.ScatterPlotItem(size=8, pen=pg.mkPen("w", width=1), brush=pg.mkBrush(theme.SELECT),
                                         pxMode=True, hoverable=False)
        self.chosen.setZValue(6)
        # Arrows above the points and paths, on a halo so they read over dense dots.
        self.drift_halo = pg.PlotDataItem(pen=pg.mkPen(theme.HALO, width=3.5), connect="pairs")
        self.drift_halo.setZValue(9)
        self.drift = pg.PlotDataItem(pen=pg.mkPen(theme.DRIFT, width=1.3), connect="pairs")
        self.drift.setZValue(10)
        self.ellipses = pg.PlotDataItem(pen=pg.mkPen(theme.ACCENT, width=1.5), connect="finite")
        self.ellipses.setZValue(11)
        for item in (self.heat, self.scatter, self.paths, self.chosen, self.drift_halo, self.drift, self.ellipses):
            self.plot.addItem(item, ignoreBounds=True)
        # The arrows' scale, pinned to the plot's corner (not to data coordinates).
        self.drift_key = pg.LabelItem("", color=theme.FG, size="8pt", justify="right")
        self.drift_key.setParentItem(self.vb)
        self.drift_key.anchor(itemPos=(1, 1), parentPos=(1, 1), offset=(-4, -4))
        self.drift_key.setZValue(20)
        self.empty = pg.TextItem("", color=theme.MUTED, anchor=(0.5, 0.5))
        self.empty.setPos(0, 0)
        self.plot.addItem(self.empty, ignoreBounds=True)

    def restyle(self) -> None:
        """The theme changed: colours set at creation follow it."""
        self.drift_halo.setPen(pg.mkPen(theme.HALO, width=3.5))
        self.drift.setPen(pg.mkPen(theme.DRIFT, width=1.3))
        self.empty.setColor(theme.MUTED)
        self.drift_key.setText(self.drift_key.text, color=theme.FG)

    # ---- drawing --------------------------------------------------------------------
    def show_points(self, pts: np.ndarray | None, message: str = "") -> None:
        if pts is None:
            self.scatter.clear()
            self.empty.setText(message)
            return
        self.empty.setText("")
        self.scatter.set_points(pts)

    def set_paths(self, paths: np.ndarray | None) -> None:
        """(T+1, k, 2) paths of the selected points (or None): at most MAX_PATHS drawn
        whole (an even subset), each fainter the more there are; all k marked at step t."""
        self._paths = paths
        k = 0 if paths is None else paths.shape[1]
        drawn = paths if k <= MAX_PATHS else paths[:, np.linspace(0, k - 1, MAX_PATHS).astype(int)]
        self.paths_drawn = 0 if drawn is None else drawn.shape[1]
        colour = pg.mkColor(theme.SELECT)
        colour.setAlpha(path_alpha(self.paths_drawn))
        self.paths.setPen(pg.mkPen(colour, width=1.2 if self.paths_drawn <= 12 else 1.0))
        x, y = geometry.paths_xy(drawn)
        self.paths.setData(x, y)
        few = k <= 20          # big white-rimmed markers for a few; small dots for a crowd
        self.chosen.setSize(8 if few else 5)
        self.chosen.setPen(pg.mkPen("w", width=1) if few else None)

    def show_chosen(self, t: int) -> None:
        """Mark where the selected points are at step t."""
        if self._paths is None:
            self.chosen.clear()
        else:
            self.chosen.setData(x=self._paths[t, :, 0], y=self._paths[t, :, 1])

    def show_density(self, pts: np.ndarray | None, on: bool) -> None:
        self.heat.setVisible(on and pts is not None)
        self.scatter.setVisible(not on)
        if on and pts is not None:
            self.heat.setImage(geometry.density(pts) ** 0.6, levels=(0, 1), autoLevels=False)
            self.heat.setRect(QRectF(-E, -E, 2 * E, 2 * E))   # after setImage: it scales by image size

    def show_drift(self, start: np.ndarray | None, vec: np.ndarray | None, max_len: float = 0.3) -> None:
        if start is None or len(start) == 0:
            for item in (self.drift, self.drift_halo):
                item.setData([], [])
            self.drift_key.setText("")
            return
        x, y = geometry.arrow_segments(start, vec, max_len)
        for item in (self.drift_halo, self.drift):
            item.setData(x, y)
        longest = float(np.linalg.norm(vec, axis=1).max(initial=0.0))
        # The key: arrows are scaled so the longest is max_len; say by how much.
        self.drift_key.setText(f"→ f<sub>μ</sub> − x drawn ×{max_len / max(longest, 1e-12):.2g} "
                               f"(longest {longest:.2g})", color=theme.FG)

    def show_ellipses(self, centres: np.ndarray | None, std: np.ndarray | None) -> None:
        if centres is None or len(centres) == 0:
            self.ellipses.setData([], [])
            return
        x, y = geometry.ellipses(centres, std)
        self.ellipses.setData(x, y)


def move_points(scatter: pg.ScatterPlotItem, x: np.ndarray, y: np.ndarray) -> None:
    """Move a scatter's points in place when their number is unchanged. setData restyles
    every point in Python (~150 ms at 100k points); the positions are all that change
    between steps. Relies on ScatterPlotItem's record array `data` (pyqtgraph 0.13-0.14)."""
    d = getattr(scatter, "data", None)
    if d is None or len(d) != len(x) or len(x) == 0 or d.dtype.names is None or "x" not in d.dtype.names:
        scatter.setData(x=x, y=y)
        return
    d["x"], d["y"] = x, y
    scatter.prepareGeometryChange()
    scatter.bounds = [None, None]
    scatter.invalidate()


def make_plot_cursor(vb: SelectViewBox, lasso: bool) -> None:
    vb.lasso_mode = lasso
    for view in vb.scene().views() if vb.scene() else []:
        view.viewport().setCursor(Qt.CrossCursor if lasso else Qt.ArrowCursor)
