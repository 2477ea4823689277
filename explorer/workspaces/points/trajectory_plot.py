"""One side of the diffusion view (forward or reverse): the points at step t as one
PointCloud (drawn by numpy: fast at 100k points), with overlays for selected paths, the
drift field, covariance ellipses and a density map."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt

from ... import theme
from . import geometry
from .point_cloud import PointCloud
from .select_viewbox import SelectViewBox

E = geometry.VIEW_RANGE


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
        self.chosen = pg.ScatterPlotItem(size=8, pen=pg.mkPen("w", width=1), brush=pg.mkBrush(theme.SELECT),
                                         pxMode=True, hoverable=False)
        self.chosen.setZValue(6)
        self.drift = pg.PlotDataItem(pen=pg.mkPen(theme.DRIFT, width=1), connect="pairs")
        self.drift.setZValue(7)
        self.ellipses = pg.PlotDataItem(pen=pg.mkPen(theme.ACCENT, width=1.5), connect="finite")
        self.ellipses.setZValue(8)
        for item in (self.heat, self.scatter, self.paths, self.chosen, self.drift, self.ellipses):
            self.plot.addItem(item, ignoreBounds=True)
        self.empty = pg.TextItem("", color=theme.MUTED, anchor=(0.5, 0.5))
        self.empty.setPos(0, 0)
        self.plot.addItem(self.empty, ignoreBounds=True)

    # ---- drawing --------------------------------------------------------------------
    def show_points(self, pts: np.ndarray | None, message: str = "") -> None:
        if pts is None:
            self.scatter.clear()
            self.empty.setText(message)
            return
        self.empty.setText("")
        self.scatter.set_points(pts)

    def set_paths(self, paths: np.ndarray | None) -> None:
        """(T+1, k, 2) paths of the selected points (or None): drawn whole, kept for show_chosen."""
        self._paths = paths
        x, y = geometry.paths_xy(paths)
        self.paths.setData(x, y)

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
            self.drift.setData([], [])
            return
        x, y = geometry.arrow_segments(start, vec, max_len)
        self.drift.setData(x, y)

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
