"""Many same-coloured dots, as fast as their number allows. pyqtgraph's ScatterPlotItem
draws each point as a pixmap fragment (~80 ns a point in Qt's raster engine) after ~5 ms
of Python a paint at 100k points: ~30 ms a frame for two plots. Here few points are drawn
as fragments too, without that Python; many are drawn by numpy into one image: each point
adds one to a pixel grid and the dot is stamped by summing shifted copies of the grid
(~3 ms a plot, almost whatever the number of points). Both draw the dot ScatterPlotItem
draws (pyqtgraph's renderSymbol, anti-aliased), overlapping dots blending as they do when
drawn one over another: the pixels match ScatterPlotItem's to within 4/255."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.ScatterPlotItem import renderSymbol
from pyqtgraph.Qt.internals import PrimitiveArray
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter, QPixmap

# Draw an image once the points outnumber the view's pixels / 8: a pixel of the image costs
# about what 1/8 of a fragment does (equal at ~40k points on a 570 x 550 pixel view).
PIXELS_PER_POINT = 8


def render_dot(size: float, brush, dpr: float = 1.0) -> tuple[QPixmap, np.ndarray]:
    """The dot ScatterPlotItem would draw, as a pixmap and as a (h, w) array of alphas in [0, 1]."""
    img = renderSymbol("o", size, pg.mkPen(None), brush, dpr=dpr)
    img = img.convertToFormat(QImage.Format_ARGB32_Premultiplied)
    px = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine() // 4, 4)
    return QPixmap.fromImage(img), px[:, :img.width(), 3] / 255.0   # bytes B, G, R, A (little-endian)


def coverage(px: np.ndarray, py: np.ndarray, dot: np.ndarray, width: int, height: int) -> np.ndarray:
    """Alpha in [0, 1] of an (height, width) image where a dot is centred at each (px, py),
    in pixels; points outside, or NaN, draw nothing."""
    kh, kw = dot.shape
    # The dot's top-left pixel, rounded the way Qt places a pixmap at a fractional position.
    x0 = np.floor(px - kw / 2 + 0.5)
    y0 = np.floor(py - kh / 2 + 0.5)
    ok = (x0 > -kw) & (x0 < width) & (y0 > -kh) & (y0 < height)
    gw, gh = width + kw - 1, height + kh - 1            # every corner whose dot touches the image
    cell = (y0[ok].astype(np.intp) + kh - 1) * gw + (x0[ok].astype(np.intp) + kw - 1)
    counts = np.bincount(cell, minlength=gw * gh).astype(np.int32).reshape(gh, gw)
    # n dots of alpha a over a pixel leave (1 - a)^n of what is under them; group the
    # dot's pixels by alpha so each level costs one table look-up.
    clear = np.ones((height, width), np.float32)
    for a in np.unique(dot[dot > 0]):
        n = sum(counts[kh - 1 - i: kh - 1 - i + height, kw - 1 - j: kw - 1 - j + width]
                for i, j in zip(*np.nonzero(dot == a)))
        clear *= ((1.0 - a) ** np.arange(n.max() + 1)).astype(np.float32)[n]
    return 1.0 - clear


class PointCloud(pg.GraphicsObject):
    """Same-coloured dots of a fixed size in pixels (pxMode), for many points. Add it with
    ignoreBounds=True: it reports the view's rectangle as its bounds, not the data's."""

    def __init__(self, colour, size: float = 3.0):
        super().__init__()
        self.brush = pg.mkBrush(colour)
        self.size = size
        self.xy = np.zeros((0, 2), np.float32)
        self._dots: dict[float, tuple] = {}                # device pixel ratio -> render_dot(...)
        self._frags = PrimitiveArray(QPainter.PixmapFragment, 10)   # pyqtgraph's zero-copy array
        c = self.brush.color()
        rgb = np.array([c.red(), c.green(), c.blue()], np.uint32)
        a = np.arange(256, dtype=np.uint32)                # premultiplied ARGB for each alpha
        self._argb = (a << 24) | ((a * rgb[0] + 127) // 255 << 16) | ((a * rgb[1] + 127) // 255 << 8) \
            | ((a * rgb[2] + 127) // 255)

    # ---- data (the part of ScatterPlotItem's API the views use) --------------------------
    def set_points(self, xy: np.ndarray) -> None:
        """(n, 2) points; kept by reference (the trajectory frames are never modified)."""
        self.xy = xy
        self.update()

    def getData(self) -> tuple[np.ndarray, np.ndarray]:
        return self.xy[:, 0], self.xy[:, 1]

    def clear(self) -> None:
        self.set_points(np.zeros((0, 2), np.float32))

    def setSize(self, size: float) -> None:
        self.size = size
        self._dots.clear()
        self.update()

    # ---- QGraphicsItem --------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        vr = self.viewRect()
        return QRectF() if vr is None else vr

    def viewTransformChanged(self) -> None:
        self.prepareGeometryChange()        # the view's rectangle is the bounding rect
        super().viewTransformChanged()

    def paint(self, p, *args) -> None:
        vr = self.viewRect()
        if vr is None or len(self.xy) == 0:
            return
        tr = p.transform()
        pad = int(self.size) + 2           # so dots centred just outside still show their edge
        area = tr.mapRect(vr).toAlignedRect().adjusted(-pad, -pad, pad, pad)   # widget pixels
        dpr = p.device().devicePixelRatioF()
        w, h = round(area.width() * dpr), round(area.height() * dpr)         # device pixels
        if w <= 0 or h <= 0:
            return
        if dpr not in self._dots:
            self._dots[dpr] = render_dot(self.size, self.brush, dpr)
        pixmap, dot = self._dots[dpr]
        x, y = self.xy[:, 0], self.xy[:, 1]
        px = x * tr.m11() + y * tr.m21() + (tr.m31() - area.left())
        py = x * tr.m12() + y * tr.m22() + (tr.m32() - area.top())
        p.resetTransform()
        p.translate(area.topLeft())
        if len(px) * PIXELS_PER_POINT < w * h:
            self._draw_fragments(p, px, py, pixmap, dpr, area.width(), area.height())
        else:
            alpha = np.rint(coverage(px * dpr, py * dpr, dot, w, h) * 255).astype(np.uint8)
            pixels = self._argb[alpha]
            img = QImage(pixels.data, w, h, w * 4, QImage.Format_ARGB32_Premultiplied)
            img.setDevicePixelRatio(dpr)
            p.drawImage(0, 0, img)

    def _draw_fragments(self, p, px, py, pixmap, dpr, w, h) -> None:
        """What ScatterPlotItem does for one symbol: a pixmap fragment a visible point."""
        ok = (px >= 0) & (px <= w) & (py >= 0) & (py <= h)   # also drops NaN and the huge
        self._frags.resize(int(ok.sum()))                    # coordinates that crash Qt
        f = self._frags.ndarray()
        f[:, 0], f[:, 1] = px[ok], py[ok]                    # the dot's centre
        f[:, 2:6] = (0, 0, pixmap.width(), pixmap.height())  # source rectangle
        f[:, 6:10] = (1 / dpr, 1 / dpr, 0.0, 1.0)            # scale x, y, rotation, opacity
        p.drawPixmapFragments(*self._frags.drawargs(), pixmap)
