"""Grids of small images that follow the timestep slider. A whole trajectory is turned
into 8-bit grids once, when it arrives (all t at once), so moving the slider only swaps
which prepared grid an ImageItem shows: scrubbing stays smooth at any T."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

from .. import theme

GAP = 1            # pixels of background between cells
GAP_VALUE = 24     # the gap's grey (a dark line that separates cells without shouting)


def to_display(x: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """Standardised (..., C, H, W) -> raw [0, 1], clipped, as 8-bit (..., H, W, C).
    NaN (nothing predicted yet) shows as black."""
    raw = np.asarray(x, np.float64) * np.asarray(std) + np.asarray(mean)
    raw = np.nan_to_num(np.clip(raw, 0.0, 1.0), nan=0.0)
    return np.moveaxis(np.floor(raw * 255.999).astype(np.uint8), -3, -1)


def grid_shape(n: int) -> tuple[int, int]:
    """(rows, cols) for n cells, as square as can be, wider than tall."""
    cols = max(1, math.ceil(math.sqrt(n)))
    return max(1, math.ceil(n / cols)), cols


def tile(cells: np.ndarray, cols: int | None = None) -> np.ndarray:
    """(..., n, H, W, C) uint8 -> (..., rows·(H+GAP)−GAP, cols·(W+GAP)−GAP, C) with gaps."""
    *lead, n, H, W, C = cells.shape
    rows, cols = grid_shape(n) if cols is None else (math.ceil(n / cols), cols)
    out = np.full((*lead, rows * (H + GAP) - GAP, cols * (W + GAP) - GAP, C), GAP_VALUE, np.uint8)
    for i in range(n):
        r, c = divmod(i, cols)
        out[..., r * (H + GAP):r * (H + GAP) + H, c * (W + GAP):c * (W + GAP) + W, :] = cells[..., i, :, :, :]
    return out


def cell(grid: np.ndarray, i: int, H: int, W: int, cols: int) -> np.ndarray:
    """Cell i (H, W, C) of a tiled grid: what the view shows for image i."""
    r, c = divmod(i, cols)
    return grid[r * (H + GAP):r * (H + GAP) + H, c * (W + GAP):c * (W + GAP) + W]


class ImagePanel:
    """A titled, aspect-locked view of one image (a grid or a single picture) in a
    GraphicsLayout; frames are prepared (T+1, h, w, C) uint8 stacks indexed by t."""

    def __init__(self, layout: pg.GraphicsLayout, row: int, col: int, title: str):
        self.label = layout.addLabel(title, row=row, col=col, color=theme.FG, size="10pt")
        self.vb = layout.addViewBox(row=row + 1, col=col, lockAspect=True, enableMouse=False, invertY=True)
        self.vb.setMenuEnabled(False)
        self.vb.setBackgroundColor(theme.BG)
        self.item = pg.ImageItem(axisOrder="row-major")
        self.item.setAutoDownsample(False)
        self.vb.addItem(self.item)
        self.frames: np.ndarray | None = None
        self.placeholder = pg.TextItem("", color=theme.MUTED, anchor=(0.5, 0.5))
        self.vb.addItem(self.placeholder, ignoreBounds=True)
        self._shape = None

    def set_frames(self, frames: np.ndarray | None, t: int, note: str = "") -> None:
        # Frame every new set afresh: set_frames(None) zooms to the placeholder's (-1, 1), so
        # keeping the old shape left a same-sized next model zoomed into that corner.
        self.frames, self._shape = frames, None
        self.show(t)
        self.placeholder.setText(note if frames is None else "")
        if frames is None:
            self.item.clear()
            self.placeholder.setPos(0, 0)
            self.vb.setRange(xRange=(-1, 1), yRange=(-1, 1))

    def show(self, t: int, title: str | None = None) -> None:
        if title is not None:
            self.label.setText(title, color=theme.FG, size="10pt")
        if self.frames is None:
            return
        img = self.frames[int(np.clip(t, 0, len(self.frames) - 1))]
        # Grey stays one channel (pyqtgraph's fast path); RGB goes in as RGB.
        self.item.setImage(img[..., 0] if img.shape[-1] == 1 else img, levels=(0, 255), autoLevels=False)
        if self._shape != img.shape:
            self._shape = img.shape
            self.vb.setRange(xRange=(0, img.shape[1]), yRange=(0, img.shape[0]), padding=0.02)
        self.item.setRect(0, 0, img.shape[1], img.shape[0])

    def bounds(self) -> tuple[int, int] | None:
        """(width, height) of what is shown, or None."""
        img = self.item.image
        return None if img is None else (img.shape[1], img.shape[0])

    @property
    def image(self) -> np.ndarray | None:
        """What is on screen now, (h, w, C) uint8."""
        img = self.item.image
        return None if img is None else (img[..., None] if img.ndim == 2 else img)



def preview_grid(items: np.ndarray, k: int = 16) -> np.ndarray | None:
    """The first k items of a raw data set as one uint8 (h, w, C) picture: images in a
    grid; binary vectors with a square length (8×8 digits) as little images; other
    vectors (heartbeats) as a raster, one row per sequence."""
    x = np.asarray(items, np.float64)
    if x.ndim == 4:                                   # (n, C, H, W) in [0, 1]
        return tile(to_display(x[:k], np.zeros(1), np.ones(1)))
    if x.ndim != 2 or len(x) == 0:
        return None
    d = x.shape[1]
    side = int(round(math.sqrt(d)))
    if side * side == d and side >= 4:
        return tile(to_display(x[:k].reshape(-1, 1, side, side), np.zeros(1), np.ones(1)))
    rows = to_display(x[:3 * k].reshape(1, 1, -1, d), np.zeros(1), np.ones(1))[0]
    return rows
