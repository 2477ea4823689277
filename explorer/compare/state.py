"""What Compare runs shows, as plain numpy (no Qt): the comparison model (from the engine's
CompareChanged), its forward and reverse trajectories and bound, and how the one slider's
t maps onto it. When the two models' T differ, the slider moves both by the same fraction of
the diffusion: t' = round(t·T'/T)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# How the variant dialog and the captions name each setting a variant may change.
SETTING_NAMES = {"trainable_schedule": "learned β", "T": "T", "schedule": "schedule",
                 "parameterisation": "parameterisation", "width": "width"}


def map_t(t: int, T: int, T_other: int) -> int:
    """The other model's step at the same fraction of the diffusion as step t of T."""
    if T <= 0 or T_other == T:
        return int(np.clip(t, 0, max(T_other, 0)))
    return int(np.clip(round(t * T_other / T), 0, T_other))


def describe_changes(changes: dict) -> str:
    parts = []
    for k, v in changes.items():
        if k == "trainable_schedule":
            parts.append("β learned" if v else "β fixed")
        else:
            parts.append(f"{SETTING_NAMES.get(k, k)} = {v}")
    return ", ".join(parts)


def model_name(path: str, changes: dict | None = None, fallback: str = "unsaved model") -> str:
    if changes:
        return f"variant ({describe_changes(changes)})"
    return Path(path).stem if path else fallback


@dataclass
class CompareState:
    compare_id: int = 0             # 0: no comparison open
    main_id: int = 0                # the open model it is shown beside
    config: dict = field(default_factory=dict)
    description: str = ""
    path: str = ""
    changes: dict = field(default_factory=dict)
    arrays: dict | None = None      # beta, alpha_bar, snr indexed t = 0..T'
    data_mean: np.ndarray | None = None
    data_std: np.ndarray | None = None
    history: dict = field(default_factory=dict)
    forward: np.ndarray | None = None   # (T'+1, n, 2), standardised in its own scaling
    reverse: np.ndarray | None = None
    reverse_seed: int | None = None
    report: dict | None = None      # its bound K and per-step KL

    @property
    def open(self) -> bool:
        return self.compare_id > 0

    @property
    def T(self) -> int:
        return int(self.config.get("T", 0))

    @property
    def name(self) -> str:
        return model_name(self.path, self.changes, "comparison")

    def adopt(self, ev) -> None:
        """A CompareChanged event: a new comparison (nothing of the previous one is kept)."""
        mod = ev.model
        self.__init__(compare_id=ev.compare_id, main_id=ev.main_id, config=dict(mod.config),
                      description=mod.description, path=mod.path, changes=dict(ev.changes),
                      arrays={"beta": mod.beta, "alpha_bar": mod.alpha_bar, "snr": mod.snr},
                      data_mean=mod.data_mean, data_std=mod.data_std, history=dict(mod.history or {}))

    def close(self) -> None:
        self.__init__()

    def set_trajectory(self, ev) -> bool:
        """Keep a CompareTrajectory of this comparison that matches its T."""
        if ev.compare_id != self.compare_id or ev.x is None or ev.x.ndim != 3 or len(ev.x) != self.T + 1:
            return False
        setattr(self, ev.direction, ev.x)
        if ev.direction == "reverse":
            self.reverse_seed = ev.seed
        return True

    def t_for(self, t: int, T_main: int) -> int:
        return map_t(t, T_main, self.T)

    def frame(self, direction: str, t: int, T_main: int) -> np.ndarray | None:
        x = getattr(self, direction)
        return None if x is None else x[self.t_for(t, T_main)]

    def same_noise(self, main_reverse: np.ndarray | None) -> bool | None:
        """Whether both reverse runs start from the same x_T (None: not both known yet).
        x_T is the first draw of the seed's noise stream, so equal x_T means equal seeds."""
        if main_reverse is None or self.reverse is None:
            return None
        a, b = main_reverse[-1], self.reverse[-1]
        return a.shape == b.shape and bool(np.array_equal(a, b))
