"""Parzen-window log likelihood, the estimator behind the seed's MNIST table (the code of
Goodfellow et al. 2014, as used by Sohl-Dickstein et al. 2015): an isotropic Gaussian
kernel on each model sample, its width chosen by likelihood on a validation split, then
the mean log density of the test set. In the data's own units (pixels in [0, 1])."""
from __future__ import annotations

import math

import numpy as np
import torch

TABLE = (  # the seed's table (MNIST), as printed there
    ("Stacked CAE", 121, 1.6), ("DBN", 138, 2.0), ("Deep GSN", 214, 1.1),
    ("Diffusion (Sohl-Dickstein et al.)", 220, 1.9), ("Adversarial net", 225, 2.0),
)


def _sq_dists(samples: np.ndarray, x: np.ndarray, batch: int = 256) -> torch.Tensor:
    """(len(x), len(samples)) squared distances, float64."""
    s = torch.as_tensor(np.asarray(samples, np.float64).reshape(len(samples), -1))
    xs = torch.as_tensor(np.asarray(x, np.float64).reshape(len(x), -1))
    s2 = (s ** 2).sum(1)
    return torch.cat([((xb ** 2).sum(1, keepdim=True) - 2 * xb @ s.T + s2[None, :]).clamp_min(0)
                      for xb in xs.split(batch)])


def _log_kernel_mean(sq: torch.Tensor, d: int, sigma: float) -> np.ndarray:
    """log mean_j N(x_i; s_j, σ² I) from the squared distances, nats."""
    return (torch.logsumexp(-0.5 * sq / sigma ** 2, 1) - math.log(sq.shape[1])
            - 0.5 * d * math.log(2 * math.pi * sigma ** 2)).numpy()


def parzen_log_likelihood(samples: np.ndarray, x: np.ndarray, sigma: float, batch: int = 256) -> np.ndarray:
    """log p(x) per row in nats: log mean_j N(x; s_j, σ² I)."""
    return _log_kernel_mean(_sq_dists(samples, x, batch), int(np.prod(np.shape(samples)[1:])), sigma)


def choose_sigma(samples: np.ndarray, valid: np.ndarray, sigmas=None) -> tuple[float, float]:
    """The width with the best mean validation log likelihood: (σ, that likelihood)."""
    sigmas = np.logspace(-2, 0, 21) if sigmas is None else sigmas
    sq, d = _sq_dists(samples, valid), int(np.prod(np.shape(samples)[1:]))   # once, for every σ
    scores = [float(_log_kernel_mean(sq, d, s).mean()) for s in sigmas]
    i = int(np.argmax(scores))
    if 0 < i < len(sigmas) - 1:   # refine between the neighbours
        fine = np.geomspace(sigmas[i - 1], sigmas[i + 1], 11)
        scores_f = [float(_log_kernel_mean(sq, d, s).mean()) for s in fine]
        j = int(np.argmax(scores_f))
        return float(fine[j]), scores_f[j]
    return float(sigmas[i]), scores[i]


def parzen_report(samples: np.ndarray, heldout: np.ndarray, seed: int = 0) -> dict:
    """Split `heldout` into validation (bandwidth) and test halves; nats and bits per example."""
    idx = np.random.default_rng(seed).permutation(len(heldout))
    half = len(idx) // 2
    valid, test = heldout[idx[:half]], heldout[idx[half:]]
    sigma, _ = choose_sigma(samples, valid)
    ll = parzen_log_likelihood(samples, test, sigma)
    se = float(ll.std(ddof=1) / math.sqrt(len(ll)))
    return {"parzen_nats": float(ll.mean()), "parzen_stderr_nats": se,
            "parzen_bits": float(ll.mean() / math.log(2)), "parzen_stderr_bits": se / math.log(2),
            "parzen_sigma": sigma, "parzen_samples": int(len(samples)), "parzen_test_points": int(len(test)),
            "parzen_table": [{"model": m, "log_likelihood": v, "stderr": e} for m, v, e in TABLE]}
