"""Binary data sets: the paper's heartbeat toy (with its exact reverse model, the best any
reverse network of this form can do) and scikit-learn's digits thresholded to bits."""
from __future__ import annotations

import numpy as np
import torch

from engine.data.errors import DataError
from engine.data.split import PointData

BINARY_SETS = ("heartbeat", "bindigits")

def heartbeat(n: int, rng: np.random.Generator, length: int = 20, period: int = 5) -> np.ndarray:
    """Sequences of `length` bits with a 1 every `period`-th bin, the first pulse uniformly
    in the first `period` bins. True log likelihood: log2(1/period) bits per sequence."""
    phase = rng.integers(0, period, n)
    idx = np.arange(length)
    return ((idx[None, :] - phase[:, None]) % period == 0).astype(np.float32)


class HeartbeatOracle(torch.nn.Module):
    """The exact E[x_0 | x_t] for the heartbeat (a posterior over the `period` phases), as
    a network: the best any reverse model of this form can do, for tests and for choosing T."""

    def __init__(self, diff, length: int = 20, period: int = 5):
        super().__init__()
        self.diff = diff
        self.register_buffer("phases", torch.as_tensor(heartbeat_phases(length, period)))

    def forward(self, x_pm, t):
        xt = (x_pm.double() + 1) / 2
        c = self.diff.coefs("cpu", torch.float64)
        ab = c["alpha_bar"][t].view(-1, 1, 1)
        r = ab * self.phases[None].double() + 0.5 * (1 - ab)          # (B, P, L) rates under each phase
        ll = (xt[:, None] * r.log() + (1 - xt[:, None]) * (1 - r).log()).sum(-1)
        w = torch.softmax(ll, 1)
        x0 = (w[:, :, None] * self.phases[None].double()).sum(1).clamp(1e-9, 1 - 1e-9)
        return torch.logit(x0).float(), torch.zeros_like(x0).float()


def heartbeat_phases(length: int = 20, period: int = 5) -> np.ndarray:
    idx = np.arange(length)
    return np.stack([((idx - p) % period == 0) for p in range(period)]).astype(np.float32)


def bindigits(seed: int = 0) -> "PointData":
    """sklearn's 8×8 digits (shipped inside scikit-learn) thresholded at half intensity:
    64-bit vectors; a fixed 10% of the 1,797 images is held out."""
    from sklearn.datasets import load_digits
    images = (load_digits().images.reshape(-1, 64) >= 8).astype(np.float32)
    idx = np.random.default_rng(1234).permutation(len(images))
    k = len(images) // 10
    return PointData("bindigits", images[idx[k:]], images[idx[:k]], {})


def make_binary(name: str, n: int = 20000, seed: int = 0, n_heldout: int | None = None) -> PointData:
    """A binary set: heartbeats (train and held-out from independent streams) or bindigits."""
    if name == "bindigits":
        return bindigits(seed)
    if name != "heartbeat":
        raise DataError(f"unknown binary data set {name!r}; choose from {', '.join(BINARY_SETS)}")
    rng_train, rng_held = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    return PointData(name, heartbeat(n, rng_train), heartbeat(n_heldout or max(n // 5, 2000), rng_held), {})
