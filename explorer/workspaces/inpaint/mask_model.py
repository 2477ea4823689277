"""The inpainting mask as plain numpy (no Qt), so painting can be tested headless.

`alpha` (H, W) in [0, 1] is how much paint covers each pixel; a pixel is *missing* (to be
filled by the posterior) where alpha >= 0.5, so a soft brush shows a halo that does not yet
count. Coordinates are in image pixels, continuous: pixel (row i, col j) has its centre at
(x, y) = (j + 0.5, i + 0.5). Strokes are interpolated: every segment between successive
cursor positions is painted as a capsule (distance to the segment, not a row of dabs), so a
fast drag leaves no gaps. Within a stroke the paint is the max over the path (crossing your
own stroke does not darken it); strokes composite "over" the mask, as in paint programs.
"""
from __future__ import annotations

import numpy as np
from skimage.segmentation import flood

THRESHOLD = 0.5


def segment_coverage(h: int, w: int, p0, p1, size: float, hardness: float, box=None) -> np.ndarray:
    """Paint of a round brush of diameter `size` swept from p0 to p1 (pixel units):
    1 within hardness·radius of the segment, falling linearly to 0 at the radius. `box`
    (y0, y1, x0, x1) computes only those pixels (a dab on a 512×512 canvas touches few)."""
    r = max(float(size), 0.5) / 2.0
    hard = float(np.clip(hardness, 0.0, 1.0))
    y0, y1, x0_, x1_ = box or (0, h, 0, w)
    yy, xx = np.mgrid[y0:y1, x0_:x1_].astype(np.float64) + 0.5
    (x0, y0), (x1, y1) = p0, p1
    dx, dy = x1 - x0, y1 - y0
    length2 = dx * dx + dy * dy
    s = np.clip(((xx - x0) * dx + (yy - y0) * dy) / length2, 0.0, 1.0) if length2 > 0 else 0.0
    d = np.hypot(xx - (x0 + s * dx), yy - (y0 + s * dy))
    inner = hard * r
    if r - inner < 1e-9:
        return (d <= r).astype(np.float32)
    return np.clip((r - d) / (r - inner), 0.0, 1.0).astype(np.float32)


def segment_box(h: int, w: int, p0, p1, size: float) -> tuple[int, int, int, int]:
    """(y0, y1, x0, x1): the pixels a dab from p0 to p1 can touch, clipped to the image."""
    r = max(float(size), 0.5) / 2.0 + 1.0
    xs, ys = (p0[0], p1[0]), (p0[1], p1[1])
    return (min(max(int(np.floor(min(ys) - r)), 0), h), min(max(int(np.ceil(max(ys) + r)), 0), h),
            min(max(int(np.floor(min(xs) - r)), 0), w), min(max(int(np.ceil(max(xs) + r)), 0), w))


class MaskModel:
    def __init__(self, h: int = 16, w: int = 16, history: int = 100):
        self.history = int(history)
        self.version = 0    # bumped by every change, a reset too: views cache by it
        self.reset(h, w)

    # ---- state ------------------------------------------------------------------------
    def reset(self, h: int, w: int) -> None:
        """A blank mask of a new size; the undo history goes (it was for another image)."""
        self.h, self.w = int(h), int(w)
        self.alpha = np.zeros((self.h, self.w), np.float32)
        self._undo: list[np.ndarray] = []
        self._redo: list[np.ndarray] = []
        self._stroke: dict | None = None
        self.version += 1

    @property
    def shape(self) -> tuple[int, int]:
        return self.h, self.w

    @property
    def missing(self) -> np.ndarray:
        return self.alpha >= THRESHOLD

    @property
    def painting(self) -> bool:
        return self._stroke is not None

    def can_undo(self) -> bool:
        return bool(self._undo)

    def can_redo(self) -> bool:
        return bool(self._redo)

    # ---- edits --------------------------------------------------------------------------
    def _commit(self, new: np.ndarray, before: np.ndarray | None = None) -> bool:
        """Adopt `new`, pushing `before` (default: the current mask) for undo; a no-op
        edit leaves the history alone so undo never needs two presses."""
        before = self.alpha if before is None else before
        new = np.clip(new, 0.0, 1.0).astype(np.float32)
        if np.array_equal(new, before):
            self.alpha = before
            return False
        self._undo.append(before.copy())
        del self._undo[:-self.history]
        self._redo.clear()
        self.alpha = new
        self.version += 1
        return True

    def begin_stroke(self, x: float, y: float, size: float = 3.0, hardness: float = 0.8,
                     erase: bool = False) -> None:
        if self._stroke is not None:
            self.end_stroke()
        self._stroke = {"base": self.alpha, "paint": np.zeros_like(self.alpha), "last": (x, y),
                        "size": size, "hardness": hardness, "erase": erase}
        self.alpha = self.alpha.copy()      # painted in place, box by box; the base stays intact
        self._dab((x, y), (x, y))

    def stroke_to(self, x: float, y: float) -> None:
        if self._stroke is None:
            return
        self._dab(self._stroke["last"], (x, y))
        self._stroke["last"] = (x, y)

    def _dab(self, p0, p1) -> None:
        s = self._stroke
        y0, y1, x0, x1 = box = segment_box(self.h, self.w, p0, p1, s["size"])
        if y0 >= y1 or x0 >= x1:
            return                      # the cursor is off the image: nothing to paint
        cover = segment_coverage(self.h, self.w, p0, p1, s["size"], s["hardness"], box)
        paint = s["paint"][y0:y1, x0:x1]
        np.maximum(paint, cover, out=paint)
        base = s["base"][y0:y1, x0:x1]
        # Shown live while painting; committed (one undo step) when the stroke ends. Only
        # the dab's box is recomputed: a whole 512×512 canvas per mouse move would lag.
        self.alpha[y0:y1, x0:x1] = base * (1 - paint) if s["erase"] else base + paint * (1 - base)
        self.version += 1

    def end_stroke(self) -> bool:
        """Finish the stroke; True when it changed the mask (one undo step)."""
        s, self._stroke = self._stroke, None
        if s is None:
            return False
        return self._commit(self.alpha, before=s["base"])

    def cancel_stroke(self) -> None:
        if self._stroke is not None:
            self.alpha, self._stroke = self._stroke["base"], None
            self.version += 1

    def rectangle(self, x0: float, y0: float, x1: float, y1: float, erase: bool = False) -> bool:
        """Every pixel whose centre lies inside the rectangle (corners in any order)."""
        xa, xb, ya, yb = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
        cx, cy = np.arange(self.w) + 0.5, np.arange(self.h) + 0.5
        inside = ((cy >= ya) & (cy <= yb))[:, None] & ((cx >= xa) & (cx <= xb))[None, :]
        new = self.alpha.copy()
        new[inside] = 0.0 if erase else 1.0
        return self._commit(new)

    def fill(self, x: float, y: float, erase: bool = False) -> bool:
        """Bucket fill: the 4-connected region of pixels sharing the clicked pixel's
        state (missing or known) becomes missing (known when erasing)."""
        i, j = int(np.floor(y)), int(np.floor(x))
        if not (0 <= i < self.h and 0 <= j < self.w):
            return False
        region = flood(self.missing, (i, j), connectivity=1)    # 1: 4-connected, as paint programs
        new = self.alpha.copy()
        new[region] = 0.0 if erase else 1.0
        return self._commit(new)

    def invert(self) -> bool:
        return self._commit(np.where(self.missing, 0.0, 1.0))

    def clear(self) -> bool:
        return self._commit(np.zeros_like(self.alpha))

    def set_missing(self, missing: np.ndarray) -> bool:
        """Adopt a mask of this size (e.g. read from a file): boolean (True = missing), or
        paint coverage in [0, 1], soft edges and all (a saved workspace's)."""
        missing = np.asarray(missing)
        if missing.shape != self.shape:
            raise ValueError(f"mask is {missing.shape[1]}×{missing.shape[0]} pixels but the image is "
                             f"{self.w}×{self.h}")
        return self._commit(missing.astype(np.float32))

    # ---- history ------------------------------------------------------------------------
    def undo(self) -> bool:
        self.cancel_stroke()
        if not self._undo:
            return False
        self._redo.append(self.alpha)
        self.alpha = self._undo.pop()
        self.version += 1
        return True

    def redo(self) -> bool:
        if self._stroke is not None or not self._redo:
            return False
        self._undo.append(self.alpha)
        self.alpha = self._redo.pop()
        self.version += 1
        return True

