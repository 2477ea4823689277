"""Worker jobs that train: a new model or more training on the open one, on data sent
(points drawn in the GUI) or named (built here, so generating images never blocks the GUI).
Both follow the CLI's recipe (engine.training.new_model / continue_model). Progress,
fresh reverse samples every few seconds and AIS estimates stream back as events."""
from __future__ import annotations

import time

import numpy as np

from engine.data.catalogue import build
from engine.data.split import PointData
from engine.io.budget import check_memory, memory_limit, train_cost
from engine.runtime import protocol as m
from engine.runtime.jobs.paper import TrainingAis
from engine.runtime.jobs.state import EngineState, forward_trajectory_event, reverse_trajectory
from engine.training import TrainingDiverged, check_same_data, continue_model, new_model, train


def _ready(data: PointData, keep: int, tag: str) -> m.DataReady:
    return m.DataReady(name=data.name, args=dict(data.args), train=np.array(data.train[:keep]),
                       heldout=np.array(data.heldout[:keep]), n_train=len(data.train), tag=tag)


def _make_data(state, cmd: m.MakeData):
    yield _ready(build(cmd.name, cmd.n, cmd.seed, cmd.args), cmd.keep, cmd.tag)


def _train(state: EngineState, cmd: m.Train):
    """Data sent as arrays (raw): points the user drew or loaded."""
    name = cmd.model_config.data if cmd.model_config is not None else state.require_model().config.data
    data = PointData(name, np.asarray(cmd.train, np.float64), np.asarray(cmd.heldout, np.float64), {})
    seed = cmd.config.seed
    if cmd.model_config is not None:
        prep = new_model(cmd.model_config, data, seed)
        yield state.set_model(prep.model)
        if cmd.show is not None:
            yield forward_trajectory_event(state, cmd.show, seed=0)
    else:
        prep = continue_model(state.require_model(), data, seed)
    yield from train_steps(state, prep, cmd.config, cmd.refresh_seconds, cmd.refresh_n)


def _train_named(state, cmd: m.TrainNamed):
    """A data set by name, built here."""
    seed = cmd.config.seed
    if cmd.model_config is not None:
        data = build(cmd.name, cmd.n, seed, {**cmd.model_config.data_args, **(cmd.data_args or {})})
        yield _ready(data, cmd.keep, "train")
        prep = new_model(cmd.model_config, data, seed)
        yield state.set_model(prep.model)
        if cmd.show_forward:
            yield forward_trajectory_event(state, data.train[:cmd.show_forward], seed=0)
    else:
        model = state.require_model()
        name = check_same_data(model, cmd.name)
        data = build(name, cmd.n, seed + model.step, model.config.data_args)   # fresh draws each time
        yield _ready(data, cmd.keep, "train")
        prep = continue_model(model, data, seed + model.step)
    yield from train_steps(state, prep, cmd.config, cmd.refresh_seconds, cmd.refresh_n)


def train_steps(state: EngineState, prep, cfg, refresh_seconds: float, refresh_n: int):
    """Train the prepared model: progress, fresh reverse samples every `refresh_seconds`,
    and the changed model at the end."""
    model, x_train, x_held = prep.model, prep.x_train, prep.x_held
    cfg.device = str(state.device)
    # The data are in memory already; refuse a batch whose activations would not fit.
    check_memory(train_cost(model.config.net, tuple(model.shape), model.T, 0, cfg.steps, cfg.batch, cfg.eval_points,
                            cfg.eval_every), f"training with batches of {cfg.batch}", memory_limit(),
                 "try a smaller batch")
    last_refresh = time.perf_counter()
    ais = TrainingAis(state, x_held)   # AIS log p beside some bound evaluations
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
                yield reverse_trajectory(state, refresh_n, seed=p.step)
                last_refresh = time.perf_counter()
    except TrainingDiverged:
        # The model holds its last good weights again: show them, then fail with the message
        # (the GUI's banner), leaving a usable model open.
        steps.close()
        yield state.model_changed()
        yield reverse_trajectory(state, refresh_n, seed=model.step)
        raise
    finally:
        steps.close()   # now, not at garbage collection: keeps the optimiser state, leaves eval mode
    yield state.model_changed()


HANDLERS = {m.Train: _train, m.TrainNamed: _train_named, m.MakeData: _make_data}
DESCRIBE = {"train": "training", "data": "building the data set"}
DONE = {"train": "training finished", "data": "data set ready"}
