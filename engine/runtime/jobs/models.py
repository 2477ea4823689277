"""Worker jobs on model files and the bound: open, save, evaluate on held-out data."""
from __future__ import annotations

import numpy as np

from engine.estimators.bound import evaluate_bound, image_bound
from engine.io.storage import load_model, save_model
from engine.model import model_kind
from engine.runtime import protocol as m
from engine.runtime.jobs.state import EngineState


def _load(state: EngineState, cmd: m.LoadModel):
    yield state.set_model(load_model(cmd.path, device=state.device), cmd.path)


def _save(state: EngineState, cmd: m.SaveModel):
    save_model(state.require_model(), cmd.path)
    state.path = cmd.path
    yield state.model_changed()


def _evaluate(state: EngineState, cmd: m.Evaluate):
    model = state.require_model()
    if model_kind(model.config) == "image":   # dequantised, bits per pixel, as `eval` does
        rep = image_bound(model, np.asarray(cmd.data), seed=cmd.seed, device=state.device)
    else:
        rep = evaluate_bound(model, model.standardise(cmd.data), seed=cmd.seed, device=state.device)
    yield m.BoundResult(model_id=state.model_id, report=rep.as_json())


HANDLERS = {m.LoadModel: _load, m.SaveModel: _save, m.Evaluate: _evaluate}
DESCRIBE = {"evaluate": "evaluating the bound"}
DONE = {"load": "model opened", "save": "model saved", "evaluate": "bound evaluated"}
