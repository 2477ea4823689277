"""Plain-Python state shared by the window, its docks and workspaces (no Qt): the open
model, the current 2-D data set and the step t. Widgets hold none of this, so it can be
tested headless. Each workspace keeps what only it draws (e.g. the 2-D trajectories)."""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from engine.model import model_kind
from engine.runtime.protocol import ModelChanged


@dataclass
class ModelInfo(ModelChanged):
    """The open model as the window knows it: the engine's ModelChanged event (its fields,
    not a copy of their list), plus whether a Start in the Training dock asked for it (that
    run sends its own samples and curves)."""
    from_training: bool = False

    @classmethod
    def from_event(cls, ev: ModelChanged, from_training: bool = False) -> "ModelInfo":
        info = cls(**{f.name: getattr(ev, f.name) for f in fields(ModelChanged)}, from_training=from_training)
        info.config, info.history = dict(info.config), dict(info.history or {})
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
        # What the open model's bound K was last asked on ("swissroll: the 2,000 points
        # shown"), set by whoever sends the Evaluate, so the K shown says what it is of.
        self.bound_data = ""

    @property
    def has_model(self) -> bool:
        return self.model.beta is not None

    @property
    def T(self) -> int:
        return self.model.T

    def set_model(self, info: ModelInfo) -> bool:
        """Adopt a model; True when it is a different model (workspaces drop what they drew)."""
        new = info.model_id != self.model.model_id or info.T != self.model.T
        if new:
            self.bound_data = ""
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
        nums, eq = self.step_variants(t)
        return f"{nums[0]}<br>{eq[0]}"

    def step_variants(self, t: int | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The slider's two lines, each as variants from complete to short, so a narrow
        window shows the longest that fits (explorer/widgets/fit_label.py): the numbers, and
        the forward and reverse steps' equations."""
        t = self.t if t is None else t
        b, ab, snr = self.step_numbers(t)
        sp = " &nbsp; "
        head = f"<b>t = {t}</b> / {self.T}"
        beta, abar = f"β<sub>t</sub> = {b:.3g}", f"ᾱ<sub>t</sub> = {_near_one(ab)}"
        nums = (sp.join((head, beta, abar, f"SNR<sub>t</sub> = {_snr(snr)}")), sp.join((head, beta, abar)) + " …",
                sp.join((head, beta)) + " …", head)
        if t == 0:
            return nums, ("x<sub>0</sub> ~ data &nbsp;(reverse: the model's sample)", "x<sub>0</sub> ~ data")
        x, x1 = f"x<sub>{t}</sub>", f"x<sub>{t-1}</sub>"
        if self.model.kind == "binary":   # binomial diffusion: bit flips, not Gaussian noise
            q = f"q({x}|{x1}) = B({x1}(1−{b:.3g}) + ½·{b:.3g})"
            p = f"p({x1}|{x}) = B(f<sub>b</sub>({x},{t}))"
        else:
            q = f"q({x}|{x1}) = N(√(1−{b:.3g})·{x1}, {b:.3g}·I)"
            p = f"p({x1}|{x}) = N(f<sub>μ</sub>({x},{t}), f<sub>Σ</sub>({x},{t}))"
        return nums, (f"{q} &nbsp;&nbsp; {p}", f"{q} …", f"q({x}|{x1}) …")


def _snr(v: float) -> str:
    """At t = 0 nothing has been added yet: the signal-to-noise ratio is infinite."""
    return "∞" if not np.isfinite(v) or v > 1e100 else f"{v:.3g}"


def _near_one(v: float) -> str:
    """ᾱ_t near 1 would print as 1 with 3 digits; show how far from 1 it is instead."""
    return f"1 − {1 - v:.2g}" if 0.999 < v < 1 else f"{v:.3g}"
