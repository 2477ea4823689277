"""A diffusion model as one object: its config, schedule, reverse network, data
standardisation and training history. Storage, training, sampling and the worker all
pass this around."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import numpy as np
import torch

from engine.core.binomial import BinomialDiffusion
from engine.core.gaussian import PARAMETERISATIONS, GaussianDiffusion
from engine.core.schedules import KINDS, SNR_END, Schedule
from engine.io.limits import check_config
from engine.nets import build_net


FAMILIES = ("gaussian", "binomial")
MODEL_KINDS = ("points", "binary", "image")


def model_kind(config_or_shape) -> str:
    """"points", "binary" or "image": the one definition, from a ModelConfig (or a dict of
    one, as events carry it) or a bare shape."""
    if isinstance(config_or_shape, (tuple, list)):
        family, shape = "gaussian", tuple(config_or_shape)
    elif isinstance(config_or_shape, dict):
        family, shape = config_or_shape.get("family", "gaussian"), tuple(config_or_shape.get("shape", ()))
    else:
        family, shape = config_or_shape.family, tuple(config_or_shape.shape)
    if family == "binomial":
        return "binary"
    return "image" if len(shape) == 3 else "points"


@dataclass
class ModelConfig:
    family: str = "gaussian"   # gaussian (continuous data) or binomial (binary data)
    data: str = "swissroll"
    data_args: dict = field(default_factory=dict)
    shape: tuple = (2,)
    T: int = 40
    schedule: str = "snr"
    beta1: float = 3e-6
    snr_end: float = SNR_END   # the snr schedule's SNR at t = T (what of the data x_T still holds)
    trainable_schedule: bool = False
    parameterisation: str = "eps"
    net: dict = field(default_factory=lambda: {"kind": "mlp", "hidden": 64, "layers": 3, "J": 16})

    def validate(self) -> "ModelConfig":
        self.shape = tuple(int(s) for s in self.shape)
        if self.family not in FAMILIES:
            raise ValueError(f"unknown diffusion family {self.family!r}; choose from {', '.join(FAMILIES)}")
        if not 2 <= int(self.T) <= 100000:
            raise ValueError(f"T must be between 2 and 100000, got {self.T}")
        if self.schedule not in KINDS:
            raise ValueError(f"unknown schedule {self.schedule!r}; choose from {', '.join(KINDS)}")
        if self.family == "binomial":
            self.schedule, self.beta1, self.trainable_schedule = "paper", 1.0 / int(self.T), False
        if self.family == "gaussian" and self.parameterisation not in PARAMETERISATIONS:
            raise ValueError(f"unknown parameterisation {self.parameterisation!r}")
        if not 0 < float(self.beta1) < 1:
            raise ValueError(f"beta1 must lie in (0, 1), got {self.beta1}")
        if not 0 < float(self.snr_end) < (1 - float(self.beta1)) / float(self.beta1):
            raise ValueError(f"snr_end must lie in (0, SNR_1), got {self.snr_end}")
        return self

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "ModelConfig":
        raw = json.loads(text)
        if not isinstance(raw, dict):
            raise ValueError("config is not a JSON object")
        unknown = set(raw) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"config has unknown keys {sorted(unknown)[:3]}")
        check_config(raw)            # types and ranges, before anything is built
        return cls(**raw).validate()


class DiffusionModel:
    def __init__(self, config: ModelConfig, data_mean, data_std):
        self.config = config.validate()
        self.schedule = Schedule.create(config.schedule, config.T, config.beta1, config.trainable_schedule,
                                        config.snr_end)
        self.net = build_net(config.net, config.shape, config.T)
        if config.family == "binomial":
            # Binary data are not standardised; validate() fixed the paper's schedule.
            data_mean, data_std = np.zeros(config.shape), np.ones(config.shape)
            self.diffusion = BinomialDiffusion(self.schedule)
        else:
            self.diffusion = GaussianDiffusion(self.schedule, config.parameterisation)
        self.data_mean = np.asarray(data_mean, dtype=np.float64)
        self.data_std = np.asarray(data_std, dtype=np.float64)
        self.history: dict[str, list[float]] = {"step": [], "loss": [], "bound_bits": [], "elapsed": []}
        self.step = 0
        self.optimizer_state: dict | None = None
        self.heldout: np.ndarray | None = None  # raw held-out data, kept for user data sets

    @property
    def T(self) -> int:
        return self.config.T

    @property
    def shape(self) -> tuple[int, ...]:
        return self.config.shape

    def device(self) -> torch.device:
        p = next(self.net.parameters(), None)
        return p.device if p is not None else torch.device("cpu")

    def to(self, device) -> "DiffusionModel":
        self.net.to(device)  # the schedule stays float64 on the CPU; coefs() moves copies
        return self

    def parameters(self):
        yield from self.net.parameters()
        yield from self.schedule.parameters()

    def standardise(self, raw: np.ndarray) -> np.ndarray:
        return ((np.asarray(raw, dtype=np.float64) - self.data_mean) / self.data_std).astype(np.float32)

    def unstandardise(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(x, dtype=np.float64) * self.data_std + self.data_mean

    def describe(self) -> str:
        c = self.config
        n = sum(p.numel() for p in self.net.parameters())
        sched = c.schedule + (" (trainable)" if c.trainable_schedule else "")
        if c.schedule == "snr" and c.snr_end != SNR_END:
            sched += f" (SNR_T = {c.snr_end:g})"
        return f"{c.data} · T={c.T} · {sched} β₁={c.beta1:g} · {c.parameterisation} · {n:,} weights · step {self.step}"
