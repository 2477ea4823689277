"""Ancestral sampling from the learned reverse process, as a generator of steps, and the
forward process as whole trajectories. Conditioning (inpainting, p·r) plugs in as a
Guide: a hook into the one sampler, never a forked copy of it. The sampler walks a path
of steps: down is a reverse step, up a forward one (RePaint-style resampling)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from engine.devices import pick_device


@dataclass
class Step:
    t: int                        # this is x_t (t = T is the N(0, I) start, t = 0 the sample)
    x: np.ndarray                 # (n, *shape) float32, standardised space
    x0_pred: np.ndarray | None    # the model's prediction of x_0 from x_{t+1} (None at t = T)


class Noise:
    """The sampler's randomness: one CPU stream, so results do not depend on the device."""

    def __init__(self, seed: int = 0):
        self.gen = torch.Generator(device="cpu").manual_seed(int(seed))

    def normal(self, shape) -> torch.Tensor:
        return torch.randn(tuple(shape), generator=self.gen)

    def uniform(self, shape) -> torch.Tensor:
        return torch.rand(tuple(shape), generator=self.gen)


class WindowNoise(Noise):
    """Draws for a whole (H, W) canvas and hands out one window (y0, y1, x0, x1) of it, so a
    run on a crop sees exactly the numbers a run on the whole canvas would. Tests use it to
    check that the crop-plus-margin posterior equals the whole-image one."""

    def __init__(self, seed: int, canvas: tuple[int, int], window: tuple[int, int, int, int]):
        super().__init__(seed)
        self.canvas, self.window = tuple(canvas), tuple(window)

    def _cut(self, draw, shape):
        y0, y1, x0, x1 = self.window
        return draw((*tuple(shape)[:-2], *self.canvas))[..., y0:y1, x0:x1]

    def normal(self, shape):
        return self._cut(super().normal, shape)

    def uniform(self, shape):
        return self._cut(super().uniform, shape)


def descending(T: int) -> list[int]:
    """The plain path T, T-1, ..., 0."""
    return list(range(T, -1, -1))


def resampling_path(T: int, jump: int, times: int) -> list[int]:
    """RePaint's schedule (Lugmayr et al. 2022): walk down `jump` steps, then re-diffuse
    back up and walk down again, `times` passes over each block in all; the last block
    (ending at t = 0) is walked once. times = 1 is the plain path."""
    if jump < 1 or times < 1:
        raise ValueError(f"resampling needs jump >= 1 and times >= 1, got {jump}, {times}")
    path, t = [T], T
    while t > 0:
        stop = max(t - jump, 0)
        for rep in range(times if stop > 0 else 1):
            if rep:
                path += list(range(stop + 1, t + 1))
            path += list(range(t - 1, stop - 1, -1))
        t = stop
    return path


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

    def after_step(self, t: int, x: torch.Tensor, noise: Noise) -> torch.Tensor:
        """x_t just drawn; inpainting overwrites the known pixels here."""
        return x

    def network(self, net):
        """The network the sampler queries: inpainting asks only for the hole's outputs."""
        return net

    def predicted_x0(self, x0_pred: torch.Tensor) -> torch.Tensor:
        """x̂_0 as the steps report it: inpainting reports the known pixels as observed."""
        return x0_pred


def _device_of(model, device):
    return pick_device(device) if device is not None else model.device()


@torch.no_grad()
def sample_progressive(model, n: int, seed: int = 0, device=None, guide: Guide | None = None,
                       shape: tuple | None = None, path: list[int] | None = None, noise: Noise | None = None):
    """Yield Step(T, x_T, None), then Step(t, x_t, x0_pred) along `path` (default T-1 .. 0).
    `shape` is one sample's shape (images: any (C, H, W); default the model's). The family
    draws x_T and each step; the guide shapes them; this loop knows no family."""
    dev = _device_of(model, device)
    model.to(dev)
    model.net.eval()
    diff, guide = model.diffusion, guide or Guide()
    noise = noise or Noise(seed)
    path = path or descending(diff.T)
    if path[0] != diff.T or path[-1] != 0 or any(abs(a - b) != 1 for a, b in zip(path, path[1:])):
        raise ValueError("a sampling path starts at T, ends at 0 and moves one step at a time")
    c = diff.coefs(dev, torch.float32)
    x = guide.start(diff.prior_sample((int(n), *(shape or model.shape)), noise, dev))
    net = guide.network(model.net)
    yield Step(diff.T, x.cpu().numpy(), None)
    for t, nxt in zip(path, path[1:]):
        if nxt < t:
            x, x0_pred = diff.p_sample(net, x, t, c, noise, guide)
            x0_pred = guide.predicted_x0(x0_pred)
        else:       # re-diffuse one step (resampling); the guide re-imposes what it holds
            x, x0_pred = diff.q_step(x, nxt, diff.draw_noise(noise, x.shape).to(x), c), None
        x = guide.after_step(nxt, x, noise)
        yield Step(nxt, x.cpu().numpy(), None if x0_pred is None else x0_pred.cpu().numpy())


def last_step(steps, progress=None):
    """Run a progressive sampler to its end keeping only its last Step (a big image's whole
    trajectory need not fit in memory); progress(), if given, hears of every step."""
    last = None
    for last in steps:
        if progress is not None:
            progress()
    return last


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


# Activations of an image net grow with the pixels in a batch, not the samples: at most this
# many pixels go through it at once (64 images of 64×64; a few hundred MB of activations).
BATCH_PIXELS = 1 << 18


def batch_rows(shape: tuple, most: int) -> int:
    """Samples of this shape to run at once: `most`, fewer for large images (BATCH_PIXELS)."""
    if len(shape) == 3:
        return max(1, min(int(most), BATCH_PIXELS // (int(shape[-2]) * int(shape[-1]))))
    return int(most)


def batch_seed(seed: int, i: int) -> int:
    """The noise seed of batch i of a batched run: batch 0 uses `seed` itself (so a run that
    fits in one batch is the unbatched run); the others are spread far from small seeds."""
    return int(seed) if i == 0 else (int(seed) * 1_000_003 + i * 0x9E3779B97F4A7C15) % (1 << 63)


def sample_final(model, n: int, seed: int = 0, device=None, batch: int = 1000, progress=None) -> np.ndarray:
    """Only the samples x_0, (n, *shape), drawn in batches (memory stays O(batch); images
    also at most BATCH_PIXELS pixels per batch). progress(done, n) hears of each batch."""
    batch = batch_rows(tuple(model.shape), batch)
    out = []
    for i, s in enumerate(range(0, n, batch)):
        out.append(last_step(sample_progressive(model, min(batch, n - s), seed=seed * 7919 + i, device=device)).x)
        if progress is not None:
            progress(s + len(out[-1]), n)
    return np.concatenate(out) if out else np.empty((0, *model.shape), np.float32)
