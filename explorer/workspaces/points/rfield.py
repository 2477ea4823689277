"""Qt-free r(x) for the p·r panel: a Gaussian bump or a painted region, in the view's
standardised coordinates. One at a time: placing a bump drops the painting and painting
drops the bump, so what is drawn is always what the worker multiplies p by."""
from __future__ import annotations

import numpy as np

from .geometry import VIEW_RANGE

CELLS = 64                      # painting grid, CELLS × CELLS over ±VIEW_RANGE
MIN_SCALE, MAX_SCALE = 0.05, 2.5


class RField:
    def __init__(self, cells: int = CELLS, extent: float = VIEW_RANGE):
        self.cells, self.extent = int(cells), float(extent)
        self.bump: tuple[float, float, float] | None = None   # (cx, cy, σ)
        self.region: np.ndarray | None = None                 # (cells, cells) in [0, 1], [y, x]
        self.version = 0        # bumped on every change; sent as the job's tag

    @property
    def empty(self) -> bool:
        return self.bump is None and (self.region is None or not bool(self.region.any()))

    def _changed(self) -> None:
        self.version += 1

    def clear(self) -> None:
        self.bump = self.region = None
        self._changed()

    def place_bump(self, x: float, y: float, scale: float) -> None:
        self.bump = (float(x), float(y), float(np.clip(scale, MIN_SCALE, MAX_SCALE)))
        self.region = None
        self._changed()

    def set_scale(self, scale: float) -> bool:
        """Resize the bump; False when there is none (or the size did not change)."""
        if self.bump is None:
            return False
        s = float(np.clip(scale, MIN_SCALE, MAX_SCALE))
        if s == self.bump[2]:
            return False
        self.bump = (self.bump[0], self.bump[1], s)
        self._changed()
        return True

    def centres(self) -> np.ndarray:
        return -self.extent + (np.arange(self.cells) + 0.5) * (2 * self.extent / self.cells)

    def paint(self, x: float, y: float, radius: float, erase: bool = False) -> None:
        """A soft-edged disc of the brush at (x, y); erasing lowers r there instead."""
        if self.region is None:
            self.region = np.zeros((self.cells, self.cells))
        self.bump = None
        c = self.centres()
        d = np.hypot(c[None, :] - x, c[:, None] - y)                 # [y, x]
        cell = 2 * self.extent / self.cells
        disc = np.clip((radius - d) / cell + 0.5, 0.0, 1.0)           # one cell of antialiasing
        self.region = np.minimum(self.region, 1 - disc) if erase else np.maximum(self.region, disc)
        self._changed()

    def command_args(self) -> dict:
        """Keyword arguments for m.SampleProduct (copies: the worker keeps them)."""
        e = self.extent
        return {"bump": self.bump, "region": None if self.region is None else self.region.copy(),
                "extent": (-e, e, -e, e)}


def circle(cx: float, cy: float, radius: float, n: int = 64) -> tuple[np.ndarray, np.ndarray]:
    a = np.linspace(0, 2 * np.pi, n)
    return cx + radius * np.cos(a), cy + radius * np.sin(a)
