"""Choosing the torch device: `auto` tries cuda, then mps, then cpu."""
from __future__ import annotations

import torch

CHOICES = ("auto", "cpu", "cuda", "mps")


def pick_device(name: str | torch.device = "auto") -> torch.device:
    if isinstance(name, torch.device):
        return name
    if name not in CHOICES:
        raise ValueError(f"unknown device {name!r}; choose from {', '.join(CHOICES)}")
    has_mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "mps" if has_mps else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("device cuda was asked for, but torch sees no CUDA GPU")
    if name == "mps" and not has_mps:
        raise ValueError("device mps was asked for, but this torch has no MPS backend here")
    return torch.device(name)
