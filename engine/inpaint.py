"""Posterior sampling as Guides on the one sampler (engine.sampling.sample_progressive):
inpainting, denoising, and p·r for 2-D models (the paper's "multiplying distributions",
section 4 / figure 5), plus a respaced "preview" process that visits every k-th step.

Images go in and come out in raw units ([0, 1]); guides work in the model's standardised
space. Progressive Steps carry standardised x: use model.unstandardise to show them."""
from __future__ import annotations

import math

import numpy as np
import torch

from .diffusion import GaussianDiffusion
from .sampling import Guide, collect, sample_progressive
from .schedules import Schedule


# ---- respacing (live preview) ----------------------------------------------------------
def kept_steps(T: int, stride: int) -> list[int]:
    """Steps 1, 1+k, 1+2k, ... and always T: t = 1 keeps the fixed decoder step exact."""
    if stride < 1:
        raise ValueError(f"stride must be >= 1, got {stride}")
    return sorted(set(range(1, T + 1, stride)) | {T})


def respaced_betas(alpha_bar: np.ndarray, kept: list[int]) -> np.ndarray:
    """β' of the process that visits only the kept steps: ᾱ'_i = ᾱ_{kept[i]}, so
    β'_i = 1 - ᾱ'_i / ᾱ'_{i-1} (with ᾱ'_0 = 1); q(x_t | x_0) is unchanged at kept t."""
    ab = np.asarray(alpha_bar, dtype=np.float64)[kept]
    return 1.0 - ab / np.concatenate([[1.0], ab[:-1]])


class _StepMap(torch.nn.Module):
    """The network queried at the original step a respaced index stands for."""

    def __init__(self, net, kept: list[int]):
        super().__init__()
        self.inner = net
        self.register_buffer("table", torch.tensor([0, *kept], dtype=torch.long), persistent=False)

    def forward(self, x, t):
        return self.inner(x, self.table.to(t.device)[t])


class Respaced:
    """A model-like view (what sample_progressive reads) over every k-th step.

    Exact in distribution only for stride 1; for the "eps" parameterisation the mean is
    the usual DDPM respacing (ε and x_0 predictions carry over); the learned variance
    interpolates between the respaced β' and posterior variance as at full T.
    """

    def __init__(self, model, stride: int):
        self.base, self.stride = model, int(stride)
        self.kept = kept_steps(model.T, self.stride)
        betas = np.clip(respaced_betas(model.schedule.arrays().alpha_bar, self.kept), 1e-12, 1.0)
        self.schedule = Schedule(betas)
        self.diffusion = GaussianDiffusion(self.schedule, model.config.parameterisation)
        self.net = _StepMap(model.net, self.kept)
        self.shape, self.T = model.shape, len(self.kept)
        self.data_mean, self.data_std = model.data_mean, model.data_std

    def to(self, device):
        self.net.to(device)
        return self

    def device(self):
        return self.base.device()

    def standardise(self, raw):
        return self.base.standardise(raw)

    def unstandardise(self, x):
        return self.base.unstandardise(x)


def with_stride(model, stride: int):
    return model if int(stride) == 1 else Respaced(model, stride)


# ---- inpainting ------------------------------------------------------------------------
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

    def after_step(self, t, x, gen):
        noise = torch.randn(x.shape, generator=gen).to(x.device, x.dtype) if t > 0 else None
        return self._at(t, x, noise)


class _ProductGuide(Guide):
    """A guide whose adjust_mean also works out the product's variance; adjust_var hands it on."""
    _var = None

    def adjust_var(self, t, mean, var, x_t):
        return self._var if self._var is not None else var


# ---- denoising -------------------------------------------------------------------------
class DenoiseGuide(_ProductGuide):
    """Posterior sampling given y = x_0 + σ_y·η (standardised units, σ_y² = 1/SNR).

    In the reverse chain y depends on x_{t-1} only through x_0, so the exact posterior
    step is p(x_{t-1} | x_t, y) ∝ p(x_{t-1} | x_t)·p(y | x_{t-1}). With x_{t-1} =
    √ᾱ·x_0 + √(1-ᾱ)·ε (ᾱ = ᾱ_{t-1}) and y = x_0 + σ_y·η, p(y | x_{t-1}) needs
    p(x_0 | x_{t-1}); two Gaussian approximations give, as a function of x_{t-1}:

      "flat"      x_0 ≈ (x_{t-1} - √(1-ᾱ)ε)/√ᾱ with ε independent of x_{t-1} (no prior):
                  √ᾱ·y ~ N(x_{t-1}, ᾱσ_y² + 1 - ᾱ).  Good at small t; at large t it pulls
                  x toward 0 with unit precision, i.e. counts the prior twice.
      "gaussian"  x_0 | x_{t-1} from the unit-Gaussian prior the data were standardised
                  to: y ~ N(√ᾱ·x_{t-1}, 1 - ᾱ + σ_y²), i.e. a factor N(x_{t-1}; y/√ᾱ,
                  (1 - ᾱ + σ_y²)/ᾱ). Exact for Gaussian data (the chain then returns the
                  Wiener filter), uninformative at large t, equal to "flat" at t = 0.

    The perturbed step is the precision-weighted product of N(μ, Σ) and that factor:
      Σ' = (1/Σ + 1/v)⁻¹,  μ' = Σ'(μ/Σ + m/v);  x_T is drawn from the same product.
    """

    def __init__(self, diffusion: GaussianDiffusion, y: torch.Tensor, noise_var: float,
                 likelihood: str = "gaussian"):
        if likelihood not in ("gaussian", "flat"):
            raise ValueError(f"likelihood must be gaussian or flat, not {likelihood!r}")
        if not noise_var > 0:
            raise ValueError("the observation noise variance must be positive")
        self.diffusion, self.y, self.noise_var, self.likelihood = diffusion, y, float(noise_var), likelihood

    def factor(self, t: int, like: torch.Tensor):
        """(m, v): the observation's Gaussian factor on x_t."""
        ab = self.diffusion.coefs("cpu", torch.float64)["alpha_bar"][t].item()
        y = self.y.to(like.device, like.dtype).repeat_interleave(len(like) // len(self.y), 0)
        if self.likelihood == "flat":
            return math.sqrt(ab) * y, ab * self.noise_var + 1.0 - ab
        return y / math.sqrt(ab), (1.0 - ab + self.noise_var) / ab

    def _product(self, t, mean, var):
        m, v = self.factor(t, mean)
        prec = 1.0 / var + 1.0 / v
        return (mean / var + m / v) / prec, 1.0 / prec

    def start(self, x_T):
        mean, var = self._product(self.diffusion.T, torch.zeros_like(x_T), torch.ones_like(x_T))
        return mean + var.sqrt() * x_T

    def adjust_mean(self, t, mean, var, x_t):
        mean, self._var = self._product(t - 1, mean, var)
        return mean


# ---- 2-D: multiplying by a smooth r ----------------------------------------------------
class ScoreGuide(_ProductGuide):
    """p̃ ∝ p·r for a smooth r: each reverse step's mean moves by Σ·∂log r/∂x at μ
    (the paper's first-order perturbation). Subclasses give ∂log r/∂x in raw units (the
    chain rule to standardised units multiplies by the data std) and, where they know it,
    the curvature H = -∂²log r/∂x²: then the step is the Laplace product of N(μ, Σ) and r,
    μ + Σ/(1 + ΣH)·∂log r/∂x with variance Σ/(1 + ΣH) -- exact for a Gaussian r, equal to
    the first-order rule when ΣH ≪ 1, and stable when it is not. Without H, the step is
    capped at `max_step` (standardised units) so a sharp r cannot throw samples away."""

    def __init__(self, model, strength: float = 1.0, max_step: float = 0.5):
        self.std = torch.as_tensor(np.asarray(model.data_std, dtype=np.float32))
        self.mean = torch.as_tensor(np.asarray(model.data_mean, dtype=np.float32))
        self.strength, self.max_step = float(strength), float(max_step)

    def grad_log_r(self, x_raw: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def curvature(self) -> torch.Tensor | None:
        """-∂²log r/∂x² in raw units, or None where unknown."""
        return None

    def adjust_mean(self, t, mean, var, x_t):
        std, mu = self.std.to(mean.device), self.mean.to(mean.device)
        g = (self.strength * self.grad_log_r(mean.float() * std + mu) * std).to(mean.dtype)
        h = self.curvature()
        if h is None:
            self._var = None
            return mean + (var * g).clamp(-self.max_step, self.max_step)
        shrink = 1.0 / (1.0 + var * (self.strength * h * std ** 2).to(mean.dtype))
        self._var = var * shrink
        return mean + self._var * g


class BumpGuide(ScoreGuide):
    """r(x) = N(x; centre, diag(scale)²) in raw data units; scale is one number or one per axis."""

    def __init__(self, model, centre, scale, strength: float = 1.0):
        super().__init__(model, strength)
        scale = np.broadcast_to(np.asarray(scale, dtype=np.float32), self.std.shape)
        if not (scale > 0).all():
            raise ValueError("the bump's scale must be positive")
        self.centre = torch.as_tensor(np.asarray(centre, dtype=np.float32))
        self.scale = torch.as_tensor(scale.copy())

    def grad_log_r(self, x_raw):
        return -(x_raw - self.centre.to(x_raw.device)) / self.scale.to(x_raw.device) ** 2

    def curvature(self):
        return 1.0 / self.scale ** 2


class RegionGuide(ScoreGuide):
    """r = a painted region: a soft indicator on a grid (rows = y from extent[2] to
    extent[3], columns = x from extent[0] to extent[1]), smoothed by a Gaussian of
    `smooth` grid cells and floored, log r's gradient read bilinearly (zero outside)."""

    def __init__(self, model, grid: np.ndarray, extent, smooth: float = 2.0, floor: float = 1e-3,
                 strength: float = 1.0, max_step: float = 0.5):
        from scipy.ndimage import gaussian_filter

        super().__init__(model, strength, max_step)
        grid = np.clip(np.asarray(grid, dtype=np.float64), 0.0, 1.0)
        if grid.ndim != 2 or min(grid.shape) < 2:
            raise ValueError("the region must be a 2-D grid of at least 2×2 cells")
        x0, x1, y0, y1 = (float(v) for v in extent)
        if not (x1 > x0 and y1 > y0):
            raise ValueError("the region's extent must be (xmin, xmax, ymin, ymax) with max > min")
        log_r = np.log(gaussian_filter(grid, smooth) + floor)
        gy, gx = np.gradient(log_r, (y1 - y0) / (grid.shape[0] - 1), (x1 - x0) / (grid.shape[1] - 1))
        self.field = torch.as_tensor(np.stack([gx, gy])[None], dtype=torch.float32)   # (1, 2, H, W)
        self.extent = (x0, x1, y0, y1)

    def grad_log_r(self, x_raw):
        x0, x1, y0, y1 = self.extent
        u = 2 * (x_raw[:, 0] - x0) / (x1 - x0) - 1
        v = 2 * (x_raw[:, 1] - y0) / (y1 - y0) - 1
        where = torch.stack([u, v], -1).view(1, -1, 1, 2)
        g = torch.nn.functional.grid_sample(self.field.to(x_raw.device), where, align_corners=True,
                                            padding_mode="zeros")
        return g[0, :, :, 0].t()


# ---- whole posterior runs ----------------------------------------------------------------
def _batch(a: np.ndarray, dims: int) -> np.ndarray:
    a = np.asarray(a)
    return a[None] if a.ndim == dims else a


def _summary(samples: np.ndarray) -> dict:
    return {"samples": samples.astype(np.float32), "mean": samples.mean(1).astype(np.float32),
            "std": samples.std(1).astype(np.float32)}


def _missing(missing, image: np.ndarray, batched: bool) -> np.ndarray:
    """Missing-pixel mask broadcast to image (K, C, H, W): (H, W) for every tile and
    channel; (K, H, W) per tile when batched, else (C, H, W); or (K, C, H, W)."""
    m = np.asarray(missing, dtype=bool)
    if m.ndim == 2:
        m = m[None, None]
    elif m.ndim == 3:
        m = m[:, None] if batched else m[None]
    if m.ndim != 4:
        raise ValueError(f"mask of shape {np.shape(missing)} does not fit images of shape {image.shape}")
    try:
        return np.broadcast_to(m, image.shape)
    except ValueError:
        raise ValueError(f"mask of shape {np.shape(missing)} does not match the image's {image.shape[-2:]}") from None


def inpaint_progressive(model, image: np.ndarray, missing: np.ndarray, n: int = 4, seed: int = 0,
                        stride: int = 1, device=None):
    """Steps of inpainting (standardised x; batch = tiles × n, tile-major).
    image (C, H, W) or (K, C, H, W) in [0, 1]; missing as for `_missing`, True = fill."""
    batched = np.ndim(image) == 4
    image = _batch(image, 3)
    if image.shape[1:] != tuple(model.shape):
        raise ValueError(f"image shape {image.shape[1:]} does not match the model's {tuple(model.shape)}")
    known = ~_missing(missing, image, batched)
    m = with_stride(model, stride)
    guide = InpaintGuide(m.diffusion, torch.as_tensor(model.standardise(image)), torch.as_tensor(known.copy()))
    yield from sample_progressive(m, len(image) * int(n), seed, device, guide)


def inpaint(model, image, missing, n: int = 4, seed: int = 0, stride: int = 1, device=None) -> dict:
    """Posterior samples (n, C, H, W) [or (K, n, C, H, W)] in [0, 1] with the known pixels
    equal to the observation exactly, and their per-pixel mean and std."""
    batched = np.ndim(image) == 4
    image = _batch(np.asarray(image, dtype=np.float64), 3)
    x = collect(inpaint_progressive(model, image if batched else image[0], missing, n, seed, stride, device))[0][0]
    raw = np.clip(model.unstandardise(x), 0.0, 1.0).reshape(len(image), int(n), *image.shape[1:])
    known = ~_missing(missing, image, batched)
    raw = np.where(known[:, None], image[:, None], raw)    # write the observation itself
    out = _summary(raw)
    return out if batched else {k: v[0] for k, v in out.items()}


def add_noise(clean: np.ndarray, data_std, snr: float, seed: int = 0) -> np.ndarray:
    """y = x + noise with per-channel variance data_var / SNR (raw units)."""
    rng = np.random.default_rng(seed)
    return clean + rng.standard_normal(np.shape(clean)) * np.asarray(data_std) / math.sqrt(snr)


def denoise_progressive(model, noisy: np.ndarray, snr: float, n: int = 4, seed: int = 0, stride: int = 1,
                        likelihood: str = "gaussian", device=None):
    """Steps of denoising (standardised x; batch = images × n, image-major); noisy (K, C, H, W)."""
    m = with_stride(model, stride)
    guide = DenoiseGuide(m.diffusion, torch.as_tensor(model.standardise(noisy)), 1.0 / snr, likelihood)
    yield from sample_progressive(m, len(noisy) * int(n), seed, device, guide)


def denoise(model, noisy=None, clean=None, snr: float = 1.0, n: int = 4, seed: int = 0, stride: int = 1,
            likelihood: str = "gaussian", device=None) -> dict:
    """Posterior samples of the clean image given a noisy one at SNR = signal variance /
    noise variance (per channel, the data set's variance). Give `noisy`, or `clean` to
    have it noised here (with `seed`). (C, H, W) or batched (K, C, H, W) in raw units."""
    if not snr > 0:
        raise ValueError(f"SNR must be positive, got {snr}")
    if noisy is None:
        if clean is None:
            raise ValueError("give a noisy image, or a clean one to add noise to")
        noisy = add_noise(clean, model.data_std, snr, seed)
    batched = np.ndim(noisy) == 4
    y = _batch(np.asarray(noisy, dtype=np.float64), 3)
    if y.shape[1:] != tuple(model.shape):
        raise ValueError(f"image shape {y.shape[1:]} does not match the model's {tuple(model.shape)}")
    x = collect(denoise_progressive(model, y, snr, n, seed, stride, likelihood, device))[0][0]
    raw = model.unstandardise(x).reshape(len(y), int(n), *y.shape[1:])
    out = _summary(raw)
    out["noisy"] = y.astype(np.float32)
    if clean is not None:
        out["clean"] = _batch(np.asarray(clean), 3).astype(np.float32)
    return out if batched else {k: v[0] for k, v in out.items()}
