"""Plain-Python state shared by the window, its docks and workspaces (no Qt): the open
model, the current 2-D data set and the step t. Widgets hold none of this, so it can be
tested headless. Each workspace keeps what only it draws (e.g. the 2-D trajectories)."""
from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from engine.model import model_kind


@dataclass
class ModelInfo:
    model_id: int = 0
    description: str = ""
    config: dict = field(default_factory=dict)
    beta: np.ndarray | None = None         # index t = 0..T
    alpha_bar: np.ndarray | None = None
    snr: np.ndarray | None = None
    data_mean: np.ndarray | None = None
    data_std: np.ndarray | None = None
    path: str = ""
    device: str = "cpu"
    history: dict = field(default_factory=dict)
    # Set by the window, not the event: the model a Start in the Training dock asked for
    # (its training run sends samples and curves itself).
    from_training: bool = False

    @classmethod
    def from_event(cls, ev, from_training: bool = False) -> "ModelInfo":
        """From an engine ModelChanged event, field by field by name."""
        info = cls(**{f.name: getattr(ev, f.name) for f in fields(cls) if f.name != "from_training"})
        info.config, info.history = dict(info.config), dict(info.history or {})
        info.from_training = from_training
        return info

    @property
    def T(self) -> int:
        return 0 if self.beta is None else len(self.beta) - 1

    @property
    def kind(self) -> str:
        """Which workspace shows this model: "points" (2-D), "binary" or "image"."""
        return model_kind(self.config)


@dataclass
class DataSet:
    name: str = "swissroll"
    points: np.ndarray | None = None        # raw units, (n, 2)
    noise: float = 0.05


class AppState:
    def __init__(self):
        self.model = ModelInfo()
        self.data = DataSet()       # the 2-D data set as last adopted from the Data dock
        self.t = 0

    @property
    def has_model(self) -> bool:
        return self.model.beta is not None

    @property
    def T(self) -> int:
        return self.model.T

    def set_model(self, info: ModelInfo) -> bool:
        """Adopt a model; True when it is a different model (workspaces drop what they drew)."""
        new = info.model_id != self.model.model_id or info.T != self.model.T
        self.model = info
        self.t = int(np.clip(self.t, 0, self.T))
        return new

    def set_t(self, t: int) -> int:
        self.t = int(np.clip(t, 0, max(self.T, 0)))
        return self.t

    # ---- what the slider says -------------------------------------------------------
    def step_numbers(self, t: int | None = None) -> tuple[float, float, float]:
        t = self.t if t is None else t
        m = self.model
        return float(m.beta[t]), float(m.alpha_bar[t]), float(m.snr[t])

    def step_text(self, t: int | None = None) -> str:
        """Rich text for the slider: t, β_t, ᾱ_t, SNR_t and the step's equation."""
        if not self.has_model:
            return "no model"
        t = self.t if t is None else t
        b, ab, snr = self.step_numbers(t)
        nums = (f"<b>t = {t}</b> / {self.T} &nbsp; β<sub>t</sub> = {b:.3g} &nbsp; "
                f"ᾱ<sub>t</sub> = {_near_one(ab)} &nbsp; SNR<sub>t</sub> = {_snr(snr)}")
        if t == 0:
            eq = "x<sub>0</sub> ~ data &nbsp;(reverse: the model's sample)"
        elif self.model.kind == "binary":   # binomial diffusion: bit flips, not Gaussian noise
            eq = (f"q(x<sub>{t}</sub>|x<sub>{t-1}</sub>) = B(x<sub>{t-1}</sub>(1−{b:.3g}) + ½·{b:.3g})"
                  f" &nbsp;&nbsp; p(x<sub>{t-1}</sub>|x<sub>{t}</sub>) = B(f<sub>b</sub>(x<sub>{t}</sub>,{t}))")
        else:
            eq = (f"q(x<sub>{t}</sub>|x<sub>{t-1}</sub>) = N(√(1−{b:.3g})·x<sub>{t-1}</sub>, {b:.3g}·I)"
                  f" &nbsp;&nbsp; p(x<sub>{t-1}</sub>|x<sub>{t}</sub>) = N(f<sub>μ</sub>(x<sub>{t}</sub>,{t}),"
                  f" f<sub>Σ</sub>(x<sub>{t}</sub>,{t}))")
        return f"{nums}<br>{eq}"


def _snr(v: float) -> str:
    """At t = 0 nothing has been added yet: the signal-to-noise ratio is infinite."""
    return "∞" if not np.isfinite(v) or v > 1e100 else f"{v:.3g}"


def _near_one(v: float) -> str:
    """ᾱ_t near 1 would print as 1 with 3 digits; show how far from 1 it is instead."""
    return f"1 − {1 - v:.2g}" if 0.999 < v < 1 else f"{v:.3g}"
