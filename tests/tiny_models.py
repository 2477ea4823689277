"""Tiny image models for the tests (seconds to train on a CPU), Qt-free so engine tests and
GUI tests share them. The net is the size-free multi-scale one; with no global context a
model trained on 16 px crops runs on 256×256 canvases."""
from __future__ import annotations

import numpy as np

TINY_NET = {"kind": "multiscale", "channels": 8, "layers": 2, "scales": 2, "J": 4, "context": 0}


def train_tiny(path, data: str = "texture", size: int = 16, T: int = 8, steps: int = 8, seed: int = 0, *,
               net: dict | None = None, n: int = 400, rows: int | None = None, batch: int = 16, held: int = 50,
               eval_every: int = 1000, eval_points: int = 20, lr: float | None = None):
    """Train and save a tiny image model on `data` crops of `size` px (the first `rows` of
    `n` made, all by default; the first `held` of them as the held-out set); returns the path."""
    import torch

    from engine.data.images import channel_stats, dequantise, make_images
    from engine.io.storage import save_model
    from engine.model import DiffusionModel, ModelConfig
    from engine.training import TrainConfig, train

    torch.manual_seed(seed)
    d = make_images(data, n=n, seed=seed, size=size)
    x = dequantise(d.train[:rows], int(d.args["levels"]), np.random.default_rng(seed))
    cfg = ModelConfig(data=data, data_args=d.args, shape=d.shape, T=T, beta1=1e-3, net=dict(net or TINY_NET))
    model = DiffusionModel(cfg, *channel_stats(x))
    for _ in train(model, model.standardise(x), model.standardise(x[:held]),
                   TrainConfig(steps=steps, batch=batch, eval_every=eval_every, eval_points=eval_points,
                               device="cpu", **({} if lr is None else {"lr": lr}))):
        pass
    save_model(model, path)
    return path


def train_tiny_vectors(path, data: str, n: int, seed: int = 0, held: int | None = None, *, train: dict, **config):
    """Train and save a tiny vector model (2-D points, standardised; or binary sequences,
    raw 0/1 under binomial diffusion) on `n` points of `data`; `config` are ModelConfig
    fields, `train` TrainConfig ones (the first `held` held-out points evaluate it)."""
    import torch

    from engine.data.catalogue import build
    from engine.io.storage import save_model
    from engine.model import DiffusionModel, ModelConfig
    from engine.training import TrainConfig, train as fit

    torch.manual_seed(seed)
    d = build(data, n=n, seed=seed)
    cfg = ModelConfig(data=data, shape=d.train.shape[1:], **config)
    model = DiffusionModel(cfg, d.train.mean(0), d.train.std(0))
    scale = (lambda a: a) if cfg.family == "binomial" else model.standardise
    for _ in fit(model, scale(d.train), scale(d.heldout[:held]), TrainConfig(device="cpu", **train)):
        pass
    save_model(model, path)
    return path
