"""p̃ ∝ p·r for 2-D models (the paper's "multiplying distributions", section 2.5): a smooth r
shifts each reverse step's mean by Σ·∂log r/∂x."""
from __future__ import annotations

import numpy as np
import torch

from engine.guides.common import ProductGuide


class ScoreGuide(ProductGuide):
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
