"""What the posterior guides share: the product-of-Gaussians hand-over between
adjust_mean and adjust_var, and batching helpers for images in raw units."""
from __future__ import annotations

import numpy as np

from engine.core.sampling import Guide


class ProductGuide(Guide):
    """A guide whose adjust_mean also works out the product's variance; adjust_var hands it on."""
    _var = None

    def adjust_var(self, t, mean, var, x_t):
        return self._var if self._var is not None else var


def summary(samples: np.ndarray) -> dict:
    """samples (n, ...) with their per-pixel mean and std (float64 sums: equal samples give
    std 0 and the mean the value itself)."""
    wide = np.asarray(samples, dtype=np.float64)
    return {"samples": np.asarray(samples, dtype=np.float32), "mean": wide.mean(0).astype(np.float32),
            "std": wide.std(0).astype(np.float32)}


def check_image(model, image, missing=None):
    """One (C, H, W) image (and an (H, W) mask) fit for this image model, else ValueError."""
    image = np.asarray(image, dtype=np.float64)
    C = model.shape[0]
    if image.ndim != 3 or image.shape[0] != C:
        raise ValueError(f"the image has shape {image.shape}; the model takes {C}-channel (C, H, W) images")
    if min(image.shape[1:]) < 2:
        raise ValueError(f"the image is {image.shape[2]}×{image.shape[1]} pixels; it needs at least 2×2")
    if not np.isfinite(image).all():
        raise ValueError("the image contains NaN or infinite values")
    if missing is None:
        return image
    missing = np.asarray(missing, dtype=bool)
    if missing.shape != image.shape[1:]:
        raise ValueError(f"the mask is {missing.shape[-1]}×{missing.shape[0]} pixels but the image is "
                         f"{image.shape[2]}×{image.shape[1]}")
    return image, missing
