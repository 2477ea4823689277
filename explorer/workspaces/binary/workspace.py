"""The binary-sequence workspace (binomial diffusion, the paper's heartbeat toy): held-out
sequences diffusing forward and the model's samples denoising, as rasters that follow the
shared timestep slider, and the held-out bound K beside the paper's and the true value.
The window routes the open model's events here (explorer/workspaces/base.py)."""
from __future__ import annotations

import math
from typing import Callable

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout

from engine.data.binary import heartbeat
from engine.data.catalogue import HELDOUT_SEED, build
from engine.model import model_kind
from engine.runtime import protocol as m

from ... import theme
from ...state import AppState, ModelInfo
from ...widgets.fit_label import LinesLabel
from ..base import Workspace
from .raster_view import RasterView

PAPER_K = -2.414                 # Sohl-Dickstein et al. 2015, table 1: heartbeat, bits/sequence
TRUE_LOG_P = math.log2(1 / 5)    # five equally likely phases: -2.322 bits/sequence
EVAL_N = 2000


def held_out(config: dict, points: np.ndarray | None, n: int = EVAL_N) -> np.ndarray | None:
    """Binary held-out data for a model: the catalogue's held-out stream for a built-in
    set (the heartbeat at the model's length), else the current data when it fits."""
    shape = tuple(config.get("shape", ()))
    name = config.get("data", "")
    rng = np.random.default_rng(HELDOUT_SEED)      # a stream training never draws
    data = None
    if name == "heartbeat" and len(shape) == 1:
        data = heartbeat(n, rng, length=shape[0])
    elif name:
        try:
            data = build(name, 16, HELDOUT_SEED, config.get("data_args"), n_heldout=n).heldout
        except (ValueError, OSError):
            data = None
    if (data is None or tuple(data.shape[1:]) != shape) and points is not None and tuple(points.shape[1:]) == shape:
        data = points[rng.permutation(len(points))[:n]]
    return None if data is None or tuple(data.shape[1:]) != shape else np.asarray(data, np.float32)


class BinaryWorkspace(Workspace):
    kinds = ("binary",)
    title = "Binary sequences"

    def __init__(self, client, app: AppState, *, choose_data: Callable[[str, dict], None], parent=None):
        """app: the shared state (the slider's t; the 2-D data, held out when it fits);
        choose_data(name, args): show a model's data set in the Data dock."""
        super().__init__(parent)
        self.client, self.app, self.choose_data = client, app, choose_data
        self.model_id, self.config, self.T = 0, {}, 0
        self.last_step = None          # the model's training step when last evaluated
        self.heldout: np.ndarray | None = None
        self.forward = self.reverse = self.reverse_p = None   # (T+1, n, bits), index t
        self.bound: dict | None = None
        self.ais: m.AisEstimate | None = None

        self.sample = QPushButton("Sample sequences")
        self.sample.setToolTip("draw new sequences from the reverse process p (x_T ~ uniform bits)")
        self.n = QSpinBox()
        self.n.setRange(8, 512)
        self.n.setValue(64)
        self.n.setSuffix(" sequences")
        # Two lines, always: K and then AIS arriving must not push the rasters down.
        self.bound_label = LinesLabel("open or train a binary model (File ▸ Open… heartbeat.h5)", 2)
        self.bound_label.setContentsMargins(4, 2, 4, 2)
        self.note = QLabel("Binomial diffusion: each step keeps a bit with probability 1 − β<sub>t</sub> and "
                           "otherwise redraws it fairly, β<sub>t</sub> = 1/(T−t+1), so x<sub>T</sub> is uniform "
                           "noise. The reverse step p(x<sub>t−1</sub>|x<sub>t</sub>) = B(f<sub>b</sub>(x<sub>t</sub>, t)) "
                           "is learned; per-step KL bars are in the Training panel.")
        self.note.setTextFormat(Qt.RichText)
        self.note.setWordWrap(True)
        self.note.setContentsMargins(4, 0, 4, 0)
        theme.muted(self.note, small=True)
        # Reverse twice: the bits drawn, and the network's belief about x_0 as grey levels.
        self.raster = RasterView((("forward", "forward q: held-out sequences", theme.FORWARD),
                                  ("reverse", "reverse p: samples", theme.REVERSE),
                                  ("belief", "reverse p: predicted x₀", theme.ACCENT)))
        self.raster.setToolTip("rows: sequences, columns: bits. Left: held-out data diffusing forward. "
                               "Middle: the model's samples x_t. Right: the network's P(x₀ = 1 | x_t) per bit, "
                               "predicted from the middle panel's x_t (grey levels; at t = 0 the sample itself)")
        row = QHBoxLayout()
        for widget in (self.sample, self.n):
            row.addWidget(widget)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addLayout(row)
        lay.addWidget(self.bound_label)
        lay.addWidget(self.raster, 1)
        lay.addWidget(self.note)

        self.sample.clicked.connect(self.request_sample)
        self.n.valueChanged.connect(lambda *_: self.request_forward())
        self.sample.setEnabled(False)

    @property
    def active(self) -> bool:
        return model_kind(self.config) == "binary" and self.model_id > 0

    # ---- the workspace interface ----------------------------------------------------------
    def set_t(self, t: int) -> None:
        self.redraw()

    def resample(self) -> None:
        self.request_sample()

    def export(self, path: str) -> bool:
        return self.raster.grab().save(str(path))

    def close_views(self) -> None:
        self.raster.deleteLater()

    def on_event(self, ev) -> None:
        if isinstance(ev, m.Trajectory):
            self.on_trajectory(ev)
        elif isinstance(ev, m.BoundResult):
            self.on_bound(ev)
        elif isinstance(ev, m.AisEstimate) and self.active and ev.model_id == self.model_id:
            self.ais = ev
            self._label()

    # ---- engine events ----------------------------------------------------------------
    def on_model(self, info: ModelInfo) -> None:
        if info.kind != "binary":
            if self.active:         # no stale rasters of a model no longer open
                self.forward = self.reverse = self.reverse_p = None
                self.bound, self.ais = None, None
                for name in self.raster.frames:
                    self.raster.set_frame(name, None)
                self.bound_label.setText(f"the open model is a {info.kind} model: open or train a binary one "
                                         "(File ▸ Open pretrained ▸ heartbeat)")
            self.model_id, self.config = info.model_id, dict(info.config)
            self.sample.setEnabled(False)
            return
        new = info.model_id != self.model_id
        step = (info.history.get("step") or [None])[-1]
        self.model_id, self.config, self.T = info.model_id, dict(info.config), info.T
        self.sample.setEnabled(True)
        training = self.client.is_running("train") or info.from_training
        if new:
            self.forward = self.reverse = self.reverse_p = None
            self.bound, self.ais = None, None
            if not training:        # the Data dock shows the set this model was trained on
                self.choose_data(self.config.get("data", ""), self.config.get("data_args", {}))
            self.heldout = held_out(self.config, self.app.data.points)
            self.request_forward()
            if not training:        # a training run sends its own samples as it goes
                self.request_sample()
        if new or (step != self.last_step and not training):
            self.last_step = step
            if self.heldout is not None:   # K, and the per-step KL bars in the Training panel
                self.app.bound_data = f"{len(self.heldout):,} held-out {self.config.get('data', '')} sequences"
                self.client.submit(m.Evaluate(data=self.heldout, seed=0))
            if not new:
                self.request_sample()
        self._label()
        self.redraw()

    def on_trajectory(self, ev: m.Trajectory) -> None:
        if not self.active or ev.model_id != self.model_id or ev.x is None or ev.x.ndim != 3:
            return
        n = self.n.value()
        if ev.direction == "forward":
            self.forward = ev.x[:, :n]
        else:
            self.reverse = ev.x[:, :n]
            self.reverse_p = None if ev.x0_pred is None else ev.x0_pred[:, :n]
        self.redraw()

    def on_bound(self, ev: m.BoundResult) -> None:
        if self.active and ev.model_id == self.model_id:
            self.bound = dict(ev.report)
            self._label()

    # ---- requests ---------------------------------------------------------------------
    def request_forward(self) -> None:
        if self.active and self.heldout is not None:
            self.client.submit(m.Diffuse(data=self.heldout[: self.n.value()], seed=0))

    def request_sample(self) -> None:
        if self.active:
            seed = 0 if self.reverse is None else int(np.random.default_rng().integers(1 << 30))
            self.client.submit(m.Sample(n=self.n.value(), seed=seed))

    # ---- drawing ----------------------------------------------------------------------
    def t(self) -> int:
        return int(np.clip(self.app.t, 0, max(self.T, 0)))

    def redraw(self, *_) -> None:
        if not self.active:     # follows the slider only while it shows a binary model
            return
        t = self.t()
        fwd = None if self.forward is None or len(self.forward) <= t else self.forward[t]
        # Short titles: a plot is at least as wide as its title; long ones squeeze the others.
        self.raster.set_frame("forward", fwd, f"forward q(x<sub>t</sub>|x<sub>0</sub>) · t = {t}")
        rev = None if self.reverse is None or len(self.reverse) <= t else self.reverse[t]
        self.raster.set_frame("reverse", rev, f"reverse p: x<sub>t</sub> · t = {t}")
        self.raster.set_frame("belief", self.belief(t), f"p's P(x<sub>0</sub> = 1 | x<sub>{t}</sub>)")

    def belief(self, t: int) -> np.ndarray | None:
        """The network's P(x₀ = 1) given the x_t shown beside it. The sampler's x0_pred[s]
        was predicted from x_{s+1}, so x_t's is x0_pred[t − 1]; at t = 0 the sample is its
        own x₀ (the label then says P(x₀ = 1 | x₀), which is the bits)."""
        if self.reverse_p is None or self.reverse is None or not 0 <= t < len(self.reverse_p):
            return None
        return self.reverse[0] if t == 0 else self.reverse_p[t - 1]

    def _label(self) -> None:
        if not self.active:
            return
        name = self.config.get("data", "")
        b = self.bound
        if b is None:
            text = "evaluating the bound K on held-out sequences…" if self.heldout is not None else \
                "no held-out data for this model's data set"
        else:
            unit = "bits/seq"
            text = (f"<b>K = {b.get('K_bits', float('nan')):.3f} ± {b.get('K_stderr_bits', float('nan')):.3f}</b> "
                    f"{unit} on {len(self.heldout) if self.heldout is not None else 0:,} held-out sequences"
                    f" &nbsp;·&nbsp; L<sub>null</sub> = {b.get('L_null_bits', float('nan')):.2f}")
            if name == "heartbeat":
                text += (f" &nbsp;·&nbsp; paper's K = {PAPER_K:.3f} &nbsp;·&nbsp; true log p = log<sub>2</sub>(1/5) "
                         f"= <b>{TRUE_LOG_P:.3f}</b>")
        if self.ais is not None:
            a = self.ais
            text += (f"<br>AIS log p ≈ {a.ais_bits:.3f} ± {a.ais_stderr_bits:.3f} at step {a.step:,} "
                     f"({a.points} sequences × {a.trajectories} trajectories; K there {a.bound_bits:.3f})")
        self.bound_label.setText(text)
