"""Image panels of the Images tab that are framed afresh for every new set of frames, and
the conversion of big trajectories to 8-bit frames a slice of steps at a time.

widgets.image_grid.ImagePanel re-frames its view only when the picture's shape changes,
and set_frames(None) zooms it to (-1, 1) for the placeholder text: so a second model
whose pictures have the first one's shape stayed zoomed into the placeholder's corner,
a few huge grey pixels (issue 12). Here every set_frames forgets the old shape, so the
view range always comes from the frames shown now."""
from __future__ import annotations

import numpy as np

from ...widgets.image_grid import ImagePanel, tile, to_display

CHUNK = 8           # steps converted at once: float64 copies of a 256² trajectory stay small


class FreshPanel(ImagePanel):
    def set_frames(self, frames: np.ndarray | None, t: int, note: str = "") -> None:
        self._shape = None          # frame the new pictures, whatever was shown before
        super().set_frames(frames, t, note)

    def bounds(self) -> tuple[int, int] | None:
        """(width, height) of what is shown, or None."""
        img = self.item.image
        return None if img is None else (img.shape[1], img.shape[0])


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
