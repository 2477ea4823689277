"""Small image tiles for (C, H, W) arrays: drawn with nearest-neighbour scaling (a 16×16
image must look like 16×16 pixels, not a blur), with a caption underneath. A tile can show
a window of a bigger image (the region around the hole) while keeping the whole image for
the enlarged view a click opens. Only the window is converted to a QImage: a dozen tiles
of a 512×512 result stay well under a millisecond each.

Tiles never change their size hint with what they show, so a result arriving mid-stroke
cannot re-lay-out the window (issue 12: the canvas shrank when the first preview came)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from engine.data.image_io import to_uint8

from ... import theme
from .overlay import mask_overlay

_LUTS: dict[str, np.ndarray] = {}
CAPTION = 13           # pixels under the picture for the caption


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


def crop(x: np.ndarray | None, window) -> np.ndarray | None:
    """x[..., y0:y1, x0:x1], or x itself without a window."""
    if x is None or window is None:
        return x
    y0, y1, x0, x1 = window
    return x[..., y0:y1, x0:x1]


class ImageTile(QWidget):
    """One image and its caption. `set_image(None)` shows an empty frame; `blank` shows
    nothing at all (a slot beyond the samples asked for). Pictures are converted when
    drawn, only as finely as the tile shows them (every k-th pixel of a big image), so a
    tile that is hidden or small costs nothing: denoising streams whole 512×512 frames."""
    clicked = Signal(object)      # this tile, when it holds a picture

    def __init__(self, caption: str = "", parent=None, minimum: int = 18):
        super().__init__(parent)
        self.caption = caption
        self.title = ""           # the enlarged view's title (default: the caption)
        self.accent: str | None = None
        self.blank = False
        self.source: dict | None = None       # the whole picture, for the enlarged view
        self._shown: tuple | None = None      # (k, QImage, overlay) last drawn
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Ignored)
        self.setMinimumSize(minimum, minimum + CAPTION)

    def sizeHint(self) -> QSize:
        return QSize(96, 96 + CAPTION)

    def set_image(self, x: np.ndarray | None, lo: float = 0.0, hi: float = 1.0, cmap: str | None = None,
                  caption: str | None = None, mask: np.ndarray | None = None, window=None) -> None:
        """Show `x` (C, H, W), or only its `window` (y0, y1, x0, x1) when given; `mask`
        (H, W) bool is drawn over it in the mask colour. x is kept, not copied (the
        enlarged view shows all of it): the caller must not change it afterwards."""
        self.source = None if x is None else {"x": x, "lo": lo, "hi": hi, "cmap": cmap, "mask": mask,
                                              "window": window}
        self._shown = None
        if caption is not None:
            self.caption = caption
        self.setCursor(Qt.PointingHandCursor if x is not None else Qt.ArrowCursor)
        self.update()

    @property
    def shape(self) -> tuple[int, int] | None:
        """(h, w) of the part shown, in image pixels."""
        if self.source is None:
            return None
        return crop(self.source["x"], self.source["window"]).shape[-2:]

    def _stride(self) -> int:
        """Show every k-th pixel: about two image pixels per screen pixel at most."""
        h, w = self.shape
        r = self.picture_rect()
        return max(1, int(min(h / max(r.height(), 1.0), w / max(r.width(), 1.0)) / 2))

    def pictures(self) -> tuple[QImage, QImage | None] | None:
        """(the picture, the mask over it) as drawn now, converted if the size asks for it."""
        if self.source is None:
            return None
        k = self._stride()
        if self._shown is None or self._shown[0] != k:
            s = self.source
            part = crop(s["x"], s["window"])[..., ::k, ::k]
            mask = crop(s["mask"], s["window"])
            over = None if mask is None else mask_overlay(mask[::k, ::k].astype(np.float32), 0.75)
            self._shown = (k, to_qimage(part, s["lo"], s["hi"], s["cmap"]), over)
        return self._shown[1], self._shown[2]

    @property
    def image(self) -> QImage | None:
        shown = self.pictures()
        return None if shown is None else shown[0]

    def set_blank(self, blank: bool) -> None:
        if blank != self.blank:
            self.blank = blank
            self.update()

    def mouseReleaseEvent(self, ev) -> None:
        if ev.button() == Qt.LeftButton and self.source is not None and not self.blank \
                and self.rect().contains(ev.position().toPoint()):
            self.clicked.emit(self)
        super().mouseReleaseEvent(ev)

    def picture_rect(self) -> QRectF:
        box = QRectF(1, 1, self.width() - 2, self.height() - CAPTION - 2)
        if self.source is None:
            return fit_rect(box, 1, 1)
        h, w = self.shape
        return fit_rect(box, w, h)

    def paintEvent(self, event) -> None:
        if self.blank:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.SmoothPixmapTransform, False)
        r = self.picture_rect()
        shown = self.pictures()
        if shown is not None:
            p.drawImage(r, shown[0])
            if shown[1] is not None:
                p.drawImage(r, shown[1])
        else:
            p.fillRect(r, QColor(theme.BG))
        p.setPen(QPen(QColor(self.accent or "#3a3f4b"), 1))
        p.drawRect(r.adjusted(-0.5, -0.5, 0.5, 0.5))
        p.setPen(QColor(theme.MUTED))
        font = p.font()
        font.setPointSizeF(font.pointSizeF() * 0.85)
        p.setFont(font)
        p.drawText(QRectF(0, self.height() - CAPTION, self.width(), CAPTION), Qt.AlignHCenter | Qt.AlignVCenter,
                   p.fontMetrics().elidedText(self.caption, Qt.ElideRight, max(self.width(), 1)))
        p.end()
