"""Worker jobs for data sets named rather than sent: 2-D, binary and image sets (and
folder:PATH) are built here on the worker, so generating images never blocks the GUI, and
training on them follows the CLI's recipe (dequantised images, per-channel statistics,
binary data left as it is). Runs only on the worker thread; events carry copies."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from . import messages as m
from .datasets import BINARY_SETS, POINT_SETS, PointData, make_points
from .images import channel_stats, dequantise, is_image_data, make_images
from .model import DiffusionModel

N_MAX = 20000     # images generated at most (memory; as the CLI)


def family_of(name: str) -> str:
    """"image", "binary" or "points": which kind of model a data set trains."""
    if is_image_data(name):
        return "image"
    return "binary" if name in BINARY_SETS else "points"


def build(name: str, n: int, seed: int, args: dict | None = None) -> PointData:
    """Raw data by name; images quantised in [0, 1) with args["levels"]."""
    args = {k: v for k, v in (args or {}).items() if k != "levels"}
    if is_image_data(name):
        return make_images(name, n=min(int(n), N_MAX), seed=seed, **args)
    if name in BINARY_SETS or name in POINT_SETS:
        return make_points(name, n=int(n), seed=seed, noise=float(args.get("noise", 0.05)))
    raise ValueError(f"unknown data set {name!r}")


def training_arrays(config, data: PointData, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Raw arrays the model is fitted to: images dequantised (U(0, 1/L) per pixel, the
    paper's treatment of 8-bit data), everything else as it is."""
    if len(config.shape) == 3:
        levels = int(config.data_args.get("levels", data.args.get("levels", 256)))
        return (dequantise(data.train, levels, np.random.default_rng(seed)),
                dequantise(data.heldout, levels, np.random.default_rng(seed + 1)))
    return np.asarray(data.train, np.float64), np.asarray(data.heldout, np.float64)


def statistics(config, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Standardisation: per channel for images, none for binary data, per coordinate else."""
    if config.family == "binomial":
        return np.zeros(config.shape), np.ones(config.shape)
    if len(config.shape) == 3:
        return channel_stats(x)
    std = x.std(0)
    if not np.isfinite(x).all() or (std == 0).any():
        raise ValueError("the data must be finite and spread in every coordinate")
    return x.mean(0), std


def _ready(data: PointData, keep: int, tag: str) -> m.DataReady:
    return m.DataReady(name=data.name, args=dict(data.args), train=np.array(data.train[:keep]),
                       heldout=np.array(data.heldout[:keep]), n_train=len(data.train), tag=tag)


def _make_data(state, cmd: m.MakeData):
    yield _ready(build(cmd.name, cmd.n, cmd.seed, cmd.args), cmd.keep, cmd.tag)


def _train_named(state, cmd: m.TrainNamed):
    from . import jobs   # jobs imports this module for its handlers

    seed = cmd.config.seed
    if cmd.model_config is not None:
        data = build(cmd.name, cmd.n, seed, cmd.data_args)
        cfg = replace(cmd.model_config, data=data.name, shape=tuple(data.shape),
                      data_args={**cmd.model_config.data_args, **data.args})
        yield _ready(data, cmd.keep, "train")
        x_train, x_held = training_arrays(cfg, data, seed)
        model = DiffusionModel(cfg, *statistics(cfg, x_train))
        if data.name.startswith(("folder:", "file:")):
            model.heldout = np.array(data.heldout)      # saved with it: its held-out split
        yield state.set_model(model)
        if cmd.show_forward:
            yield jobs._forward(state, data.train[:cmd.show_forward], seed=0)
    else:
        model = state.require_model()
        c = model.config
        if cmd.name != c.data:
            raise ValueError(f"the model was trained on {c.data}, not {cmd.name}")
        data = build(c.data, cmd.n, seed + model.step, c.data_args)
        yield _ready(data, cmd.keep, "train")
        if tuple(data.shape) != tuple(model.shape):   # a new model takes its shape from the data
            raise ValueError(f"the data have shape {tuple(data.shape)}, the model expects {tuple(model.shape)}")
        x_train, x_held = training_arrays(c, data, seed + model.step)
    yield from jobs.train_steps(state, model.standardise(x_train), model.standardise(x_held), cmd.config,
                                cmd.refresh_seconds, cmd.refresh_n)


HANDLERS = {m.MakeData: _make_data, m.TrainNamed: _train_named}
DESCRIBE = {"data": "building the data set"}
DONE = {"data": "data set ready"}
