"""Qt-free geometry for the overlays: arrows and ellipses as line-segment arrays (drawn by
one PlotDataItem each, which stays fast), point-in-polygon for the lasso, paths with NaN
breaks, and 2-D histograms for the density maps."""
from __future__ import annotations

import numpy as np

VIEW_RANGE = 3.2   # standardised data and N(0, I) noise both fit in ±3.2


def grid(n: int = 17, extent: float = 2.8) -> np.ndarray:
    g = np.linspace(-extent, extent, n, dtype=np.float32)
    xx, yy = np.meshgrid(g, g)
    return np.stack([xx.ravel(), yy.ravel()], 1)


def arrow_segments(start: np.ndarray, vec: np.ndarray, max_len: float, head: float = 0.3):
    """x, y arrays of point pairs (for connect='pairs'): a shaft and two head strokes per
    arrow. Vectors are scaled so the longest is `max_len` (drift per step is tiny)."""
    start, vec = np.asarray(start, float), np.asarray(vec, float)
    norms = np.linalg.norm(vec, axis=1)
    scale = max_len / max(norms.max(initial=0.0), 1e-12)
    v = vec * scale
    tip = start + v
    ang = np.arctan2(v[:, 1], v[:, 0])
    length = np.linalg.norm(v, axis=1, keepdims=True) * head
    strokes = [start, tip]
    for da in (np.pi * 0.85, -np.pi * 0.85):
        hx = tip + length * np.stack([np.cos(ang + da), np.sin(ang + da)], 1)
        strokes += [tip, hx]
    # Interleave into pairs: (s0, t0), (t0, h0a), (t0, h0b) for every arrow.
    pts = np.stack(strokes, 1).reshape(-1, 2)
    return pts[:, 0], pts[:, 1]


def ellipses(centres: np.ndarray, std: np.ndarray, n: int = 40):
    """x, y with NaN breaks: an axis-aligned ellipse (one std per axis) per centre."""
    centres, std = np.atleast_2d(centres), np.atleast_2d(std)
    a = np.linspace(0, 2 * np.pi, n)
    xs = centres[:, :1] + std[:, :1] * np.cos(a)[None]
    ys = centres[:, 1:2] + std[:, 1:2] * np.sin(a)[None]
    pad = np.full((len(centres), 1), np.nan)
    return np.hstack([xs, pad]).ravel(), np.hstack([ys, pad]).ravel()


def paths_xy(paths: np.ndarray | None):
    """(T+1, k, 2) paths -> x, y with NaN between paths, for one PlotDataItem."""
    if paths is None or paths.size == 0:
        return np.zeros(0), np.zeros(0)
    p = np.transpose(paths, (1, 0, 2)).astype(float)          # (k, T+1, 2)
    pad = np.full((p.shape[0], 1, 2), np.nan)
    p = np.concatenate([p, pad], 1).reshape(-1, 2)
    return p[:, 0], p[:, 1]


def inside_polygon(points: np.ndarray, poly: np.ndarray) -> np.ndarray:
    """Even-odd rule, vectorised over points: a boolean mask of points inside `poly`."""
    x, y = points[:, 0][:, None], points[:, 1][:, None]
    px, py = poly[:, 0][None], poly[:, 1][None]
    qx, qy = np.roll(px, -1, 1), np.roll(py, -1, 1)
    crosses = (py > y) != (qy > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        xint = px + (y - py) * (qx - px) / (qy - py)
    return ((crosses & (x < xint)).sum(1) % 2) == 1


def nearest(points: np.ndarray, at, radius: float) -> int | None:
    if points is None or len(points) == 0:
        return None
    d = np.hypot(points[:, 0] - at[0], points[:, 1] - at[1])
    i = int(np.argmin(d))
    return i if d[i] <= radius else None


def density(points: np.ndarray, bins: int = 64, extent: float = VIEW_RANGE) -> np.ndarray:
    """Smoothed 2-D histogram scaled to [0, 1] (bins x bins, x along axis 0 as ImageItem
    expects). A light blur keeps a few thousand points from looking like salt."""
    h, _, _ = np.histogram2d(points[:, 0], points[:, 1], bins=bins, range=[[-extent, extent]] * 2)
    k = np.array([1.0, 4.0, 6.0, 4.0, 1.0]) / 16.0
    for axis in (0, 1):
        h = np.apply_along_axis(lambda r: np.convolve(r, k, mode="same"), axis, h)
    return h / max(h.max(), 1e-12)
