"""What the worker does for each command, as generators of events. Runs only on the
worker thread; every array put in an event is copied so the GUI owns it."""
from __future__ import annotations

import time

import numpy as np
import torch

from . import messages as m
from .devices import pick_device
from .likelihood import evaluate_bound
from .model import DiffusionModel
from .sampling import collect, forward_trajectory, sample_progressive
from .storage import load_model, save_model
from .training import train
from . import jobs_product as _product_jobs
from . import jobs_data as _data_jobs
from . import jobs_inpaint as _inpaint_jobs
from . import jobs_paper as _paper_jobs


class EngineState:
    def __init__(self, device: str = "auto"):
        self.device = pick_device(device)
        self.model: DiffusionModel | None = None
        self.model_id = 0
        self.path = ""

    def require_model(self) -> DiffusionModel:
        if self.model is None:
            raise ValueError("no model yet: open one or train one first")
        return self.model

    def set_model(self, model: DiffusionModel, path: str = "") -> m.ModelChanged:
        """Adopt a new model (a new id, so the GUI drops views of the old one)."""
        self.model, self.model_id, self.path = model, self.model_id + 1, path
        return self.model_changed()

    def model_changed(self) -> m.ModelChanged:
        mod = self.require_model()
        a = mod.schedule.arrays()
        return m.ModelChanged(
            model_id=self.model_id, description=mod.describe(), config=_config_dict(mod),
            beta=a.beta.copy(), alpha_bar=a.alpha_bar.copy(), snr=a.snr.copy(),
            data_mean=mod.data_mean.copy(), data_std=mod.data_std.copy(),
            history={k: list(v) for k, v in mod.history.items()}, path=self.path, device=self.device.type)


def _config_dict(model) -> dict:
    import json
    return json.loads(model.config.to_json())


_EXTRA = (_product_jobs, _data_jobs, _inpaint_jobs, _paper_jobs)
DESCRIBE = {"train": "training", "sample": "sampling the reverse process", "diffuse": "running forward diffusion",
            "drift": "computing the drift field", "drift_series": "computing drift fields",
            "evaluate": "evaluating the bound", **{k: v for mod in _EXTRA for k, v in mod.DESCRIBE.items()}}
DONE = {"load": "model opened", "save": "model saved", "train": "training finished", "sample": "samples ready",
        "evaluate": "bound evaluated", **{k: v for mod in _EXTRA for k, v in mod.DONE.items()}}


def describe(cmd: m.Command) -> str:
    if cmd.kind in ("load", "save"):
        return f"{'opening' if cmd.kind == 'load' else 'saving'} {cmd.path}"
    return DESCRIBE.get(cmd.kind, cmd.kind)


def describe_done(cmd: m.Command) -> str:
    return DONE.get(cmd.kind, "done")


def run(state: EngineState, cmd: m.Command):
    handler = HANDLERS.get(type(cmd))
    if handler is None:
        raise ValueError(f"the engine does not know the command {type(cmd).__name__}")
    return handler(state, cmd)


def _load(state: EngineState, cmd: m.LoadModel):
    yield state.set_model(load_model(cmd.path, device=state.device), cmd.path)


def _save(state: EngineState, cmd: m.SaveModel):
    save_model(state.require_model(), cmd.path)
    state.path = cmd.path
    yield state.model_changed()


def _train(state: EngineState, cmd: m.Train):
    train_raw, held_raw = np.asarray(cmd.train, np.float64), np.asarray(cmd.heldout, np.float64)
    if cmd.model_config is not None:
        yield state.set_model(DiffusionModel(cmd.model_config, *_data_jobs.statistics(cmd.model_config, train_raw)))
        if cmd.show is not None:
            yield _forward(state, cmd.show, seed=0)
    model = state.require_model()
    if train_raw.shape[1:] != tuple(model.shape):
        raise ValueError(f"the data have shape {train_raw.shape[1:]}, the model expects {tuple(model.shape)}")
    yield from train_steps(state, model.standardise(train_raw), model.standardise(held_raw), cmd.config,
                           cmd.refresh_seconds, cmd.refresh_n)


def train_steps(state: EngineState, x_train: np.ndarray, x_held: np.ndarray, cfg, refresh_seconds: float,
                refresh_n: int):
    """Train the current model on standardised data: progress, fresh reverse samples every
    `refresh_seconds`, and the changed model at the end (also used by jobs_data)."""
    model = state.require_model()
    cfg.device = str(state.device)
    last_refresh = time.perf_counter()
    ais = _paper_jobs.TrainingAis(state, x_held)   # AIS log p beside some bound evaluations
    steps = train(model, x_train, x_held, cfg)
    try:
        for p in steps:
            yield m.TrainProgress(model_id=state.model_id, step=p.step, total=p.total, loss=p.loss,
                                  elapsed=p.elapsed, bound_bits=p.bound_bits,
                                  per_step_kl_bits=list(p.per_step_kl_bits) if p.per_step_kl_bits else None,
                                  beta=None if p.betas is None else p.betas.copy(), device=p.device)
            if p.bound_bits is not None:
                yield from ais.after_bound(model, p)
            if time.perf_counter() - last_refresh > refresh_seconds or p.done:
                yield _reverse(state, refresh_n, seed=p.step)
                last_refresh = time.perf_counter()
    finally:
        steps.close()   # now, not at garbage collection: keeps the optimiser state, leaves eval mode
    yield state.model_changed()


def _reverse(state: EngineState, n: int, seed: int) -> m.Trajectory:
    x, x0 = collect(sample_progressive(state.require_model(), n, seed=seed, device=state.device))
    return m.Trajectory(model_id=state.model_id, direction="reverse", x=x, x0_pred=x0)


def _sample(state: EngineState, cmd: m.Sample):
    model = state.require_model()
    steps = []
    for s in sample_progressive(model, cmd.n, seed=cmd.seed, device=state.device):
        steps.append(s)
        yield m.SampleStep(model_id=state.model_id, t=s.t, x=s.x.copy(),
                           x0_pred=None if s.x0_pred is None else s.x0_pred.copy())
    x, x0 = collect(steps)
    yield m.Trajectory(model_id=state.model_id, direction="reverse", x=x, x0_pred=x0)


def _forward(state: EngineState, raw: np.ndarray, seed: int) -> m.Trajectory:
    model = state.require_model()
    x = forward_trajectory(model.diffusion, model.standardise(raw), seed=seed)
    return m.Trajectory(model_id=state.model_id, direction="forward", x=x)


def _diffuse(state: EngineState, cmd: m.Diffuse):
    yield _forward(state, cmd.data, cmd.seed)


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


def _evaluate(state: EngineState, cmd: m.Evaluate):
    model = state.require_model()
    if len(model.shape) == 3:   # images: dequantised, bits per pixel, as `eval` does
        from .commands_images import image_bound
        rep = image_bound(model, np.asarray(cmd.data), seed=cmd.seed, device=state.device)
    else:
        rep = evaluate_bound(model, model.standardise(cmd.data), seed=cmd.seed, device=state.device)
    yield m.BoundResult(model_id=state.model_id, report=rep.as_json())


HANDLERS = {m.LoadModel: _load, m.SaveModel: _save, m.Train: _train, m.Sample: _sample,
            m.Diffuse: _diffuse, m.Drift: _drift, m.DriftSeries: _drift_series, m.Evaluate: _evaluate}
HANDLERS.update(_product_jobs.HANDLERS)     # p·r and the log-density map (2-D view)
HANDLERS.update(_data_jobs.HANDLERS)        # data sets by name; training on them
HANDLERS.update(_inpaint_jobs.HANDLERS)     # painting canvas: inpainting and denoising
HANDLERS.update(_paper_jobs.HANDLERS)       # entropy-production bounds
