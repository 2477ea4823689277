"""Worker jobs that sample a model: reverse trajectories (streamed step by step), forward
diffusion of data, and the reverse step's mean and variance (drift arrows, ellipses)."""
from __future__ import annotations

import numpy as np
import torch

from engine.core.sampling import collect, sample_progressive
from engine.runtime import protocol as m
from engine.runtime.jobs.state import EngineState, forward_trajectory_event


def _sample(state: EngineState, cmd: m.Sample):
    model = state.require_model()
    shape = tuple(cmd.shape) if cmd.shape is not None else None
    if shape is not None and (len(shape) != len(model.shape) or (len(shape) == 3 and shape[0] != model.shape[0])
                              or (len(shape) != 3 and shape != tuple(model.shape))):
        raise ValueError(f"this model samples shape {tuple(model.shape)}{' at any H×W' if len(shape) == 3 else ''}, "
                         f"not {shape}")
    steps = []
    for s in sample_progressive(model, cmd.n, seed=cmd.seed, device=state.device, shape=shape):
        steps.append(s)
        yield m.SampleStep(model_id=state.model_id, t=s.t, x=s.x.copy(),
                           x0_pred=None if s.x0_pred is None else s.x0_pred.copy())
    x, x0 = collect(steps)
    yield m.Trajectory(model_id=state.model_id, direction="reverse", x=x, x0_pred=x0)


def _diffuse(state: EngineState, cmd: m.Diffuse):
    yield forward_trajectory_event(state, cmd.data, cmd.seed)


@torch.no_grad()
def _drift_at(state: EngineState, t: int, points: np.ndarray, tag: str = "") -> m.DriftField:
    model = state.require_model()
    t = int(np.clip(t, 1, model.T))
    x = torch.as_tensor(np.asarray(points, np.float32), device=state.device)
    mean, var, _ = model.diffusion.reverse_mean_var(model.net, x, t, model.diffusion.coefs(state.device, torch.float32))
    return m.DriftField(model_id=state.model_id, t=t, points=np.array(points, np.float32),
                        mean=mean.cpu().numpy().copy(), var=var.cpu().numpy().copy(), tag=tag)


def _drift(state: EngineState, cmd: m.Drift):
    yield _drift_at(state, cmd.t, cmd.points)


def _drift_series(state: EngineState, cmd: m.DriftSeries):
    for t in cmd.ts:
        yield _drift_at(state, t, cmd.points, cmd.tag)


HANDLERS = {m.Sample: _sample, m.Diffuse: _diffuse, m.Drift: _drift, m.DriftSeries: _drift_series}
DESCRIBE = {"sample": "sampling the reverse process", "diffuse": "running forward diffusion",
            "drift": "computing the drift field", "drift_series": "computing drift fields"}
DONE = {"sample": "samples ready"}
