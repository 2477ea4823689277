"""Conversion of big image trajectories to 8-bit frames, a slice of steps at a time."""
from __future__ import annotations

import numpy as np

from ...widgets.image_grid import tile, to_display

CHUNK = 8           # steps converted at once: float64 copies of a 256² trajectory stay small


def display_frames(x: np.ndarray, mean, std, cols: int | None = None) -> np.ndarray:
    """(T+1, n, C, H, W) standardised -> (T+1, h, w, C) uint8 grids (cols: grid columns;
    None: one picture per step, n must be 1). Converted CHUNK steps at a time."""
    out = None
    for s in range(0, len(x), CHUNK):
        part = to_display(x[s:s + CHUNK], mean, std)
        part = tile(part, cols) if cols else part[:, 0]
        if out is None:
            out = np.empty((len(x), *part.shape[1:]), np.uint8)
        out[s:s + len(part)] = part
    return out
