"""What the worker knows between jobs: the device and the open model (with an id, so the
GUI can drop events about a model it no longer shows); and the trajectories every job
that changes a model sends back."""
from __future__ import annotations

import json

import numpy as np

from engine.core.sampling import collect, forward_trajectory, sample_progressive
from engine.devices import pick_device
from engine.model import DiffusionModel
from engine.runtime import protocol as m


class EngineState:
    def __init__(self, device: str = "auto"):
        self.device = pick_device(device)
        self.model: DiffusionModel | None = None
        self.model_id = 0
        self.path = ""
        # A second model shown beside the open one (engine/runtime/jobs/compare.py), with
        # ids of its own so the GUI drops events of a comparison it has closed.
        self.compare: DiffusionModel | None = None
        self.compare_id = 0
        self.compare_path = ""

    def require_model(self) -> DiffusionModel:
        if self.model is None:
            raise ValueError("no model yet: open one or train one first")
        return self.model

    def set_model(self, model: DiffusionModel, path: str = "") -> m.ModelChanged:
        """Adopt a new model (a new id, so the GUI drops views of the old one)."""
        self.model, self.model_id, self.path = model, self.model_id + 1, path
        return self.model_changed()

    def set_compare(self, model: DiffusionModel | None, path: str = "") -> int:
        """Adopt (or with None drop) the comparison model; the open model is untouched."""
        self.compare, self.compare_path = model, path
        self.compare_id += 1
        return self.compare_id

    def require_compare(self) -> DiffusionModel:
        if self.compare is None:
            raise ValueError("no model to compare with: open one or train a variant first")
        return self.compare

    def model_changed(self) -> m.ModelChanged:
        return model_event(self.require_model(), self.model_id, self.path, self.device.type)


def model_event(mod: DiffusionModel, model_id: int, path: str, device: str) -> m.ModelChanged:
    """What the views need to draw a model, as copies: for the open model and, nested in
    CompareChanged, for the comparison."""
    a = mod.schedule.arrays()
    return m.ModelChanged(
        model_id=model_id, description=mod.describe(), config=_config_dict(mod),
        beta=a.beta.copy(), alpha_bar=a.alpha_bar.copy(), snr=a.snr.copy(),
        data_mean=mod.data_mean.copy(), data_std=mod.data_std.copy(),
        history={k: list(v) for k, v in mod.history.items()}, path=path, device=device)


def _config_dict(model) -> dict:
    return json.loads(model.config.to_json())


def reverse_trajectory(state: EngineState, n: int, seed: int) -> m.Trajectory:
    x, x0 = collect(sample_progressive(state.require_model(), n, seed=seed, device=state.device))
    return m.Trajectory(model_id=state.model_id, direction="reverse", x=x, x0_pred=x0)


def forward_trajectory_event(state: EngineState, raw: np.ndarray, seed: int) -> m.Trajectory:
    model = state.require_model()
    x = forward_trajectory(model.diffusion, model.standardise(raw), seed=seed)
    return m.Trajectory(model_id=state.model_id, direction="forward", x=x)
