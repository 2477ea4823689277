"""Every data set by name: its kind (points | binary | image), how to build it, the one
held-out split a model is evaluated on, and how raw data become what a model is fitted to.
The CLI and the worker both come here, so a data set means the same thing everywhere."""
from __future__ import annotations

import numpy as np

from engine.data.binary import BINARY_SETS, make_binary
from engine.data.errors import DataError
from engine.data.images import IMAGE_SETS, canvas_images, channel_stats, dequantise, make_images
from engine.data.points import POINT_SETS, make_points
from engine.data.split import PointData

KINDS = ("points", "binary", "image")
N_IMAGES_MAX = 20000        # image patches generated at most (memory; more rarely helps here)
HELDOUT_SEED = 10_000       # held-out streams for evaluation start here: training never draws them


def is_image_data(name: str) -> bool:
    return name in IMAGE_SETS or str(name).startswith("folder:")


def kind_of(name: str) -> str:
    """"image", "binary" or "points": which kind of model a data set trains."""
    if is_image_data(name):
        return "image"
    return "binary" if name in BINARY_SETS else "points"


def build(name: str, n: int, seed: int, args: dict | None = None, n_heldout: int | None = None) -> PointData:
    """Raw data by name: 2-D points in their own units, bits, or images quantised in
    [0, 1) with args["levels"]. User files: `file:PATH`/PATH.csv|.npy, `folder:PATH`."""
    args = {k: v for k, v in (args or {}).items() if k != "levels"}
    kind = kind_of(name)
    if kind == "image":
        return make_images(name, n=min(int(n), N_IMAGES_MAX), seed=seed, n_heldout=n_heldout, **args)
    if kind == "binary":
        return make_binary(name, n=int(n), seed=seed, n_heldout=n_heldout)
    return make_points(name, n=int(n), seed=seed, noise=float(args.get("noise", 0.05)), n_heldout=n_heldout)


def heldout(model, n: int, seed: int = 0) -> np.ndarray:
    """Raw held-out data to evaluate `model` on: the split stored with a model of user data,
    else a fresh stream (or the set's fixed split) that training never sees. The one place
    that decides this: `eval`, the GUI's bound and the painting canvas all call it."""
    if model.heldout is not None:
        return np.asarray(model.heldout[:n])
    c = model.config
    data = build(c.data, 16, HELDOUT_SEED + int(seed), c.data_args, n_heldout=int(n))
    return np.asarray(data.heldout[:n])


def heldout_canvases(model, n: int, seed: int = 0) -> list[np.ndarray]:
    """Full-size held-out images (C, H, W) to paint on, at the model's pixel scale, as bin
    centres in [0, 1] (what read_image gives for a file): the held-out block of each
    source image, fresh dead leaves, the held-out digits, or a user folder's held-out crops."""
    c = model.config
    levels = int(c.data_args.get("levels", 256))
    if model.heldout is not None or not is_image_data(c.data) or c.data.startswith("folder:"):
        raw = list(heldout(model, n, seed))
    else:
        raw = canvas_images(c.data, c.data_args, n, HELDOUT_SEED + int(seed))
    return [np.clip(np.asarray(im, np.float64) + 0.5 / levels, 0.0, 1.0) for im in raw]


def training_arrays(config, data: PointData, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Raw arrays the model is fitted to: images dequantised (U(0, 1/L) per pixel, the
    paper's treatment of 8-bit data), everything else as it is."""
    if kind_of(config.data) == "image" or len(config.shape) == 3:
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
        raise DataError("the data must be finite and spread in every coordinate")
    return x.mean(0), std


__all__ = ["KINDS", "POINT_SETS", "BINARY_SETS", "IMAGE_SETS", "is_image_data", "kind_of", "build",
           "heldout", "heldout_canvases", "training_arrays", "statistics"]
