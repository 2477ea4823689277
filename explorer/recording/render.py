"""A widget drawn into an image of any pixel size: Qt renders it at a device-pixel ratio
(as on a high-DPI screen), so plots, points and text are drawn afresh at that size rather
than a screenshot scaled up; a frame whose shape differs from the widget's is letterboxed
in the widget's background colour. The numpy frame is a copy (the QImage's memory is Qt's)."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QSize
from PySide6.QtGui import QImage, QRegion
from PySide6.QtWidgets import QWidget


def render(widget: QWidget, size: tuple[int, int] | None = None, scale: float | None = None) -> QImage:
    """The widget as it is now, drawn into a QImage of `size` (W, H) pixels (default: its
    own size times `scale`, default 1). Its layout stays the one on screen; only the
    drawing is scaled, by min(W/w, H/h), and centred."""
    w, h = max(widget.width(), 1), max(widget.height(), 1)
    if size is None:
        s = float(scale or 1.0)
        size = (max(1, round(w * s)), max(1, round(h * s)))
    W, H = int(size[0]), int(size[1])
    s = min(W / w, H / h)
    img = QImage(QSize(W, H), QImage.Format_RGB32)
    img.fill(widget.palette().window().color())
    img.setDevicePixelRatio(s)
    # Offsets in the image's logical (device-independent) pixels: centre the widget.
    offset = QPoint(int((W / s - w) / 2), int((H / s - h) / 2))
    # QWidget's render (a QGraphicsView overrides the name with a scene renderer).
    QWidget.render(widget, img, offset, QRegion(), QWidget.RenderFlag.DrawWindowBackground |
                   QWidget.RenderFlag.DrawChildren)
    img.setDevicePixelRatio(1.0)
    return img


def to_array(img: QImage) -> np.ndarray:
    """(H, W, 3) uint8 RGB, copied out of the image."""
    rgb = img.convertToFormat(QImage.Format_RGB888)
    h, w, stride = rgb.height(), rgb.width(), rgb.bytesPerLine()
    buf = np.frombuffer(rgb.constBits(), np.uint8, count=stride * h).reshape(h, stride)
    return buf[:, :w * 3].reshape(h, w, 3).copy()


def frame(widget: QWidget, size: tuple[int, int]) -> np.ndarray:
    """One recording frame: the widget at `size` (W, H) as (H, W, 3) uint8."""
    return to_array(render(widget, size))


def save_png(widget: QWidget, path: str, scale: float = 2.0) -> bool:
    """The widget as a PNG at `scale` times its size on screen (2×: crisp on slides)."""
    return render(widget, scale=scale).save(str(path), "PNG")
