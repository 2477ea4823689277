"""What every diffusion family shares: the schedule, T and its coefficients on a device,
and the small helpers the families use. Families (gaussian.py, binomial.py) each bring
their own forward step, reverse step, log-probabilities and bound terms, so the sampler and
the estimators never need to know which family they run."""
from __future__ import annotations

import math

import torch

from engine.core.schedules import Schedule

LN2 = math.log(2.0)


def calc_dtype(device: torch.device) -> torch.dtype:
    """Float64 for the bound wherever the device has it (MPS has not)."""
    return torch.float32 if torch.device(device).type == "mps" else torch.float64


def at(c: torch.Tensor, t: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """c[t] shaped to broadcast against a batch like `like`."""
    return c[t].view(-1, *([1] * (like.dim() - 1))).to(like.dtype)


class Diffusion:
    """What every family shares: the schedule, T and its coefficients on a device."""

    def __init__(self, schedule: Schedule):
        self.schedule = schedule
        self._cache: dict = {}

    @property
    def T(self) -> int:
        return self.schedule.T

    def coefs(self, device, dtype=None) -> dict[str, torch.Tensor]:
        """Schedule coefficients on `device`. Recomputed (with grad) for a trainable
        schedule; cached otherwise. The schedule itself stays float64 on the CPU."""
        dtype = dtype or calc_dtype(device)
        if self.schedule.trainable:
            return {k: v.to(device, dtype) for k, v in self.schedule.coefficients().items()}
        key = (str(device), dtype)
        if key not in self._cache:
            with torch.no_grad():
                self._cache[key] = {k: v.to(device, dtype) for k, v in self.schedule.coefficients().items()}
        return self._cache[key]
