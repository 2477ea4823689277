"""Forward-process β schedules and everything derived from them, in float64.

Conventions: steps are t = 1..T. Arrays indexed by t have length T+1 with a
harmless entry at t = 0 (β_0 = 0, ᾱ_0 = 1), so `alpha_bar[t]` reads like the maths.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

KINDS = ("snr", "linear", "cosine", "paper")
SNR_END = 0.03   # the snr schedule's SNR at t = T unless a model says otherwise


def make_betas(kind: str, T: int, beta1: float = 1e-4, beta_max: float = 1.0,
               snr_end: float = SNR_END) -> np.ndarray:
    """β_1..β_T (length T, float64) for a fixed schedule.

    snr     log-SNR falls linearly from SNR_1 = (1-β_1)/β_1 to SNR_T = snr_end; fine
            steps where the data is fine, coarse where it is noise.
    linear  β linear from β_1 to beta_max·(something sensible): DDPM's shape, rescaled to T.
    cosine  Nichol & Dhariwal 2021's ᾱ_t = cos²(((t/T)+s)/(1+s)·π/2), β clipped at 0.999.
    paper   Sohl-Dickstein et al. 2015: β_t = 1/(T-t+1) (erase a constant fraction of what
            is left), with β_1 fixed small.
    """
    if T < 2:
        raise ValueError(f"T must be at least 2, got {T}")
    if not 0.0 < beta1 < 1.0:
        raise ValueError(f"beta1 must lie in (0, 1), got {beta1}")
    t = np.arange(1, T + 1, dtype=np.float64)
    if kind == "snr":
        log_snr = np.linspace(np.log((1 - beta1) / beta1), np.log(snr_end), T)
        alpha_bar = 1.0 / (1.0 + np.exp(-log_snr))
        betas = 1.0 - alpha_bar / np.concatenate([[1.0], alpha_bar[:-1]])
    elif kind == "linear":
        # Scaled so the last step destroys what is left (ᾱ_T small) for any T.
        betas = np.linspace(beta1, min(beta_max, 20.0 / T), T)
    elif kind == "cosine":
        s = 0.008
        f = np.cos(((np.arange(T + 1) / T) + s) / (1 + s) * np.pi / 2) ** 2
        alpha_bar = f / f[0]
        betas = np.clip(1.0 - alpha_bar[1:] / alpha_bar[:-1], beta1, 0.999)
    elif kind == "paper":
        betas = 1.0 / (T - t + 1.0)
        betas[0] = beta1
    else:
        raise ValueError(f"unknown schedule {kind!r}; choose from {', '.join(KINDS)}")
    return np.clip(betas, 1e-12, 1.0)


@dataclass(frozen=True)
class ScheduleArrays:
    """Plain float64 views for plots and explanations (index t = 0..T)."""

    beta: np.ndarray
    alpha_bar: np.ndarray
    snr: np.ndarray
    post_var: np.ndarray  # variance of q(x_{t-1} | x_t, x_0); 0 at t <= 1


def coefficients(betas):
    """Every quantity derived from β (length T), float64, of length T+1 (index t).

    Posterior q(x_{t-1} | x_t, x_0) = N(c0·x_0 + ct·x_t, post_var) for t >= 2.
    Takes a torch tensor (differentiable in β, so a trainable schedule learns through
    these) or a numpy array (plots, without torch on the GUI thread): one formula for both.
    """
    if isinstance(betas, torch.Tensor):
        xp, betas = torch, betas.to(torch.float64)
        cat = torch.cat
    else:
        xp, betas = np, np.asarray(betas, dtype=np.float64)
        cat = np.concatenate
    beta = cat([xp.zeros_like(betas[:1]), betas])
    alpha = 1.0 - beta
    alpha_bar = xp.cumprod(alpha, 0)
    ab_prev = cat([xp.ones_like(betas[:1]), alpha_bar[:-1]])
    one_m_ab = xp.where(1.0 - alpha_bar > 1e-300, 1.0 - alpha_bar, 1e-300)
    post_var = beta * (1.0 - ab_prev) / one_m_ab
    post_var = xp.where(xp.arange(len(beta)) <= 1, xp.zeros_like(post_var), post_var)
    return {
        "beta": beta,
        "alpha_bar": alpha_bar,
        "alpha_bar_prev": ab_prev,
        "snr": alpha_bar / one_m_ab,
        "c0": xp.sqrt(ab_prev) * beta / one_m_ab,
        "ct": xp.sqrt(alpha) * (1.0 - ab_prev) / one_m_ab,
        "post_var": post_var,
    }


class Schedule(nn.Module):
    """β_1..β_T. Fixed, or trainable: β_1 stays fixed and β_2..β_T = sigmoid(θ),
    learned by gradient on the bound (the paper learns β for Gaussian diffusion)."""

    def __init__(self, betas: np.ndarray, trainable: bool = False):
        super().__init__()
        betas = np.asarray(betas, dtype=np.float64)
        if betas.ndim != 1 or len(betas) < 2 or not np.all((betas > 0) & (betas <= 1)):
            raise ValueError("betas must be a 1-D array of values in (0, 1] with T >= 2")
        self.trainable = trainable
        self.register_buffer("beta1", torch.tensor(betas[:1], dtype=torch.float64))
        if trainable:
            rest = torch.tensor(np.clip(betas[1:], 1e-9, 1 - 1e-9), dtype=torch.float64)
            self.theta = nn.Parameter(torch.logit(rest))
        else:
            self.register_buffer("rest", torch.tensor(betas[1:], dtype=torch.float64))

    @classmethod
    def create(cls, kind: str, T: int, beta1: float = 1e-4, trainable: bool = False, snr_end: float = SNR_END):
        return cls(make_betas(kind, T, beta1, snr_end=snr_end), trainable=trainable)

    @property
    def T(self) -> int:
        return 1 + (self.theta.numel() if self.trainable else self.rest.numel())

    def betas(self) -> torch.Tensor:
        rest = torch.sigmoid(self.theta) if self.trainable else self.rest
        return torch.cat([self.beta1, rest])

    def coefficients(self) -> dict[str, torch.Tensor]:
        return coefficients(self.betas())

    def arrays(self) -> ScheduleArrays:
        with torch.no_grad():
            c = self.coefficients()
        return ScheduleArrays(*(c[k].cpu().numpy().copy() for k in ("beta", "alpha_bar", "snr", "post_var")))
