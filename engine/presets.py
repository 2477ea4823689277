"""Default model and training settings per data set, and `pretrain`, which regenerates
the bundled models in assets/models/ reproducibly from a seed."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from engine.data.catalogue import kind_of
from engine.model import ModelConfig
from engine.training import TrainConfig

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
    "digits": (1, {}),          # image models: see IMAGE_MODEL
    "deadleaves": (1, {}),
    "texture": (2.5, {}),       # 7,500 steps: the fill's power spectrum needs them (bench_inpaint)
    "brick": (1, {}),
    "patches": (1, {}),
}

# Images: the paper's multi-scale convolutional net, fully convolutional, trained on random
# crops (the data set's `size`) and run at any size. T = 100 (the paper used 1000) with the
# log-SNR-linear schedule; β₁ = 1e-4 keeps the first step's noise (std 0.01) below a grey
# level's bin (≈ 0.03 in units of a texture's std), so the fixed final step costs little.
# Stationary data (textures, dead leaves) get no global context, so a pixel's output sees
# only its receptive field (21 px with 3 layers at 3 scales: the painting canvas's window
# margin, so a wider field costs every stroke) and inpainting a window is exact; digits and
# photos pool a few global features (mean level, lighting) over the whole image.
IMAGE_MODEL = ModelConfig(T=100, schedule="snr", beta1=1e-4, parameterisation="eps",
                          net={"kind": "multiscale", "channels": 32, "layers": 3, "scales": 3, "context": 0,
                               "conv1x1": 2, "J": 8})
# Per data set, what differs from IMAGE_MODEL (a user's folder: as photos). Grass's blades
# and clumps are longer than 21 px: two layers at four scales see 30 px for the same cost
# per painted hole. At SNR_T = 0.03, x_T still holds 17% of the data's amplitude, most of it
# in grass's coarse waves, which the N(0, I) start lacks. At SNR_T = 0.001 the fill's power
# in four octave bands (16-32 px waves first) came out 0.83 / 0.95 / 0.97 / 1.13 of the
# truth's, not 0.78 / 0.88 / 0.87 / 1.01 (bench/bench_inpaint.py), for a bound 0.013
# bits/pixel lower.
IMAGE_SETTINGS = {"digits": {"net": {"context": 4}}, "patches": {"net": {"context": 4}},
                  "folder": {"net": {"context": 4}},
                  "texture": {"net": {"layers": 2, "scales": 4}, "snr_end": 1e-3}}
IMAGE_TRAIN = TrainConfig(steps=3000, batch=32, lr=2e-3, eval_every=1000, eval_points=200)

# Binary data (binomial diffusion). T = 200: the exact reverse model of this form reaches
# -2.346 bits/seq there (-2.414 at T = 50, -2.376 at T = 100; bench/bench_binary.py prints these).
BINARY_MODEL = ModelConfig(family="binomial", T=200, schedule="paper",
                           net={"kind": "mlp", "hidden": 128, "layers": 3, "J": 16, "time_input": True})
BINARY_TRAIN = TrainConfig(steps=3000, batch=512, lr=3e-3, eval_every=1000)


def model_defaults(data: str) -> ModelConfig:
    kind = kind_of(data)
    if kind == "image":
        own = IMAGE_SETTINGS.get("folder" if data.startswith("folder:") else data, {})
        return replace(IMAGE_MODEL, **{**own, "data": data, "net": {**IMAGE_MODEL.net, **own.get("net", {})}})
    if kind == "binary":
        return replace(BINARY_MODEL, data=data, net=dict(BINARY_MODEL.net))
    return replace(POINTS_MODEL, data=data, net=dict(POINTS_MODEL.net))


def train_defaults(data: str) -> TrainConfig:
    return replace({"image": IMAGE_TRAIN, "binary": BINARY_TRAIN, "points": POINTS_TRAIN}[kind_of(data)])
