"""Worker jobs for the 2-D view's p·r panel and log-density map. Both speak in the view's
standardised coordinates; the guides (engine/inpaint.py) work in raw units, so r is
carried across here. Runs only on the worker thread; events carry copies."""
from __future__ import annotations

import numpy as np

from engine.runtime import protocol as m
from engine.estimators.ais import ais_log_likelihood
from engine.guides.product import BumpGuide, RegionGuide, ScoreGuide
from engine.core.sampling import collect, sample_progressive


def raw_extent(model, extent) -> tuple:
    """A standardised box (x0, x1, y0, y1) in raw units (the map is affine per axis)."""
    mu, sd = np.asarray(model.data_mean, float), np.asarray(model.data_std, float)
    x0, x1, y0, y1 = (float(v) for v in extent)
    return (mu[0] + sd[0] * x0, mu[0] + sd[0] * x1, mu[1] + sd[1] * y0, mu[1] + sd[1] * y1)


def product_guide(model, cmd: m.SampleProduct) -> ScoreGuide:
    if tuple(model.shape) != (2,) or model.diffusion.family != "gaussian":
        raise ValueError("p·r needs a 2-D Gaussian diffusion model")
    if cmd.bump is not None:
        # r is round in the view's standardised coordinates z: N(z; c, scale²·I), which in raw
        # units is N(x; mean + std·c, diag(std·scale)²).
        cx, cy, scale = (float(v) for v in cmd.bump)
        std, mean = np.asarray(model.data_std, np.float64), np.asarray(model.data_mean, np.float64)
        return BumpGuide(model, mean + std * np.array([cx, cy]), scale * std, cmd.strength)
    if cmd.region is not None:
        grid = np.asarray(cmd.region, dtype=np.float64)
        if grid.max(initial=0.0) <= 0:
            raise ValueError("the painted region is empty")
        # A painted r is an indicator: its log has gradient only near the edge, so the
        # default pull is stronger than a bump's (strength scales ∂log r/∂x).
        return RegionGuide(model, grid, raw_extent(model, cmd.extent), smooth=2.5,
                           strength=3.0 * cmd.strength, max_step=0.5)
    raise ValueError("give r: a bump or a painted region")


def _product(state, cmd: m.SampleProduct):
    model = state.require_model()
    guide = product_guide(model, cmd)
    steps = []
    for s in sample_progressive(model, cmd.n, seed=cmd.seed, device=state.device, guide=guide):
        steps.append(s)
        yield m.ProductStep(t=s.t, tag=cmd.tag)      # a newer r cancels the run here
    x, _ = collect(steps)
    yield m.ProductTrajectory(model_id=state.model_id, tag=cmd.tag, x=x.astype(np.float32))


def grid_centres(n: int, extent: float) -> np.ndarray:
    """Cell centres of an n×n grid over [-extent, extent]², shape (n, n, 2) indexed [x, y]:
    an ImageItem with rect (-E, -E, 2E, 2E) puts each value on its cell."""
    c = -extent + (np.arange(n) + 0.5) * (2 * extent / n)
    xx, yy = np.meshgrid(c, c, indexing="ij")
    return np.stack([xx, yy], -1)


def _log_density(state, cmd: m.LogDensityGrid):
    model = state.require_model()
    if tuple(model.shape) != (2,):
        raise ValueError("the log-density map is for 2-D models")
    n, k = int(cmd.n), int(cmd.trajectories)
    if n < 2 or k < 1:
        raise ValueError("the map needs at least 2×2 points and one trajectory each")
    pts = grid_centres(n, cmd.extent).reshape(-1, 2)
    values = np.full(n * n, np.nan)
    # ~8k forward paths a batch: a few tenths of a second on a CPU, so the map paints in
    # column by column and a new request cancels within a batch.
    rows = max(1, 8192 // k)
    for i, s in enumerate(range(0, len(pts), rows)):
        chunk = pts[s:s + rows]
        _, _, bits = ais_log_likelihood(model, chunk, trajectories=k, seed=cmd.seed * 7919 + i,
                                        device=str(state.device), batch=rows * k)
        values[s:s + len(chunk)] = bits
        yield m.LogDensityMap(model_id=state.model_id, values=values.reshape(n, n).copy(), extent=float(cmd.extent),
                              done=s + len(chunk), total=len(pts), trajectories=k)


HANDLERS = {m.SampleProduct: _product, m.LogDensityGrid: _log_density}
DESCRIBE = {"product": "sampling p·r", "log_density": "estimating log p on a grid (AIS)"}
DONE = {"product": "p·r samples ready", "log_density": "log p map ready"}
