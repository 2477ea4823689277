"""Small image tiles for (C, H, W) arrays: drawn with nearest-neighbour scaling (a 16×16
image must look like 16×16 pixels, not a blur), square, with a caption underneath. Plain
QPainter on a cached QImage: redrawing a dozen tiles per frame costs well under a ms."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from engine.data.image_io import to_uint8

from ... import theme

_LUTS: dict[str, np.ndarray] = {}


def lut(name: str) -> np.ndarray:
    """(256, 3) uint8 colour table of a pyqtgraph colour map (for std images)."""
    if name not in _LUTS:
        _LUTS[name] = np.asarray(pg.colormap.get(name).getLookupTable(nPts=256, alpha=False), np.uint8)[:, :3]
    return _LUTS[name]


def to_qimage(x: np.ndarray, lo: float = 0.0, hi: float = 1.0, cmap: str | None = None) -> QImage:
    """(C, H, W) or (H, W) floats -> an owned QImage: grey, RGB, or a colour map of one
    channel (mean over channels). Values outside [lo, hi] are clipped; NaN shows as lo."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 3 and (x.shape[0] == 1 or cmap):
        x = x.mean(0)
    v = np.nan_to_num((x - lo) / max(hi - lo, 1e-12), nan=0.0)
    u8 = to_uint8(v)
    if cmap:
        rgb = np.ascontiguousarray(lut(cmap)[u8])
        h, w = u8.shape
        return QImage(rgb.data, w, h, 3 * w, QImage.Format_RGB888).copy()
    if u8.ndim == 2:
        u8 = np.ascontiguousarray(u8)
        h, w = u8.shape
        return QImage(u8.data, w, h, w, QImage.Format_Grayscale8).copy()
    rgb = np.ascontiguousarray(np.moveaxis(u8, 0, -1))
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, 3 * w, QImage.Format_RGB888).copy()


def fit_rect(outer: QRectF, w: int, h: int) -> QRectF:
    """The largest rectangle of aspect w:h centred in `outer`."""
    s = min(outer.width() / max(w, 1), outer.height() / max(h, 1))
    rw, rh = w * s, h * s
    return QRectF(outer.x() + (outer.width() - rw) / 2, outer.y() + (outer.height() - rh) / 2, rw, rh)


class ImageTile(QWidget):
    """One image and its caption. `set_image(None)` shows an empty frame."""

    def __init__(self, caption: str = "", parent=None, minimum: int = 56):
        super().__init__(parent)
        self.caption = caption
        self.image: QImage | None = None
        self.overlay: QImage | None = None
        self.accent: str | None = None
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setMinimumSize(minimum, minimum + 16)

    def sizeHint(self) -> QSize:
        return QSize(96, 112)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, w: int) -> int:
        return w + 16

    def set_image(self, x: np.ndarray | None, lo: float = 0.0, hi: float = 1.0, cmap: str | None = None,
                  caption: str | None = None, overlay: QImage | None = None) -> None:
        self.image = None if x is None else to_qimage(x, lo, hi, cmap)
        self.overlay = overlay
        if caption is not None:
            self.caption = caption
        self.update()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.SmoothPixmapTransform, False)
        box = QRectF(1, 1, self.width() - 2, self.height() - 18)
        if self.image is not None:
            r = fit_rect(box, self.image.width(), self.image.height())
            p.drawImage(r, self.image)
            if self.overlay is not None:
                p.drawImage(r, self.overlay)
        else:
            r = fit_rect(box, 1, 1)
            p.fillRect(r, QColor(theme.BG))
        p.setPen(QPen(QColor(self.accent or "#3a3f4b"), 1))
        p.drawRect(r.adjusted(-0.5, -0.5, 0.5, 0.5))
        p.setPen(QColor(theme.MUTED))
        p.drawText(QRectF(0, self.height() - 16, self.width(), 16), Qt.AlignHCenter | Qt.AlignVCenter,
                   self.caption)
        p.end()
