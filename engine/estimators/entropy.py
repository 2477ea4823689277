"""Bounds on entropy production (paper eq. 24 and Appendix A), for unit-variance data:

    H_q(X_t|X_{t-1}) + H_q(X_{t-1}|X_0) - H_q(X_t|X_0)  <=  H_q(X_{t-1}|X_t)  <=  H_q(X_t|X_{t-1})

The reverse step's entropy is pinned between two numbers that depend only on the schedule;
a learned reverse covariance f_Σ should keep within them.

For binomial diffusion every forward kernel factorises over bits and q(x_t|x_0) has the
same entropy for x_0 = 0 or 1, so each term is a Bernoulli entropy of the schedule alone;
the upper bound holds because the bit-flip kernel is doubly stochastic. The model's side is
the entropy of its factorised reverse step B(f_b(x_t, t)). `model_entropy_steps` picks the
family's bounds and step entropy."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch


def _h(var):
    """Differential entropy of a 1-D Gaussian of this variance, nats."""
    return 0.5 * np.log(2 * math.pi * math.e * np.asarray(var, dtype=np.float64))


@dataclass
class EntropyBounds:
    t: np.ndarray          # 2..T
    lower: np.ndarray      # nats per dimension
    upper: np.ndarray
    model: np.ndarray | None = None   # the learned reverse step's entropy, if a model was given


def entropy_bounds(alpha_bar: np.ndarray, beta: np.ndarray) -> EntropyBounds:
    """From schedule arrays indexed t = 0..T (as Schedule.arrays() gives them)."""
    T = len(beta) - 1
    t = np.arange(2, T + 1)
    upper = _h(beta[t])
    lower = _h(beta[t]) + _h(1 - alpha_bar[t - 1]) - _h(1 - alpha_bar[t])
    return EntropyBounds(t, lower, upper)


def with_model_entropy(model, x0: np.ndarray, seed: int = 0) -> EntropyBounds:
    """Bounds plus E_q[H(p(x_{t-1}|x_t))] per dimension from the model's f_Σ, on standardised
    data x0 (Gaussian models only)."""
    for out in model_entropy_steps(model, x0, seed):
        pass
    return out


def model_entropy_steps(model, x0: np.ndarray, seed: int = 0):
    """with_model_entropy one step t at a time: yields the bounds with `model` filled so far,
    so a worker job can stop between steps. x0 standardised (Gaussian) or bits (binary)."""
    a = model.schedule.arrays()
    diff = model.diffusion
    if diff.family == "binomial":
        bounds = binary_entropy_bounds(a.alpha_bar, a.beta)
        step = lambda xt, tt, c: _hb(diff.reverse_rate(model.net, xt, tt, c)[0].numpy())   # noqa: E731
    else:
        bounds = entropy_bounds(a.alpha_bar, a.beta)
        step = lambda xt, tt, c: _h(diff.p_mean_var(model.net, xt, tt, c)[1].numpy())      # noqa: E731
    yield from reverse_entropy_steps(model, x0, bounds, step, seed)


@torch.no_grad()
def reverse_entropy_steps(model, x0: np.ndarray, out: EntropyBounds, step_entropy, seed: int = 0):
    """Fill out.model with E_q[step_entropy(x_t, t)] (per dimension, averaged over x_0 and
    one forward draw of x_t), step by step, on the CPU in float64; yields `out` after each t."""
    diff = model.diffusion
    c = diff.coefs("cpu", torch.float64)
    gen = torch.Generator().manual_seed(seed)
    x = torch.as_tensor(np.asarray(x0), dtype=torch.float64)
    model.to("cpu")
    model.net.eval()
    ent = []
    for t in out.t:
        tt = torch.full((len(x),), int(t))
        xt = diff.q_sample(x, tt, diff.noise_like(x, gen), c)
        ent.append(float(step_entropy(xt, tt, c).mean()))
        out.model = np.asarray(ent)
        yield out


def _hb(p):
    """Bernoulli entropy, nats (0 at p = 0 or 1)."""
    p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -(p * np.log(p) + (1 - p) * np.log(1 - p))
    return np.nan_to_num(h, nan=0.0)


def binary_entropy_bounds(alpha_bar: np.ndarray, beta: np.ndarray) -> EntropyBounds:
    """Schedule arrays indexed t = 0..T; bounds for t = 1..T (the t = 1 step is learned
    here too, and H_q(X_0|X_0) = 0), nats per bit."""
    T = len(beta) - 1
    t = np.arange(1, T + 1)
    upper = _hb(0.5 * beta[t])
    lower = upper + _hb(0.5 * (1 - alpha_bar[t - 1])) - _hb(0.5 * (1 - alpha_bar[t]))
    return EntropyBounds(t, lower, upper)
