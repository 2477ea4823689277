"""What the 2-D workspace draws, as plain numpy (no Qt): the forward and reverse
trajectories of the open 2-D model and the points selected in each. The step t and the
model come from the shared AppState, so the slider and the window stay the one source."""
from __future__ import annotations

import numpy as np

from ...state import AppState

DIRECTIONS = ("forward", "reverse")


def _empty() -> dict[str, np.ndarray]:
    return {d: np.zeros(0, int) for d in DIRECTIONS}


class PointsState:
    def __init__(self, app: AppState):
        self.app = app
        self.forward: np.ndarray | None = None   # (T+1, n, 2) standardised, index t
        self.reverse: np.ndarray | None = None
        # Indices into forward[...] / reverse[...] whose paths are drawn.
        self.selection: dict[str, np.ndarray] = _empty()

    @property
    def t(self) -> int:
        return self.app.t

    @property
    def T(self) -> int:
        return self.app.T

    @property
    def has_model(self) -> bool:
        return self.app.has_model

    @property
    def model(self):
        return self.app.model

    @property
    def active(self) -> bool:
        """A 2-D model is open (the other kinds have their own workspaces)."""
        return self.app.has_model and self.app.model.kind == "points"

    def drop(self) -> None:
        """A different model opened: its trajectories and selection no longer apply."""
        self.forward = self.reverse = None
        self.clear_selection()

    def set_trajectory(self, direction: str, x: np.ndarray, model_id: int) -> bool:
        """Keep a trajectory if it belongs to the current model and matches its T."""
        if model_id != self.app.model.model_id or x is None or x.ndim != 3 or len(x) != self.T + 1:
            return False
        old = getattr(self, direction)
        setattr(self, direction, x)
        if old is None or old.shape[1] != x.shape[1]:
            self.selection[direction] = np.zeros(0, int)
        return True

    def frame(self, direction: str, t: int | None = None) -> np.ndarray | None:
        x = getattr(self, direction)
        return None if x is None else x[self.t if t is None else t]

    # ---- selection ------------------------------------------------------------------
    def select(self, direction: str, idx, add: bool = False) -> None:
        idx = np.asarray(idx, int).ravel()
        if add:
            idx = np.union1d(self.selection[direction], idx)
        self.selection[direction] = np.unique(idx)

    def clear_selection(self) -> None:
        self.selection = _empty()

    def paths(self, direction: str) -> np.ndarray | None:
        """(T+1, k, 2) paths of the selected points, or None."""
        x, idx = getattr(self, direction), self.selection[direction]
        if x is None or len(idx) == 0:
            return None
        return x[:, idx[idx < x.shape[1]]]
