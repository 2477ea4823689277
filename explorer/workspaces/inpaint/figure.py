"""A figure of an inpainting result as the paper shows one: the truth, what the model is
given (holes in the mask colour), posterior samples and the mean, side by side at the
image's own pixels, captioned. Drawn with QPainter on a QImage (no window needed), so the
PNG export and the README figure are the app's own drawing."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter

from .image_tile import to_qimage
from .posterior_export import masked

GAP = 12
CAPTION = 22


def compose(result, truth: np.ndarray | None = None, samples: int = 2, zoom: int = 1,
            title: str = "") -> QImage:
    """One row of panels (zoom× nearest-neighbour) with captions under them."""
    panels: list[tuple[str, np.ndarray]] = []
    if truth is not None:
        panels.append(("truth", truth))
    hole = int(np.asarray(result.missing).sum()) if result.missing is not None else 0
    panels.append((f"observed: {hole} pixels missing", masked(result.observed, result.missing)))
    panels += [(f"posterior sample {i + 1}", s) for i, s in enumerate(result.samples[:samples])]
    panels.append((f"posterior mean of {len(result.samples)}", result.mean))
    h, w = (np.asarray(result.observed).shape[1] * zoom, np.asarray(result.observed).shape[2] * zoom)
    top = CAPTION if title else 0
    out = QImage(len(panels) * (w + GAP) + GAP, top + h + CAPTION + 2 * GAP, QImage.Format_RGB888)
    out.fill(QColor("#ffffff"))
    p = QPainter(out)
    p.setRenderHint(QPainter.SmoothPixmapTransform, False)
    p.setRenderHint(QPainter.TextAntialiasing, True)
    font = QFont()
    font.setPixelSize(14)
    p.setFont(font)
    p.setPen(QColor("#1d2026"))
    if title:
        p.drawText(QRect(GAP, GAP // 2, out.width() - 2 * GAP, CAPTION), Qt.AlignLeft | Qt.AlignVCenter, title)
    for k, (caption, x) in enumerate(panels):
        x0 = GAP + k * (w + GAP)
        p.drawImage(QRect(x0, top + GAP, w, h), to_qimage(np.clip(x, 0.0, 1.0)))
        p.drawText(QRect(x0, top + GAP + h + 2, w, CAPTION), Qt.AlignHCenter | Qt.AlignTop, caption)
    p.end()
    return out
