"""Training and held-out data, and the one way user data is split between them."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class PointData:
    """Training and held-out points (raw units) and where they came from."""

    name: str
    train: np.ndarray
    heldout: np.ndarray
    args: dict

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.train.shape[1:])


def split_points(pts: np.ndarray, name: str, seed: int = 0) -> PointData:
    """Validated points (see validate_points) into training and a tenth held out."""
    idx = np.random.default_rng(seed).permutation(len(pts))
    k = max(len(pts) // 10, 1)
    return PointData(name, pts[idx[k:]], pts[idx[:k]], {})
