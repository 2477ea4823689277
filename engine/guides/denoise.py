"""Denoising as a Guide on the one sampler: each reverse step multiplied by the Gaussian
likelihood of a noisy observation (the paper's SNR = 1 figure)."""
from __future__ import annotations

import math

import numpy as np
import torch

from engine.core.gaussian import GaussianDiffusion
from engine.core.respacing import with_stride
from engine.core.sampling import last_step, sample_progressive
from engine.guides.common import ProductGuide, check_image, summary


class DenoiseGuide(ProductGuide):
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


def add_noise(clean: np.ndarray, data_std, snr: float, seed: int = 0) -> np.ndarray:
    """y = x + noise with per-channel variance data_var / SNR (raw units)."""
    rng = np.random.default_rng(seed)
    return clean + rng.standard_normal(np.shape(clean)) * np.asarray(data_std) / math.sqrt(snr)


def denoise_progressive(model, noisy: np.ndarray, snr: float, n: int = 4, seed: int = 0, stride: int = 1,
                        likelihood: str = "gaussian", device=None):
    """Steps of denoising one whole image: standardised x (n, C, H, W); noisy (C, H, W) raw."""
    noisy = check_image(model, noisy)
    m = with_stride(model, stride)
    guide = DenoiseGuide(m.diffusion, torch.as_tensor(model.standardise(noisy)[None]), 1.0 / snr, likelihood)
    yield from sample_progressive(m, int(n), seed, device, guide, shape=noisy.shape)


def denoise(model, noisy=None, clean=None, snr: float = 1.0, n: int = 4, seed: int = 0, stride: int = 1,
            likelihood: str = "gaussian", device=None, progress=None) -> dict:
    """Posterior samples of the clean image given a noisy one at SNR = signal variance /
    noise variance (per channel, the data set's variance). Give `noisy`, or `clean` to
    have it noised here (with `seed`). (C, H, W) of any size, raw units. progress() hears
    of every sampler step."""
    if not snr > 0:
        raise ValueError(f"SNR must be positive, got {snr}")
    if noisy is None:
        if clean is None:
            raise ValueError("give a noisy image, or a clean one to add noise to")
        noisy = add_noise(check_image(model, clean), model.data_std, snr, seed)
    y = check_image(model, noisy)
    x = last_step(denoise_progressive(model, y, snr, n, seed, stride, likelihood, device), progress).x
    out = summary(model.unstandardise(x))
    out["noisy"] = y.astype(np.float32)
    if clean is not None:
        out["clean"] = np.asarray(clean, dtype=np.float32)
    return out
