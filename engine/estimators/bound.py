"""The bound K evaluated over every t on held-out data, and the null model L_null.
All sums in float64; everything reported in bits (per point, or per pixel for images)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch

from engine.core.diffusion import LN2, calc_dtype
from engine.core.sampling import batch_rows
from engine.data.images import dequantise



@dataclass
class BoundReport:
    K_bits: float
    K_stderr_bits: float
    L_null_bits: float
    per_step_kl_bits: list[float]   # t = 1..T; t = 1 is the fixed final step's edge term
    entropy_bits: float             # H_q(X_T|X_0) - H_q(X_1|X_0) - H_p(X_T)
    prior_bits: float
    T: int
    dims: int
    unit: str = "bits per point"
    extra: dict = field(default_factory=dict)

    @property
    def K_minus_Lnull_bits(self) -> float:
        return self.K_bits - self.L_null_bits

    def as_json(self) -> dict:
        out = {
            "K_bits": self.K_bits, "K_stderr_bits": self.K_stderr_bits,
            "K_minus_Lnull_bits": self.K_minus_Lnull_bits, "L_null_bits": self.L_null_bits,
            "per_step_kl_bits": self.per_step_kl_bits, "entropy_bits": self.entropy_bits,
            "prior_bits": self.prior_bits, "T": self.T, "dims": self.dims, "unit": self.unit,
        }
        out.update(self.extra)
        return out


@torch.no_grad()
def evaluate_bound(model, x0: np.ndarray, seed: int = 0, batch: int = 8192, device="cpu",
                   per: int | None = None, progress=None) -> BoundReport:
    """K over all t = 2..T (one x_t draw per point and step), per point in bits.

    `per` divides per-example figures (the number of dimensions for per-pixel units);
    progress(done, total), if given, hears of every (batch, step) evaluated (the CLI's bar).
    """
    diff, net = model.diffusion, model.net
    dev = torch.device(device)
    dt = calc_dtype(dev)
    c = diff.coefs(dev, dt)
    T, n = diff.T, len(x0)
    d = int(np.prod(x0.shape[1:]))
    per = per or 1
    gen = torch.Generator(device="cpu").manual_seed(seed)
    kl_sum = np.zeros(T + 1)
    total = np.zeros(n)
    net.eval()
    steps = range(diff.first_learned_step, T + 1)
    units, done = len(steps) * math.ceil(n / batch), 0
    for s in range(0, n, batch):
        xb = torch.as_tensor(x0[s:s + batch]).to(dev, dt)
        b = len(xb)
        edge, prior = diff.edge_and_prior(xb, c)
        per_ex = -(edge + prior)
        kl_sum[1] += edge.sum().item()   # the fixed final step's edge term, where it is fixed
        for t in steps:
            tt = torch.full((b,), t, device=dev, dtype=torch.long)
            kl, _ = diff.kl_term(net, xb, tt, diff.noise_like(xb, gen), c)
            kl_sum[t] += kl.sum().item()
            per_ex = per_ex - kl
            done += 1
            if progress is not None:
                progress(done, units)
        total[s:s + b] = per_ex.double().cpu().numpy()
    ent = float(diff.entropy_terms(d)) / LN2 / per
    total_bits = total / LN2 / per + ent
    prior_bits = float(diff.edge_and_prior(torch.as_tensor(x0).to(torch.float64), diff.coefs("cpu", torch.float64))[1].mean()) / LN2 / per
    null = diff.null_log_likelihood(x0) / LN2 / per
    return BoundReport(
        K_bits=float(total_bits.mean()),
        K_stderr_bits=float(total_bits.std(ddof=1) / math.sqrt(n)) if n > 1 else float("nan"),
        L_null_bits=float(null.mean()),
        per_step_kl_bits=[float(v) for v in kl_sum[1:] / n / LN2 / per],
        entropy_bits=ent, prior_bits=prior_bits, T=T, dims=d,
        unit="bits per sequence" if diff.family == "binomial" else "bits per pixel" if per > 1 else "bits per point",
    )


def image_bound(model, raw: np.ndarray, seed: int = 0, device="cpu", progress=None):
    """The bound on dequantised images, per pixel (per dimension, ÷ C·H·W), in bits.

    K_bits / L_null_bits: density of the data standardised to unit variance per channel,
      the units of the paper's dead leaves (1.489) and bark (-0.55) rows, where L_null,
      a unit Gaussian, is -½log2(2πe) = -2.047 bits per pixel.
    K_bits_unit01: the density of the [0, 1]-scaled data, K plus the standardisation's
      log-Jacobian -mean(log2 std).
    nll_bits_per_dim: log2(levels) - K_bits_unit01, an upper bound on the discrete data's
      negative log likelihood (the unit of the paper's CIFAR-10 figure, 5.4).
    """
    levels = int(model.config.data_args.get("levels", 256))
    x = dequantise(raw, levels, np.random.default_rng(seed))
    d = int(np.prod(model.shape))
    # 256 images a batch, fewer for large ones: the net's activations grow with pixels.
    rep = evaluate_bound(model, model.standardise(x), seed=seed, device=device, per=d,
                         batch=batch_rows(tuple(model.shape), 256), progress=progress)
    log_jac = -float(np.mean(np.broadcast_to(np.log2(model.data_std), (model.shape[0], 1, 1))))
    rep.unit = "bits per pixel"
    rep.extra.update(shape=list(model.shape), levels=levels, log_jacobian_bits=log_jac,
                     K_bits_unit01=rep.K_bits + log_jac, L_null_bits_unit01=rep.L_null_bits + log_jac,
                     nll_bits_per_dim=math.log2(levels) - (rep.K_bits + log_jac),
                     units="per pixel; K_bits on unit-variance standardised data (paper's table), "
                           "K_bits_unit01 on [0,1] data, nll_bits_per_dim discrete upper bound")
    return rep
