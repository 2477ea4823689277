"""Model probability by annealed importance sampling (the paper's section 2.2, after
Jarzynski): p(x_0) = E_{q(x_{1..T}|x_0)}[ p(x_{0..T}) / q(x_{1..T}|x_0) ].

Averaging the weight over K forward trajectories per point (log-mean-exp) estimates
log p(x_0) itself. Each point's estimate is biased low for finite K (Jensen), but it lies
above the bound K and rises towards log p as K grows."""
from __future__ import annotations

import math

import numpy as np
import torch

from engine.core.diffusion import LN2, calc_dtype


@torch.no_grad()
def log_weights(model, x0: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """log p(x_{0..T}) - log q(x_{1..T}|x_0) for one forward trajectory per row, nats.
    The family supplies each log-probability, so this works for Gaussian and binary models.
    Each reverse term is added as soon as its two ends exist, so memory holds two steps of
    the path, not all T + 1."""
    diff, net = model.diffusion, model.net
    c = diff.coefs(x0.device, x0.dtype)
    prev = x0
    logw = torch.zeros(len(x0), dtype=x0.dtype, device=x0.device)
    for t in range(1, diff.T + 1):
        x = diff.q_step(prev, t, diff.noise_like(prev, gen), c)
        logw += diff.log_p_step(net, prev, x, t, c) - diff.log_q_step(x, prev, t, c)
        prev = x
    return logw + diff.log_prior(prev)


@torch.no_grad()
def ais_log_likelihood(model, x0: np.ndarray, trajectories: int = 100, seed: int = 0, device="cpu",
                       batch: int = 20000, per: int | None = None, progress=None) -> tuple[float, float, np.ndarray]:
    """(mean log p in bits, its standard error over points, per-point estimates in bits).
    `per` divides by the number of dimensions for per-pixel units; progress(done, n)
    hears of each batch of points."""
    dev = torch.device(device)
    dt = calc_dtype(dev)
    gen = torch.Generator(device="cpu").manual_seed(seed)
    model.net.eval()
    x = torch.as_tensor(np.asarray(x0)).to(dev, dt)
    n, k = len(x), int(trajectories)
    per_point = np.empty(n)
    rows = max(batch // k, 1)
    for s in range(0, n, rows):
        xb = x[s:s + rows]
        rep = xb.repeat_interleave(k, 0)
        lw = log_weights(model, rep, gen).view(len(xb), k)
        est = torch.logsumexp(lw, 1) - math.log(k)
        per_point[s:s + len(xb)] = est.double().cpu().numpy()
        if progress is not None:
            progress(s + len(xb), n)
    bits = per_point / LN2 / (per or 1)
    stderr = float(bits.std(ddof=1) / math.sqrt(n)) if n > 1 else float("nan")
    return float(bits.mean()), stderr, bits
