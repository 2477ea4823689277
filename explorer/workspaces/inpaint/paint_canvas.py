"""The painting canvas: the image, big, with the inpainting mask drawn over it. Left drag
paints with the current tool (brush, eraser, rectangle, fill), right drag does the
opposite (erases, or fills with known pixels). All mask logic lives in the Qt-free
mask_model.MaskModel; this widget only maps the mouse to image pixels and draws.

Signals: `painting` while a stroke is under way (the workspace rate-limits live previews
on it), `edited` once per finished edit (stroke end, rectangle, fill)."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ... import theme
from .mask_model import THRESHOLD, MaskModel
from .image_tile import fit_rect, to_qimage

TOOLS = ("brush", "eraser", "rect", "fill")
MASK_COLOUR = QColor(theme.SELECT)


def mask_overlay(alpha: np.ndarray, opacity: float) -> QImage:
    """RGBA overlay: missing pixels at `opacity`, a soft brush's sub-threshold halo fainter."""
    a = np.where(alpha >= THRESHOLD, opacity, alpha * opacity * 0.6)
    h, w = alpha.shape
    rgba = np.empty((h, w, 4), np.uint8)
    rgba[..., 0], rgba[..., 1], rgba[..., 2] = MASK_COLOUR.red(), MASK_COLOUR.green(), MASK_COLOUR.blue()
    rgba[..., 3] = np.clip(a * 255, 0, 255).astype(np.uint8)
    return QImage(np.ascontiguousarray(rgba).data, w, h, 4 * w, QImage.Format_RGBA8888).copy()


class PaintCanvas(QWidget):
    painting = Signal()       # the mask changed mid-stroke
    edited = Signal()         # an edit finished and changed the mask

    def __init__(self, mask: MaskModel | None = None, parent=None):
        super().__init__(parent)
        self.mask = mask or MaskModel()
        self.tool = "brush"
        self.size = 3.0              # brush diameter, image pixels
        self.hardness = 0.8
        self.opacity = 0.55
        self.paint_enabled = True
        self._image: QImage | None = None
        self.image_array: np.ndarray | None = None
        self._overlay: QImage | None = None
        self._overlay_key = None
        self._hover: QPointF | None = None
        self._rect_from: QPointF | None = None
        self._erasing = False
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setMinimumSize(220, 220)
        self.setCursor(Qt.CrossCursor)

    # ---- what is shown ------------------------------------------------------------------
    def set_image(self, image: np.ndarray | None) -> None:
        """(C, H, W) in [0, 1]; a new size resets the mask (and its history)."""
        self.image_array = None if image is None else np.asarray(image)
        if image is None:
            self._image = None
        else:
            image = np.asarray(image)
            if image.shape[1:] != self.mask.shape:
                self.mask.reset(*image.shape[1:])
            self._image = to_qimage(image)
        self.update()

    def set_opacity(self, value: float) -> None:
        self.opacity = float(value)
        self.update()

    def set_tool(self, tool: str) -> None:
        if tool not in TOOLS:
            raise ValueError(f"unknown tool {tool!r}")
        self.tool = tool
        self.update()

    def image_rect(self) -> QRectF:
        return fit_rect(QRectF(self.rect()).adjusted(6, 6, -6, -6), self.mask.w, self.mask.h)

    def to_image(self, pos: QPointF) -> tuple[float, float]:
        """Widget position -> continuous image coordinates (pixel centres at k + 0.5)."""
        r = self.image_rect()
        return ((pos.x() - r.x()) / r.width() * self.mask.w, (pos.y() - r.y()) / r.height() * self.mask.h)

    def to_widget(self, x: float, y: float) -> QPointF:
        r = self.image_rect()
        return QPointF(r.x() + x / self.mask.w * r.width(), r.y() + y / self.mask.h * r.height())

    # ---- mouse --------------------------------------------------------------------------
    def mousePressEvent(self, ev) -> None:
        if not self.paint_enabled or ev.button() not in (Qt.LeftButton, Qt.RightButton):
            return super().mousePressEvent(ev)
        ev.accept()
        x, y = self.to_image(ev.position())
        self._erasing = ev.button() == Qt.RightButton
        if self.tool in ("brush", "eraser"):
            erase = (self.tool == "eraser") != self._erasing
            self.mask.begin_stroke(x, y, self.size, self.hardness, erase=erase)
            self.painting.emit()
        elif self.tool == "rect":
            self._rect_from = QPointF(x, y)
        elif self.tool == "fill" and self.mask.fill(x, y, erase=self._erasing):
            self.edited.emit()
        self.update()

    def mouseMoveEvent(self, ev) -> None:
        self._hover = ev.position()
        if self.mask.painting:
            self.mask.stroke_to(*self.to_image(ev.position()))
            self.painting.emit()
        self.update()

    def mouseReleaseEvent(self, ev) -> None:
        if ev.button() not in (Qt.LeftButton, Qt.RightButton):
            return super().mouseReleaseEvent(ev)
        x, y = self.to_image(ev.position())
        changed = False
        if self.mask.painting:
            self.mask.stroke_to(x, y)
            changed = self.mask.end_stroke()
        elif self._rect_from is not None:
            changed = self.mask.rectangle(self._rect_from.x(), self._rect_from.y(), x, y, erase=self._erasing)
            self._rect_from = None
        self.update()
        if changed:
            self.edited.emit()

    def leaveEvent(self, ev) -> None:
        self._hover = None
        self.update()

    # ---- drawing ------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(theme.BG))
        r = self.image_rect()
        p.setRenderHint(QPainter.SmoothPixmapTransform, False)
        if self._image is not None:
            p.drawImage(r, self._image)
        key = (self.mask.version, self.opacity)
        if key != self._overlay_key:
            self._overlay, self._overlay_key = mask_overlay(self.mask.alpha, self.opacity), key
        if self.opacity > 0:
            p.drawImage(r, self._overlay)
        cell = r.width() / max(self.mask.w, 1)
        if cell >= 10:      # a faint pixel grid: the mask is per pixel, so show the pixels
            p.setPen(QPen(QColor(255, 255, 255, 18), 1))
            for k in range(1, self.mask.w):
                p.drawLine(QPointF(r.x() + k * cell, r.top()), QPointF(r.x() + k * cell, r.bottom()))
            for k in range(1, self.mask.h):
                y = r.y() + k * r.height() / self.mask.h
                p.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))
        p.setPen(QPen(QColor("#3a3f4b"), 1))
        p.drawRect(r.adjusted(-0.5, -0.5, 0.5, 0.5))
        p.setRenderHint(QPainter.Antialiasing, True)
        if self._rect_from is not None and self._hover is not None:
            a = self.to_widget(self._rect_from.x(), self._rect_from.y())
            p.setPen(QPen(QColor(theme.FG), 1, Qt.DashLine))
            p.drawRect(QRectF(a, self._hover).normalized())
        elif self._hover is not None and self.paint_enabled and self.tool in ("brush", "eraser"):
            rad = self.size / 2 * cell
            p.setPen(QPen(QColor(theme.FG if self.tool == "brush" else theme.FORWARD), 1))
            p.drawEllipse(self._hover, rad, rad)
            if self.hardness < 1:
                p.setPen(QPen(QColor(255, 255, 255, 70), 1, Qt.DotLine))
                p.drawEllipse(self._hover, rad * self.hardness, rad * self.hardness)
        p.end()
