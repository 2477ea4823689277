"""Reverse-process networks. `build_net(config)` makes the one a model config names."""
from __future__ import annotations

from torch import nn

from .mlp import VectorNet
from .multiscale import MultiScaleNet
from .temporal import TemporalBasis

__all__ = ["VectorNet", "MultiScaleNet", "TemporalBasis", "build_net"]


def build_net(net: dict, shape: tuple[int, ...], T: int) -> nn.Module:
    kind = net.get("kind", "mlp")
    args = {k: v for k, v in net.items() if k != "kind"}
    if kind == "mlp":
        if len(shape) != 1:
            raise ValueError(f"the mlp network takes vectors, not data of shape {shape}")
        return VectorNet(shape[0], T, **args)
    if kind == "multiscale":
        if len(shape) != 3:
            raise ValueError(f"the multiscale network takes images (C, H, W), not data of shape {shape}")
        if "dense" in args:
            raise ValueError("a fixed-size image network (dense pathway) from an older version; "
                             "retrain it (python main.py pretrain NAME, or train --data ...)")
        return MultiScaleNet(shape[0], T, **args)
    raise ValueError(f"unknown network kind {kind!r}")
