"""RGBA pictures drawn over the painting canvas and the tiles: the mask (missing pixels in
the mask colour) and the posterior's fill of the hole (opaque on the missing pixels only,
so the known pixels underneath stay the observation)."""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor, QImage

from engine.data.image_io import to_uint8

from ... import theme
from .mask_model import THRESHOLD


def _rgba(rgb: np.ndarray, alpha: np.ndarray) -> QImage:
    """rgb (h, w, 3) or a colour (3,), alpha (h, w) uint8 -> an owned RGBA QImage."""
    h, w = alpha.shape
    out = np.empty((h, w, 4), np.uint8)
    out[..., :3] = rgb
    out[..., 3] = alpha
    return QImage(np.ascontiguousarray(out).data, w, h, 4 * w, QImage.Format_RGBA8888).copy()


def edge(region: np.ndarray) -> np.ndarray:
    """Pixels of `region` with a 4-neighbour outside it (or on the image's border)."""
    inner = region.copy()
    inner[1:] &= region[:-1]
    inner[:-1] &= region[1:]
    inner[:, 1:] &= region[:, :-1]
    inner[:, :-1] &= region[:, 1:]
    inner[0], inner[-1], inner[:, 0], inner[:, -1] = False, False, False, False
    return region & ~inner


def mask_overlay(alpha: np.ndarray, opacity: float, covered: np.ndarray | None = None) -> QImage:
    """The mask: missing pixels at `opacity`, a soft brush's sub-threshold halo fainter.
    Where `covered` (missing pixels the posterior's fill is drawn on) only the hole's
    outline is drawn, so the fill shows in its true grey levels."""
    a = np.where(alpha >= THRESHOLD, opacity, alpha * opacity * 0.6)
    if covered is not None:
        a = np.where(covered & ~edge(alpha >= THRESHOLD), 0.0, a)
    c = QColor(theme.SELECT)
    return _rgba(np.array([c.red(), c.green(), c.blue()], np.uint8), np.clip(a * 255, 0, 255).astype(np.uint8))


def fill_image(x: np.ndarray, keep: np.ndarray) -> QImage:
    """x (C, h, w) in [0, 1] drawn where `keep` (h, w) is True, transparent elsewhere."""
    u8 = to_uint8(np.nan_to_num(np.asarray(x, np.float64), nan=0.0))
    rgb = np.repeat(u8[0][..., None], 3, -1) if u8.shape[0] == 1 else np.moveaxis(u8[:3], 0, -1)
    return _rgba(rgb, np.where(keep, 255, 0).astype(np.uint8))
