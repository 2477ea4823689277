"""The paper's eq. 24 entropy-production bounds for binomial diffusion, per bit:

    H_q(X_t|X_{t-1}) + H_q(X_{t-1}|X_0) - H_q(X_t|X_0)  <=  H_q(X_{t-1}|X_t)  <=  H_q(X_t|X_{t-1})

Every forward kernel factorises over bits and q(x_t|x_0) has the same entropy for x_0 = 0
or 1, so each term is a Bernoulli entropy of the schedule alone. The upper bound holds
because the bit-flip kernel is doubly stochastic (entropy never falls along the chain).
The model's side is the entropy of its factorised reverse step B(f_b(x_t, t))."""
from __future__ import annotations

import numpy as np

from .entropy import EntropyBounds, reverse_entropy_steps


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


def binary_model_entropy_steps(model, x0: np.ndarray, seed: int = 0):
    """Bounds plus E_q[H(p(x_{t-1}|x_t))] per bit from the model's reverse rates, on binary
    data x0 (n, bits), one step t at a time (see entropy.model_entropy_steps)."""
    a = model.schedule.arrays()
    diff = model.diffusion
    yield from reverse_entropy_steps(model, x0, binary_entropy_bounds(a.alpha_bar, a.beta),
                                     lambda xt, tt, c: _hb(diff.reverse_rate(model.net, xt, tt, c)[0].numpy()), seed)
