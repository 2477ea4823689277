"""A figure to a file: PNG at 2× (the view drawn afresh at twice its size, as on a high-DPI
screen, by the recording package's renderer) with its equation and caption typeset
underneath; or a GIF, recorded by explorer/recording/ while the slider steps 0 → T → 0
(or, for inpainting and denoising, while a fresh posterior run draws itself)."""
from __future__ import annotations

import importlib.util

from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage, QPainter, QTextDocument
from PySide6.QtWidgets import QWidget

from .setups import Shown

SCALE = 2.0
GIF_FPS = 8
PAD = 6          # logical pixels around the caption


def caption_html(shown: Shown) -> str:
    return f"<b>{shown.figure.title}</b><br>{shown.figure.equation}<br><small>{shown.figure.caption}</small>"


def figure_image(shown: Shown, scale: float = SCALE) -> QImage:
    """The figure's view at `scale` with the caption below, one image."""
    from ..recording.render import render
    widget = shown.target
    view = render(widget, scale=scale)
    doc = QTextDocument()
    doc.setDefaultFont(widget.font())
    # The caption on the view's own background (a plot's, not the window's: they differ).
    bg = QColor(view.pixel(min(2, view.width() - 1), min(2, view.height() - 1)))
    colour = "#e8e8e8" if bg.lightness() < 128 else "#202020"
    doc.setDefaultStyleSheet(f"body {{ color: {colour}; }}")
    doc.setHtml(f"<body>{caption_html(shown)}</body>")
    doc.setTextWidth(max(widget.width() - 2 * PAD, 50))
    cap_h = int(round((doc.size().height() + 2 * PAD) * scale))
    out = QImage(view.width(), view.height() + cap_h, QImage.Format_RGB32)
    out.fill(bg)
    p = QPainter(out)
    p.drawImage(0, 0, view)
    p.translate(QPointF(PAD * scale, view.height() + PAD * scale))
    p.scale(scale, scale)
    p.setRenderHint(QPainter.TextAntialiasing)
    doc.drawContents(p)
    p.end()
    return out


def save_png(shown: Shown, path: str, scale: float = SCALE) -> bool:
    return figure_image(shown, scale).save(str(path), "PNG")


def gif_available() -> bool:
    """Whether explorer/recording/ (the GIF/MP4 recorder) is installed beside this package."""
    return importlib.util.find_spec(f"{__package__.rsplit('.', 1)[0]}.recording.recorder") is not None


def gif_size(widget: QWidget) -> tuple[int, int]:
    """The view's own size, rounded down to even numbers (an MP4 needs them; GIFs are fine)."""
    return max(16, widget.width() // 2 * 2), max(16, widget.height() // 2 * 2)


def record_gif(shown: Shown, timeline, T: int, path: str, fps: float = GIF_FPS):
    """Start recording; returns the recorder (signals finished(path), failed(line),
    cancelled()). WriterError (one line) for a bad path."""
    from ..recording.plan import frame_ts
    from ..recording.recorder import LiveRecorder, record
    widget = shown.animated
    size = gif_size(widget)
    if shown.live is not None:
        frames, results, is_final, start_run = shown.live
        return LiveRecorder(widget, frames, results, is_final, start_run, path, fps, size, parent=widget).start()
    return record(widget, timeline, path, frame_ts(max(T, 1), "bounce"), fps, size)


__all__ = ["caption_html", "figure_image", "gif_available", "record_gif", "save_png"]
