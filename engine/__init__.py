"""Diffusion Explorer's engine: diffusion maths, models, data, training, sampling and
storage. Pure torch + numpy (no Qt), usable from a notebook, the CLI or the worker thread."""
from engine.model import DiffusionModel, ModelConfig

__all__ = ["DiffusionModel", "ModelConfig"]
