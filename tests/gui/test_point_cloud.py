"""PointCloud draws what pyqtgraph's ScatterPlotItem draws, both as fragments (few points)
and as one numpy image (many), NaN and far-away points included."""
import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from explorer.workspaces.points import point_cloud


def _render(qtbot, item) -> np.ndarray:
    w = pg.PlotWidget()
    qtbot.addWidget(w)
    w.resize(420, 400)
    w.setRange(xRange=(-3, 3), yRange=(-3, 3), padding=0)
    w.addItem(item, ignoreBounds=True)
    w.show()
    QApplication.processEvents()   # lay out and range the view first
    img = w.grab().toImage().convertToFormat(QImage.Format_ARGB32)
    px = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine() // 4, 4)
    return px[:, :img.width()].astype(int)


@pytest.mark.parametrize("image", [False, True])
def test_point_cloud_matches_scatter_plot_item(qtbot, monkeypatch, image):
    monkeypatch.setattr(point_cloud, "PIXELS_PER_POINT", 10**9 if image else 0)
    xy = np.random.default_rng(0).normal(size=(3000, 2)).astype(np.float32)
    xy[:5] = [np.nan, 0.0], [1e12, 0.0], [3.01, 0.0], [0.0, -3.01], [5.0, 5.0]   # NaN, huge, edges
    scatter = pg.ScatterPlotItem(size=3, pen=None, brush=pg.mkBrush("#4fc3f7"), pxMode=True, hoverable=False)
    ok = np.arange(len(xy)) != 1                  # given a point at 1e12 it draws nothing at all
    scatter.setData(x=xy[ok, 0], y=xy[ok, 1])
    cloud = point_cloud.PointCloud("#4fc3f7", size=3)
    cloud.set_points(xy)
    want, got = _render(qtbot, scatter), _render(qtbot, cloud)
    assert (np.abs(want - want[0, 0]).max(-1) > 0).sum() > 10000      # the points were drawn
    assert np.abs(want - got).max() <= 4
    x, y = cloud.getData()
    np.testing.assert_array_equal(x[5:], xy[5:, 0])
