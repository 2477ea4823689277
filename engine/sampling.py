"""Ancestral sampling from the learned reverse process, as a generator of steps, and the
forward process as whole trajectories. Conditioning (inpainting, p·r) plugs in as a
Guide: a hook into the one sampler, never a forked copy of it."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .devices import pick_device


@dataclass
class Step:
    t: int                        # this is x_t (t = T is the N(0, I) start, t = 0 the sample)
    x: np.ndarray                 # (n, *shape) float32, standardised space
    x0_pred: np.ndarray | None    # the model's prediction of x_0 from x_{t+1} (None at t = T)


class Guide:
    """Hooks a conditioned sampler overrides. Both act on torch tensors on the device."""

    def start(self, x_T: torch.Tensor) -> torch.Tensor:
        return x_T

    def adjust_mean(self, t: int, mean: torch.Tensor, var: torch.Tensor, x_t: torch.Tensor) -> torch.Tensor:
        """Mean of p(x_{t-1}|x_t) before drawing; p·r shifts it by Σ ∂log r/∂x."""
        return mean

    def adjust_var(self, t: int, mean: torch.Tensor, var: torch.Tensor, x_t: torch.Tensor) -> torch.Tensor:
        """Variance of p(x_{t-1}|x_t) before drawing (after adjust_mean); a Gaussian
        likelihood (denoising) narrows it: the product of two Gaussians."""
        return var

    def after_step(self, t: int, x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
        """x_t just drawn; inpainting overwrites the known pixels here."""
        return x


def _device_of(model, device):
    return pick_device(device) if device is not None else model.device()


@torch.no_grad()
def sample_progressive(model, n: int, seed: int = 0, device=None, guide: Guide | None = None):
    """Yield Step(T, x_T, None), then Step(t, x_t, x0_pred) for t = T-1 .. 0."""
    dev = _device_of(model, device)
    model.to(dev)
    model.net.eval()
    if model.diffusion.family == "binomial":
        from .binomial import sample_progressive as binary_steps
        yield from binary_steps(model, n, seed, dev)
        return
    diff, guide = model.diffusion, guide or Guide()
    c = diff.coefs(dev, torch.float32)
    gen = torch.Generator(device="cpu").manual_seed(int(seed))

    def randn(shape):
        return torch.randn(shape, generator=gen).to(dev)

    shape = (int(n), *model.shape)
    x = guide.start(randn(shape))
    yield Step(diff.T, x.cpu().numpy(), None)
    for t in range(diff.T, 0, -1):
        mean, var, x0_pred = diff.reverse_mean_var(model.net, x, t, c)
        mean = guide.adjust_mean(t, mean, var, x)
        var = guide.adjust_var(t, mean, var, x)
        x = mean + var.sqrt() * randn(shape)
        x = guide.after_step(t - 1, x, gen)
        yield Step(t - 1, x.cpu().numpy(), x0_pred.cpu().numpy())


def collect(steps) -> tuple[np.ndarray, np.ndarray]:
    """Stack a progressive run into (T+1, n, ...) arrays indexed by t: x and x0_pred
    (x0_pred[T] is NaN: nothing has been predicted yet at the start)."""
    xs, preds = {}, {}
    for s in steps:
        xs[s.t] = s.x
        preds[s.t] = s.x0_pred if s.x0_pred is not None else np.full_like(s.x, np.nan)
    T = max(xs)
    return np.stack([xs[t] for t in range(T + 1)]), np.stack([preds[t] for t in range(T + 1)])


def sample_trajectory(model, n: int, seed: int = 0, device=None) -> np.ndarray:
    """The whole reverse trajectory, shape (T+1, n, *shape), reverse[t] = x_t."""
    return collect(sample_progressive(model, n, seed, device))[0]


@torch.no_grad()
def forward_trajectory(diffusion, x0: np.ndarray, seed: int = 0) -> np.ndarray:
    """Iterate q(x_t | x_{t-1}) from standardised data: (T+1, n, *shape), forward[0] = x0."""
    c = diffusion.coefs("cpu", torch.float64)
    gen = torch.Generator(device="cpu").manual_seed(int(seed))
    x = torch.as_tensor(np.asarray(x0), dtype=torch.float64)
    out = np.empty((diffusion.T + 1, *x.shape), dtype=np.float32)
    out[0] = x.numpy()
    for t in range(1, diffusion.T + 1):
        x = diffusion.q_step(x, t, diffusion.noise_like(x, gen), c)   # normal, or uniform for bits
        out[t] = x.numpy()
    return out


def sample_final(model, n: int, seed: int = 0, device=None, batch: int = 1000) -> np.ndarray:
    """Only the samples x_0, (n, *shape), drawn in batches (memory stays O(batch))."""
    out = []
    for i, s in enumerate(range(0, n, batch)):
        last = None
        for last in sample_progressive(model, min(batch, n - s), seed=seed * 7919 + i, device=device):
            pass
        out.append(last.x)
    return np.concatenate(out) if out else np.empty((0, *model.shape), np.float32)
