"""The painting canvas: a full-size image (up to 512×512) with the inpainting mask drawn
over it, zoomable and pannable. Left drag paints with the current tool (brush, eraser,
rectangle, fill), right drag does the opposite (erases, or fills with known pixels).
Wheel or +/- zoom about the cursor, 0 fits, 1 shows image pixels 1:1; a middle drag, or
a left drag with Space held, pans. All mask logic lives in the Qt-free
mask_model.MaskModel and the mapping in view_transform.ViewTransform; this widget turns
the mouse into image pixels and draws.

The posterior's fill of the hole (x̂₀ as it sharpens, then a sample) can be drawn into
the picture itself, on the missing pixels of the mask it was computed for.

The widget-to-image mapping never changes during a stroke: a resize that arrives mid-drag
(a result re-laying-out the window) is applied when the stroke ends, so the rest of the
stroke lands on the pixels under the cursor (issue 12).

Signals: `painting` while a stroke is under way (the workspace rate-limits live previews
on it), `edited` once per finished edit, `viewChanged` on zoom and pan."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ... import theme
from .image_tile import to_qimage
from .mask_model import MaskModel
from .overlay import fill_image, mask_overlay
from .view_transform import ViewTransform

TOOLS = ("brush", "eraser", "rect", "fill")
WHEEL_STEP = 1.25        # zoom factor per wheel notch and per +/- key
ZOOM_KEYS = {Qt.Key_Plus: WHEEL_STEP, Qt.Key_Equal: WHEEL_STEP, Qt.Key_Minus: 1 / WHEEL_STEP}


class PaintCanvas(QWidget):
    painting = Signal()       # the mask changed mid-stroke
    edited = Signal()         # an edit finished and changed the mask
    viewChanged = Signal()    # zoomed, panned or refitted

    def __init__(self, mask: MaskModel | None = None, parent=None):
        super().__init__(parent)
        self.mask = mask or MaskModel()
        self.view = ViewTransform()
        self.tool = "brush"
        self.size = 3.0              # brush diameter, image pixels
        self.hardness = 0.8
        self.opacity = 0.55
        self.paint_enabled = True
        self._image: QImage | None = None
        self.image_array: np.ndarray | None = None
        self._overlay: QImage | None = None
        self._overlay_key = None
        self._fill: QImage | None = None          # the posterior's fill, window-sized
        self._fill_x: np.ndarray | None = None
        self._fill_key = None
        self._fill_window = None
        self._fill_mask: np.ndarray | None = None
        self._fill_version = 0
        self._hover: QPointF | None = None
        self._rect_from: QPointF | None = None
        self._pan_from: QPointF | None = None
        self._space = False
        self._erasing = False
        self._resize_pending = False
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setMinimumSize(200, 200)
        self.setCursor(Qt.CrossCursor)

    # ---- what is shown ------------------------------------------------------------------
    def set_image(self, image: np.ndarray | None) -> None:
        """(C, H, W) in [0, 1]; a new size resets the mask (and its history), the fill
        and the view (fitted)."""
        self.image_array = None if image is None else np.asarray(image)
        if image is None:
            self._image = None
        else:
            image = np.asarray(image)
            if image.shape[1:] != self.mask.shape:
                self.mask.reset(*image.shape[1:])
                self.set_fill(None)
            if (self.view.iw, self.view.ih) != (image.shape[2], image.shape[1]):
                self.view.resize(self.width(), self.height())
                self.view.set_image(image.shape[2], image.shape[1])
                self.viewChanged.emit()
            self._image = to_qimage(image)
        self.update()

    def set_fill(self, window, x: np.ndarray | None = None, missing: np.ndarray | None = None) -> None:
        """Draw x (C, h, w), the posterior over `window` (y0, y1, x0, x1), on the pixels
        `missing` (H, W) marks; None clears it. Cheap: only the window is converted."""
        if window is None or x is None or missing is None:
            changed = self._fill_x is not None
            self._fill_x, self._fill_window, self._fill_mask = None, None, None
        else:
            changed = self._fill_mask is not missing
            self._fill_x, self._fill_window, self._fill_mask = x, tuple(window), missing
        self._fill_key = None
        if changed:
            self._fill_version += 1
        self.update()

    def fill_picture(self) -> QImage | None:
        """The fill on the pixels still missing now: painted-over or erased pixels show
        the truth until the next result (redone per edit; the window is small)."""
        if self._fill_x is None or self._fill_mask is None or self._fill_mask.shape != self.mask.shape:
            return None
        key = (self._fill_version, self.mask.version)
        if key != self._fill_key:
            y0, y1, x0, x1 = self._fill_window
            keep = self._fill_mask[y0:y1, x0:x1] & self.mask.missing[y0:y1, x0:x1]
            self._fill, self._fill_key = fill_image(self._fill_x, keep), key
        return self._fill

    def set_opacity(self, value: float) -> None:
        self.opacity = float(value)
        self.update()

    def set_tool(self, tool: str) -> None:
        if tool not in TOOLS:
            raise ValueError(f"unknown tool {tool!r}")
        self.tool = tool
        self.update()

    # ---- the mapping --------------------------------------------------------------------
    def image_rect(self) -> QRectF:
        return QRectF(*self.view.rect())

    def to_image(self, pos: QPointF) -> tuple[float, float]:
        """Widget position -> continuous image coordinates (pixel centres at k + 0.5)."""
        return self.view.to_image(pos.x(), pos.y())

    def to_widget(self, x: float, y: float) -> QPointF:
        return QPointF(*self.view.to_widget(x, y))

    def zoom(self, factor: float, anchor: QPointF | None = None) -> None:
        self.view.zoom(factor, *((anchor.x(), anchor.y()) if anchor is not None else (None, None)))
        self._view_moved()

    def fit(self) -> None:
        self.view.fit()
        self._view_moved()

    def actual_size(self) -> None:
        self.view.set_scale(1.0)
        self._view_moved()

    def _view_moved(self) -> None:
        self.viewChanged.emit()
        self.update()

    def _busy(self) -> bool:
        return self.mask.painting or self._rect_from is not None

    def resizeEvent(self, ev) -> None:
        if self._busy():
            self._resize_pending = True     # applied when the stroke ends: the stroke stays put
        else:
            self.view.resize(self.width(), self.height())
            self.viewChanged.emit()
        super().resizeEvent(ev)

    def _stroke_done(self) -> None:
        if self._resize_pending:
            self._resize_pending = False
            self.view.resize(self.width(), self.height())
            self.viewChanged.emit()

    # ---- mouse and keys -----------------------------------------------------------------
    def _panning_press(self, ev) -> bool:
        return ev.button() == Qt.MiddleButton or (ev.button() == Qt.LeftButton and self._space)

    def mousePressEvent(self, ev) -> None:
        if self._panning_press(ev) and not self._busy():
            self._pan_from = ev.position()
            self.setCursor(Qt.ClosedHandCursor)
            return ev.accept()
        if not self.paint_enabled or ev.button() not in (Qt.LeftButton, Qt.RightButton) or self._busy():
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
        if self._pan_from is not None:
            d = ev.position() - self._pan_from
            self._pan_from = ev.position()
            self.view.pan(d.x(), d.y())
            self._view_moved()
            return
        self._hover = ev.position()
        if self.mask.painting:
            self.mask.stroke_to(*self.to_image(ev.position()))
            self.painting.emit()
        self.update()

    def mouseReleaseEvent(self, ev) -> None:
        if self._pan_from is not None and (ev.button() == Qt.MiddleButton or ev.button() == Qt.LeftButton):
            self._pan_from = None
            self.setCursor(Qt.OpenHandCursor if self._space else Qt.CrossCursor)
            return
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
        self._stroke_done()
        self.update()
        if changed:
            self.edited.emit()

    def wheelEvent(self, ev) -> None:
        notches = ev.angleDelta().y() / 120.0
        if notches:
            self.zoom(WHEEL_STEP ** notches, ev.position())
        ev.accept()

    def event(self, ev) -> bool:
        # Space pans while the canvas has the focus; elsewhere it stays the window's
        # play/pause shortcut (accepting the override keeps the shortcut from firing).
        if ev.type() == QEvent.ShortcutOverride and ev.key() in (Qt.Key_Space, *ZOOM_KEYS, Qt.Key_0, Qt.Key_1):
            ev.accept()
            return True
        return super().event(ev)

    def keyPressEvent(self, ev) -> None:
        key = ev.key()
        if key == Qt.Key_Space:
            if not ev.isAutoRepeat():
                self._space = True
                self.setCursor(Qt.OpenHandCursor)
        elif key in ZOOM_KEYS:
            self.zoom(ZOOM_KEYS[key], self._hover)
        elif key == Qt.Key_0:
            self.fit()
        elif key == Qt.Key_1:
            self.actual_size()
        else:
            super().keyPressEvent(ev)

    def keyReleaseEvent(self, ev) -> None:
        if ev.key() == Qt.Key_Space and not ev.isAutoRepeat():
            self._space = False
            if self._pan_from is None:
                self.setCursor(Qt.CrossCursor)
        else:
            super().keyReleaseEvent(ev)

    def leaveEvent(self, ev) -> None:
        self._hover = None
        self.update()

    # ---- drawing ------------------------------------------------------------------------
    def _draw(self, p: QPainter, image: QImage, x0: int, x1: int, y0: int, y1: int, origin=(0, 0)) -> None:
        """The part of `image` (placed at image pixel `origin`) covering image pixels
        [x0, x1) × [y0, y1): zoomed in far, only the visible pixels are scaled."""
        ox, oy = origin
        a, b = self.view.to_widget(x0, y0), self.view.to_widget(x1, y1)
        p.drawImage(QRectF(a[0], a[1], b[0] - a[0], b[1] - a[1]), image, QRectF(x0 - ox, y0 - oy, x1 - x0, y1 - y0))

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(theme.BG))
        p.setRenderHint(QPainter.SmoothPixmapTransform, False)
        x0, x1, y0, y1 = self.view.visible()
        if self._image is not None and x1 > x0 and y1 > y0:
            self._draw(p, self._image, x0, x1, y0, y1)
            fill = self.fill_picture()
            if fill is not None:
                fy0, fy1, fx0, fx1 = self._fill_window
                a0, a1, b0, b1 = max(x0, fx0), min(x1, fx1), max(y0, fy0), min(y1, fy1)
                if a1 > a0 and b1 > b0:
                    self._draw(p, fill, a0, a1, b0, b1, origin=(fx0, fy0))
            if self.opacity > 0:
                key = (self.mask.version, self.opacity, self._fill_version)
                if key != self._overlay_key:
                    covered = None if self._fill_mask is None or self._fill_mask.shape != self.mask.shape \
                        else self._fill_mask
                    self._overlay, self._overlay_key = mask_overlay(self.mask.alpha, self.opacity, covered), key
                self._draw(p, self._overlay, x0, x1, y0, y1)
            self._grid(p, x0, x1, y0, y1)
        r = self.image_rect()
        p.setPen(QPen(QColor("#3a3f4b"), 1))
        p.drawRect(r.adjusted(-0.5, -0.5, 0.5, 0.5))
        p.setRenderHint(QPainter.Antialiasing, True)
        if self._rect_from is not None and self._hover is not None:
            a = self.to_widget(self._rect_from.x(), self._rect_from.y())
            p.setPen(QPen(QColor(theme.FG), 1, Qt.DashLine))
            p.drawRect(QRectF(a, self._hover).normalized())
        elif self._hover is not None and self.paint_enabled and self.tool in ("brush", "eraser") \
                and self._pan_from is None and not self._space:
            rad = self.size / 2 * self.view.scale
            p.setPen(QPen(QColor(theme.FG if self.tool == "brush" else theme.FORWARD), 1))
            p.drawEllipse(self._hover, rad, rad)
            if self.hardness < 1:
                p.setPen(QPen(QColor(255, 255, 255, 70), 1, Qt.DotLine))
                p.drawEllipse(self._hover, rad * self.hardness, rad * self.hardness)
        p.end()

    def _grid(self, p: QPainter, x0: int, x1: int, y0: int, y1: int) -> None:
        """A faint pixel grid once pixels are big enough to tell apart: the mask is per pixel."""
        if self.view.scale < 10:
            return
        p.setPen(QPen(QColor(255, 255, 255, 18), 1))
        top, bottom = self.view.to_widget(0, y0)[1], self.view.to_widget(0, y1)[1]
        left, right = self.view.to_widget(x0, 0)[0], self.view.to_widget(x1, 0)[0]
        for k in range(max(x0, 1), x1):
            x = self.view.to_widget(k, 0)[0]
            p.drawLine(QPointF(x, top), QPointF(x, bottom))
        for k in range(max(y0, 1), y1):
            y = self.view.to_widget(0, k)[1]
            p.drawLine(QPointF(left, y), QPointF(right, y))
