"""A result enlarged: a click on a tile opens its whole picture big, pixel for pixel
(issue 12: ~55 px thumbnails could not be looked at closely). One non-modal window is
reused, so clicking through the samples swaps the picture instead of piling up windows;
the window sampled around the hole is outlined."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout

from ... import theme
from .image_tile import ImageTile


class _BigTile(ImageTile):
    """An ImageTile that also outlines a window (y0, y1, x0, x1) of its picture."""
    outline = None

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.outline is None or self.source is None:
            return
        r = self.picture_rect()
        h, w = self.shape
        sx, sy = r.width() / w, r.height() / h
        y0, y1, x0, x1 = self.outline
        p = QPainter(self)
        p.setPen(QPen(QColor(theme.REVERSE), 1, Qt.DashLine))
        p.drawRect(QRectF(r.x() + x0 * sx, r.y() + y0 * sy, (x1 - x0) * sx, (y1 - y0) * sy))
        p.end()


class EnlargedView(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Result")
        self.setModal(False)
        self.tile = _BigTile(minimum=256)
        self.note = theme.muted(QLabel(), small=True)
        self.note.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tile, 1)
        lay.addWidget(self.note)
        self.resize(560, 600)

    def show_tile(self, tile: ImageTile) -> None:
        """The whole picture behind `tile` (not only the window the tile shows)."""
        src = tile.source
        if src is None:
            return
        x = src["x"]
        title = tile.title or tile.caption
        self.tile.set_image(x, src["lo"], src["hi"], src["cmap"], caption=title, mask=src["mask"])
        self.tile.outline = src["window"]
        h, w = x.shape[-2:]
        around = " · dashed: the window sampled around the hole" if src["window"] is not None else ""
        self.note.setText(f"{title}: {w}×{h} pixels, nearest-neighbour{around}")
        self.setWindowTitle(title)
        self.show()
        self.raise_()
