"""Default model and training settings per data set, and `pretrain`, which regenerates
the bundled models in assets/models/ reproducibly from a seed."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

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
}


def model_defaults(data: str) -> ModelConfig:
    return replace(POINTS_MODEL, data=data)


def train_defaults(data: str) -> TrainConfig:
    return replace(POINTS_TRAIN)


def register_pretrain(sub) -> None:
    p = sub.add_parser("pretrain", help="regenerate the bundled models in assets/models/")
    p.add_argument("names", nargs="*", help=f"which (default: all of {', '.join(PRETRAINED)})")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--steps-scale", type=float, default=1.0, help="scale every model's training steps")
    p.add_argument("--device", default="auto")
    p.add_argument("--out-dir", default=str(ASSETS))
