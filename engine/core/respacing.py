"""A respaced process that visits every k-th step: the live preview's fast posterior.
Exact in distribution only for stride 1."""
from __future__ import annotations

import numpy as np
import torch

from engine.core.gaussian import GaussianDiffusion
from engine.core.schedules import Schedule


def kept_steps(T: int, stride: int) -> list[int]:
    """Steps 1, 1+k, 1+2k, ... and always T: t = 1 keeps the fixed decoder step exact."""
    if stride < 1:
        raise ValueError(f"stride must be >= 1, got {stride}")
    return sorted(set(range(1, T + 1, stride)) | {T})


def respaced_betas(alpha_bar: np.ndarray, kept: list[int]) -> np.ndarray:
    """β' of the process that visits only the kept steps: ᾱ'_i = ᾱ_{kept[i]}, so
    β'_i = 1 - ᾱ'_i / ᾱ'_{i-1} (with ᾱ'_0 = 1); q(x_t | x_0) is unchanged at kept t."""
    ab = np.asarray(alpha_bar, dtype=np.float64)[kept]
    return 1.0 - ab / np.concatenate([[1.0], ab[:-1]])


class _StepMap(torch.nn.Module):
    """The network queried at the original step a respaced index stands for."""

    def __init__(self, net, kept: list[int]):
        super().__init__()
        self.inner = net
        self.register_buffer("table", torch.tensor([0, *kept], dtype=torch.long), persistent=False)

    def forward(self, x, t, **kw):
        return self.inner(x, self.table.to(t.device)[t], **kw)


class Respaced:
    """A model-like view (what sample_progressive reads) over every k-th step.

    Exact in distribution only for stride 1; for the "eps" parameterisation the mean is
    the usual DDPM respacing (ε and x_0 predictions carry over); the learned variance
    interpolates between the respaced β' and posterior variance as at full T.
    """

    def __init__(self, model, stride: int):
        self.base, self.stride = model, int(stride)
        self.kept = kept_steps(model.T, self.stride)
        betas = np.clip(respaced_betas(model.schedule.arrays().alpha_bar, self.kept), 1e-12, 1.0)
        self.schedule = Schedule(betas)
        self.diffusion = GaussianDiffusion(self.schedule, model.config.parameterisation)
        self.net = _StepMap(model.net, self.kept)
        self.shape, self.T = model.shape, len(self.kept)
        self.data_mean, self.data_std = model.data_mean, model.data_std

    def to(self, device):
        self.net.to(device)
        return self

    def device(self):
        return self.base.device()

    def standardise(self, raw):
        return self.base.standardise(raw)

    def unstandardise(self, x):
        return self.base.unstandardise(x)


def with_stride(model, stride: int):
    return model if int(stride) == 1 else Respaced(model, stride)
