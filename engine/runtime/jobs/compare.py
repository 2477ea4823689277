"""Worker jobs for Compare runs: a second model held beside the open one (EngineState's
compare slot), opened from a file or trained as a variant of the open model with one
setting changed. Its trajectories use the seed the GUI used for the open model's, so both
start from the same noise (x_T, and each step's draws, where the shapes match); its bound
and per-step KL come from the same estimator. The open model is never touched here.

Only 2-D point models are compared: the views that show both side by side are the 2-D ones;
anything else is refused with one clear message."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from engine.core.sampling import forward_trajectory, sample_trajectory
from engine.data.catalogue import build, heldout
from engine.data.split import PointData
from engine.estimators.bound import evaluate_bound
from engine.io.storage import load_model
from engine.model import DiffusionModel, ModelConfig, model_kind
from engine.runtime import protocol as m
from engine.runtime.jobs.state import EngineState, model_event
from engine.training import new_model, train

# What a variant may change, and how the dialog names each.
VARIANT_SETTINGS = {"trainable_schedule": "learn β", "T": "steps T", "schedule": "schedule",
                    "parameterisation": "parameterisation", "width": "width"}
SUPPORTED = "Compare runs works with 2-D point models"


def _check_points(kind: str, what: str) -> None:
    if kind != "points":
        raise ValueError(f"{SUPPORTED}; {what} is a{'n' if kind[0] in 'aeiou' else ''} {kind} model")


def width_key(net: dict) -> str:
    """The net's width setting: channels of a multi-scale net, hidden units of an MLP."""
    return "channels" if net.get("kind") == "multiscale" else "hidden"


def variant_settings(config: ModelConfig) -> dict:
    """The current value of every setting a variant may change."""
    return {"trainable_schedule": bool(config.trainable_schedule), "T": int(config.T),
            "schedule": config.schedule, "parameterisation": config.parameterisation,
            "width": int(config.net.get(width_key(config.net), 0))}


def variant_config(base: ModelConfig, changes: dict) -> ModelConfig:
    """`base` with `changes` applied (validated): the variant's model config."""
    unknown = set(changes) - set(VARIANT_SETTINGS)
    if unknown:
        raise ValueError(f"a variant may change {', '.join(VARIANT_SETTINGS)}, not {', '.join(sorted(unknown))}")
    current = variant_settings(base)
    if not changes or all(current[k] == v for k, v in changes.items()):
        raise ValueError("the variant changes nothing: choose a setting and a new value")
    c = dict(changes)
    net = dict(base.net)
    if "width" in c:
        net[width_key(net)] = int(c.pop("width"))
    if "T" in c:
        c["T"] = int(c["T"])
    if "trainable_schedule" in c:
        c["trainable_schedule"] = bool(c["trainable_schedule"])
    return replace(base, net=net, **c).validate()


def compare_changed(state: EngineState, changes: dict | None = None) -> m.CompareChanged:
    # model_id 0: the nested event describes no open model, so no view could take it for one.
    model = model_event(state.require_compare(), 0, state.compare_path, state.device.type)
    return m.CompareChanged(compare_id=state.compare_id, main_id=state.model_id, model=model,
                            changes=dict(changes or {}))


def _main_points(state: EngineState) -> DiffusionModel:
    main = state.require_model()
    _check_points(model_kind(main.config), "the open model")
    return main


def _open(state: EngineState, cmd: m.CompareOpen):
    main = _main_points(state)
    model = load_model(cmd.path, device=state.device)
    _check_points(model_kind(model.config), Path(cmd.path).name)
    if tuple(model.shape) != tuple(main.shape):
        raise ValueError(f"{Path(cmd.path).name} models shape {tuple(model.shape)}, the open model {tuple(main.shape)}")
    state.set_compare(model, cmd.path)
    yield compare_changed(state)


def _train_variant(state: EngineState, cmd: m.CompareTrain):
    """The open model's config with `changes`, trained from scratch by the one recipe
    (new_model + train); it becomes the comparison only when the run ends, so a cancelled
    variant leaves no half-trained comparison behind."""
    main = _main_points(state)
    cfg_model = variant_config(main.config, cmd.changes)
    seed = cmd.config.seed
    name = main.config.data
    if cmd.train is not None:
        held = cmd.heldout if cmd.heldout is not None else cmd.train[: max(len(cmd.train) // 10, 1)]
        data = PointData(name, np.asarray(cmd.train, np.float64), np.asarray(held, np.float64), {})
    else:
        data = build(name, cmd.n, seed, main.config.data_args)
    prep = new_model(cfg_model, data, seed)
    cfg = replace(cmd.config, device=str(state.device))
    steps = train(prep.model, prep.x_train, prep.x_held, cfg)
    try:
        for p in steps:
            yield m.CompareProgress(step=p.step, total=p.total, loss=p.loss, elapsed=p.elapsed,
                                    bound_bits=p.bound_bits,
                                    per_step_kl_bits=list(p.per_step_kl_bits) if p.per_step_kl_bits else None)
    finally:
        steps.close()
    state.set_compare(prep.model)
    yield compare_changed(state, cmd.changes)


def _sample(state: EngineState, cmd: m.CompareSample):
    model = state.require_compare()
    x = sample_trajectory(model, cmd.n, seed=cmd.seed, device=state.device)
    yield m.CompareTrajectory(compare_id=state.compare_id, direction="reverse", seed=cmd.seed, x=x)


def _diffuse(state: EngineState, cmd: m.CompareDiffuse):
    model = state.require_compare()
    x = forward_trajectory(model.diffusion, model.standardise(cmd.data), seed=cmd.seed)
    yield m.CompareTrajectory(compare_id=state.compare_id, direction="forward", seed=cmd.seed, x=x)


def _evaluate(state: EngineState, cmd: m.CompareEvaluate):
    model = state.require_compare()
    raw = heldout(model, cmd.n, seed=cmd.seed) if cmd.data is None else np.asarray(cmd.data)
    rep = evaluate_bound(model, model.standardise(raw), seed=cmd.seed, device=state.device)
    yield m.CompareBound(compare_id=state.compare_id, report=rep.as_json())


def _close(state: EngineState, cmd: m.CompareClose):
    state.set_compare(None)
    yield m.CompareClosed(compare_id=state.compare_id)


HANDLERS = {m.CompareOpen: _open, m.CompareTrain: _train_variant, m.CompareSample: _sample,
            m.CompareDiffuse: _diffuse, m.CompareEvaluate: _evaluate, m.CompareClose: _close}
DESCRIBE = {"compare_open": "opening a model to compare", "compare_train": "training a variant",
            "compare_sample": "sampling the comparison model", "compare_diffuse": "diffusing for the comparison",
            "compare_evaluate": "evaluating the comparison's bound", "compare_close": "closing the comparison"}
DONE = {"compare_open": "comparison opened", "compare_train": "variant trained", "compare_close": "comparison closed"}
