"""Default model and training settings per data set, and `pretrain`, which regenerates
the bundled models in assets/models/ reproducibly from a seed."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .datasets import BINARY_SETS
from .images import is_image_data
from .model import ModelConfig
from .training import TrainConfig

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "models"

# Chosen from the per-step KL plot and the bar in the README (see "Defaults").
POINTS_MODEL = ModelConfig(T=40, schedule="snr", beta1=3e-6, parameterisation="eps",
                           net={"kind": "mlp", "hidden": 64, "layers": 3, "J": 16})
POINTS_TRAIN = TrainConfig(steps=12000, batch=512, lr=3e-3)

PRETRAINED = {  # name -> (training-steps multiplier for the bundled model, data args)
    "swissroll": (3, {"noise": 0.05}),
    "moons": (1, {"noise": 0.05}),
    "eightgaussians": (1, {"noise": 0.05}),
    "checkerboard": (2, {"noise": 0.0}),
    "circles": (1, {"noise": 0.05}),
    "heartbeat": (2, {}),
    "digits": (1, {}),          # image models: 16×16 (see IMAGE_MODEL)
    "deadleaves": (1, {}),
    "texture": (1, {}),
    "patches": (1, {}),
}

# Images (16×16 patches): the paper's multi-scale convolutional net, sized to train in a
# few minutes on one CPU thread; T = 100 (the paper used 1000) with the log-SNR-linear
# schedule; β₁ = 1e-4 keeps the first step's noise (std 0.01) below a grey level's bin
# (≈ 0.03 in units of a texture's std), so the fixed final step costs little.
IMAGE_MODEL = ModelConfig(T=100, schedule="snr", beta1=1e-4, parameterisation="eps",
                          net={"kind": "multiscale", "channels": 32, "layers": 3, "dense": 64,
                               "dense_channels": 4, "conv1x1": 2, "J": 8})
IMAGE_TRAIN = TrainConfig(steps=3000, batch=32, lr=2e-3, eval_every=1000, eval_points=200)

# Binary data (binomial diffusion). T = 200: the exact reverse model of this form reaches
# -2.346 bits/seq there (-2.414 at T = 50, -2.376 at T = 100; bench/bench_binary.py prints these).
BINARY_MODEL = ModelConfig(family="binomial", T=200, schedule="paper",
                           net={"kind": "mlp", "hidden": 128, "layers": 3, "J": 16, "time_input": True})
BINARY_TRAIN = TrainConfig(steps=3000, batch=512, lr=3e-3, eval_every=1000)


def model_defaults(data: str) -> ModelConfig:
    if is_image_data(data):
        return replace(IMAGE_MODEL, data=data, net=dict(IMAGE_MODEL.net))
    if data in BINARY_SETS:
        return replace(BINARY_MODEL, data=data)
    return replace(POINTS_MODEL, data=data)


def train_defaults(data: str) -> TrainConfig:
    if is_image_data(data):
        return replace(IMAGE_TRAIN)
    if data in BINARY_SETS:
        return replace(BINARY_TRAIN)
    return replace(POINTS_TRAIN)


def register_pretrain(sub) -> None:
    p = sub.add_parser("pretrain", help="regenerate the bundled models in assets/models/")
    p.add_argument("names", nargs="*", help=f"which (default: all of {', '.join(PRETRAINED)})")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--steps-scale", type=float, default=1.0, help="scale every model's training steps")
    p.add_argument("--device", default="auto")
    p.add_argument("--out-dir", default=str(ASSETS))
