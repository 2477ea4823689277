"""Inpainting as a Guide on the one sampler: the paper's r for known pixels (section 2.5,
figure 5), on an image of any size. Images go in and come out in raw units ([0, 1]); the
guide works in the model's standardised space. Progressive Steps carry standardised x.

The posterior is computed only over a window: the hole's bounding box grown by the
network's receptive radius and aligned to its pooling grid. Pixels further away cannot
reach the hole through any step (every step's known pixels come from the observation,
not the model), so for a network without global context the window gives exactly the
whole-image posterior, at a cost that follows the hole, not the image."""
from __future__ import annotations

import functools
import math

import numpy as np
import torch

from engine.core.gaussian import GaussianDiffusion
from engine.core.respacing import with_stride
from engine.core.sampling import Guide, Noise, last_step, resampling_path, sample_progressive
from engine.guides.common import check_image, summary
from engine.nets.multiscale import grid_box


class InpaintGuide(Guide):
    """The paper's r for inpainting: a delta on the known pixels, constant on the missing.

    Each x_t has its known pixels replaced by a forward-diffused copy of the observation,
    x_t = √ᾱ_t·x_obs + √(1-ᾱ_t)·ε, so only the missing pixels come from the model, which
    sees a consistent noisy context; at t = 0 the known pixels are the observation itself.
    obs (B, C, H, W) standardised; known (B, C, H, W) bool; B divides the batch.
    """

    def __init__(self, diffusion: GaussianDiffusion, obs: torch.Tensor, known: torch.Tensor):
        self.diffusion, self.obs, self.known = diffusion, obs, known

    def _expand(self, x):
        reps = len(x) // len(self.obs)
        obs = self.obs.to(x.device, x.dtype).repeat_interleave(reps, 0)
        return obs, self.known.to(x.device).repeat_interleave(reps, 0)

    def _at(self, t, x, noise):
        obs, known = self._expand(x)
        if t == 0:
            return torch.where(known, obs, x)
        ab = self.diffusion.coefs("cpu", torch.float64)["alpha_bar"][t].item()   # a float: read on the CPU
        return torch.where(known, math.sqrt(ab) * obs + math.sqrt(1.0 - ab) * noise, x)

    def start(self, x_T):
        return self._at(self.diffusion.T, x_T, x_T)     # x_T's own N(0, I) draw is the ε

    def after_step(self, t, x, noise):
        eps = noise.normal(x.shape).to(x.device, x.dtype) if t > 0 else None
        return self._at(t, x, eps)

    def network(self, net):
        """The net asked only for the outputs over the missing pixels' bounding box: every
        known pixel comes from the observation, so its output would be thrown away (a 64 px
        hole's ~110 px window then costs ~0.6× as much per step)."""
        box = bounding_box(~self.known.all(0).all(0).cpu().numpy())
        if box is None or not hasattr(getattr(net, "inner", net), "receptive_radius"):
            return net
        return functools.partial(net, region=box)

    def predicted_x0(self, x0_pred):
        obs, known = self._expand(x0_pred)
        return torch.where(known, obs, x0_pred)




def bounding_box(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    """(y0, y1, x0, x1) of the True pixels of an (H, W) mask; None if there are none."""
    rows, cols = np.flatnonzero(mask.any(1)), np.flatnonzero(mask.any(0))
    if not len(rows):
        return None
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def window_for(model, missing: np.ndarray, margin: int | None = None) -> tuple[int, int, int, int]:
    """(y0, y1, x0, x1): the missing pixels' bounding box grown by `margin` (default the
    network's receptive radius) with its corners on the pooling grid, clipped to the image."""
    H, W = missing.shape
    box = bounding_box(missing)
    if box is None:
        return 0, 0, 0, 0
    net = getattr(model.net, "inner", model.net)          # through a respaced view
    m = int(getattr(net, "receptive_radius", max(H, W)) if margin is None else margin)
    return grid_box(box, m, int(getattr(net, "multiple", 1)), H, W)


def inpaint_progressive(model, image: np.ndarray, missing: np.ndarray, n: int = 4, seed: int = 0,
                        stride: int = 1, device=None, window=None, resample: tuple[int, int] | None = None,
                        noise: Noise | None = None):
    """Steps of inpainting over `window` (y0, y1, x0, x1) of the image (the whole image by
    default): standardised x of shape (n, C, y1-y0, x1-x0). image (C, H, W) in [0, 1],
    missing (H, W), True = fill. `resample` = (jump, times) walks RePaint's path."""
    image, missing = check_image(model, image, missing)
    y0, y1, x0, x1 = window or (0, image.shape[1], 0, image.shape[2])
    crop = image[:, y0:y1, x0:x1]
    known = np.broadcast_to(~missing[y0:y1, x0:x1], crop.shape)
    m = with_stride(model, stride)
    guide = InpaintGuide(m.diffusion, torch.as_tensor(model.standardise(crop)[None]),
                         torch.as_tensor(known.copy()[None]))
    path = resampling_path(m.T, *resample) if resample else None
    yield from sample_progressive(m, int(n), seed, device, guide, shape=crop.shape, path=path, noise=noise)


def paste(image: np.ndarray, window, crop: np.ndarray) -> np.ndarray:
    """Copies of `image` (C, H, W) with the window replaced by each of `crop` (n, C, h, w)."""
    y0, y1, x0, x1 = window
    out = np.repeat(np.asarray(image, dtype=np.float32)[None], len(crop), 0)
    out[:, :, y0:y1, x0:x1] = crop
    return out


def finish(model, image: np.ndarray, missing: np.ndarray, window, x: np.ndarray) -> np.ndarray:
    """Final standardised window samples -> whole images in [0, 1], known pixels exactly
    the observation (the paper's r is a delta there)."""
    raw = np.clip(model.unstandardise(x), 0.0, 1.0)
    return np.where(missing, paste(image, window, raw), np.asarray(image, np.float32)[None]).astype(np.float32)


def inpaint(model, image, missing, n: int = 4, seed: int = 0, stride: int = 1, device=None,
            resample: tuple[int, int] | None = None, margin: int | None = None, progress=None) -> dict:
    """Posterior samples (n, C, H, W) in [0, 1] with the known pixels equal to the
    observation exactly, their per-pixel mean and std, and the window computed;
    progress() hears of every sampler step."""
    image, missing = check_image(model, image, missing)
    window = window_for(model, missing, margin)
    if window[1] == window[0]:          # nothing to fill
        samples = np.repeat(image[None].astype(np.float32), int(n), 0)
    else:
        x = last_step(inpaint_progressive(model, image, missing, n, seed, stride, device, window, resample),
                      progress).x
        samples = finish(model, image, missing, window, x)
    return {**summary(samples), "window": np.asarray(window)}
