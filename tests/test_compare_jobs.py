"""Compare runs, engine side (engine/runtime/jobs/compare.py), called directly: a second
model beside the open one, the same noise for both where the shapes match, variants
trained without touching the open model, and a clear refusal for what is not supported."""
from dataclasses import replace

import numpy as np
import pytest
import torch

from engine.data.catalogue import build
from engine.io.storage import save_model
from engine.model import DiffusionModel, ModelConfig
from engine.runtime import jobs
from engine.runtime import protocol as m
from engine.runtime.jobs.compare import SUPPORTED, variant_config, variant_settings
from engine.training import TrainConfig, new_model

NET = {"kind": "mlp", "hidden": 16, "layers": 2, "J": 4}
TINY = TrainConfig(steps=12, batch=64, eval_every=6, eval_points=100, report_every=2)


def events(state, cmd):
    return [e for e in jobs.run(state, cmd) if e is not None]


def points_model(T: int, schedule: str = "snr", hidden: int = 16) -> DiffusionModel:
    torch.manual_seed(T)
    cfg = ModelConfig(data="swissroll", data_args={"noise": 0.05}, T=T, schedule=schedule, beta1=1e-3,
                      net=dict(NET, hidden=hidden))
    return new_model(cfg, build("swissroll", 400, 0, {"noise": 0.05}), seed=0).model


@pytest.fixture
def state(tmp_path):
    s = jobs.EngineState("cpu")
    s.set_model(points_model(10))
    return s


@pytest.fixture
def other_path(tmp_path):
    path = tmp_path / "other.h5"
    save_model(points_model(6, schedule="linear"), path)
    return path


def test_open_sample_and_close_leave_the_open_model_alone(state, other_path):
    main, main_id = state.model, state.model_id
    (opened,) = events(state, m.CompareOpen(str(other_path)))
    assert isinstance(opened, m.CompareChanged) and opened.compare_id == state.compare_id == 1
    assert opened.model.config["T"] == 6 and len(opened.model.beta) == 7 and opened.main_id == main_id
    (rev,) = events(state, m.CompareSample(n=50, seed=3))
    (fwd,) = events(state, m.CompareDiffuse(data=build("swissroll", 80, 1, {}).train, seed=0))
    (bound,) = events(state, m.CompareEvaluate(n=100))
    assert rev.x.shape == (7, 50, 2) and fwd.x.shape == (7, 80, 2) and rev.seed == 3
    assert len(bound.report["per_step_kl_bits"]) == 6 and np.isfinite(bound.report["K_bits"])
    assert state.model is main and state.model_id == main_id
    (closed,) = events(state, m.CompareClose())
    assert isinstance(closed, m.CompareClosed) and state.compare is None and closed.compare_id == 2
    with pytest.raises(ValueError, match="no model to compare"):
        events(state, m.CompareSample(n=5))


def test_same_seed_same_noise_where_shapes_match(state, other_path):
    events(state, m.CompareOpen(str(other_path)))
    main, other = state.model, state.compare
    main_rev = events(state, m.Sample(n=64, seed=11))[-1].x
    (rev,) = events(state, m.CompareSample(n=64, seed=11))
    (rev_other_seed,) = events(state, m.CompareSample(n=64, seed=12))
    # The reverse runs start from the same x_T (T = 10 against T' = 6) ...
    np.testing.assert_array_equal(main_rev[10], rev.x[6])
    assert not np.array_equal(rev_other_seed.x[6], rev.x[6])
    # ... and the forward runs add the same noise at each step both have.
    raw = build("swissroll", 60, 2, {}).train
    (main_fwd,) = events(state, m.Diffuse(data=raw, seed=0))
    (fwd,) = events(state, m.CompareDiffuse(data=raw, seed=0))
    np.testing.assert_allclose(main_fwd.x[0], fwd.x[0], atol=1e-6)   # same data, same statistics

    def noise(x, model, t):
        b = model.schedule.arrays().beta[t]
        return (x[t].astype(np.float64) - np.sqrt(1 - b) * x[t - 1]) / np.sqrt(b)
    for t in (1, 2, 6):
        np.testing.assert_allclose(noise(main_fwd.x, main, t), noise(fwd.x, other, t), atol=2e-3)
    (fwd_seed,) = events(state, m.CompareDiffuse(data=raw, seed=5))
    assert np.abs(noise(fwd_seed.x, other, 1) - noise(main_fwd.x, main, 1)).max() > 0.5


def test_variant_trains_beside_the_open_model(state):
    main, main_id, step = state.model, state.model_id, state.model.step
    data = build("swissroll", 400, 0, {"noise": 0.05})
    evs = events(state, m.CompareTrain(changes={"T": 6}, config=TINY, train=data.train, heldout=data.heldout))
    progress = [e for e in evs if isinstance(e, m.CompareProgress)]
    assert progress and progress[-1].step == 12 and any(p.bound_bits is not None for p in progress)
    last = evs[-1]
    assert isinstance(last, m.CompareChanged) and last.changes == {"T": 6}
    assert state.compare.T == 6 and state.compare.step == 12 and len(last.model.history["bound_bits"]) == 2
    assert state.model is main and state.model_id == main_id and main.step == step and main.T == 10
    assert state.compare.config.net == main.config.net and state.compare.config.schedule == main.config.schedule


def test_variant_by_name_and_each_setting(state):
    base = state.model.config
    assert variant_settings(base) == {"trainable_schedule": False, "T": 10, "schedule": "snr",
                                      "parameterisation": "eps", "width": 16}
    for change, check in (({"trainable_schedule": True}, lambda c: c.trainable_schedule),
                          ({"schedule": "cosine"}, lambda c: c.schedule == "cosine"),
                          ({"parameterisation": "paper"}, lambda c: c.parameterisation == "paper"),
                          ({"width": 24}, lambda c: c.net["hidden"] == 24 and c.net["layers"] == 2)):
        assert check(variant_config(base, change))
    with pytest.raises(ValueError, match="changes nothing"):
        variant_config(base, {"T": 10})
    with pytest.raises(ValueError, match="not lr"):
        variant_config(base, {"lr": 1.0})
    evs = events(state, m.CompareTrain(changes={"width": 8}, config=replace(TINY, steps=4), n=300))
    assert state.compare.config.net["hidden"] == 8 and state.compare.config.data == "swissroll"
    assert isinstance(evs[-1], m.CompareChanged)


def test_a_cancelled_variant_leaves_no_comparison(state):
    gen = jobs.run(state, m.CompareTrain(changes={"T": 5}, config=replace(TINY, steps=200), n=300))
    for ev in gen:
        if isinstance(ev, m.CompareProgress) and ev.step >= 4:
            break
    gen.close()              # what the worker does on Cancel("compare_train")
    assert state.compare is None and state.compare_id == 0


def test_other_kinds_are_refused_in_one_message(state, tmp_path):
    image = DiffusionModel(ModelConfig(data="digits", shape=(1, 8, 8), T=4, beta1=1e-3,
                                       net={"kind": "multiscale", "channels": 4, "layers": 1, "scales": 2,
                                            "J": 2, "context": 0}), np.zeros((1, 1, 1)), np.ones((1, 1, 1)))
    path = tmp_path / "digits.h5"
    save_model(image, path)
    with pytest.raises(ValueError, match=f"^{SUPPORTED}; digits.h5 is an image model$"):
        events(state, m.CompareOpen(str(path)))
    assert state.compare is None
    state.set_model(image)
    with pytest.raises(ValueError, match=f"{SUPPORTED}; the open model is an image model"):
        events(state, m.CompareTrain(changes={"T": 5}, config=TINY))


def test_the_worker_dispatches_compare_commands(state, other_path):
    from engine.runtime.worker import EngineWorker
    w = EngineWorker(device="cpu", threads=1)
    try:
        w.state.set_model(state.model)
        w.submit(m.CompareOpen(str(other_path)))
        w.submit(m.CompareSample(n=10, seed=1))
        got = []
        while not any(isinstance(e, m.CompareTrajectory) for e in got):
            ev = w.events.get(timeout=20)
            assert not isinstance(ev, m.JobFailed), ev.message
            got.append(ev)
        assert [e.text for e in got if isinstance(e, m.JobStarted)] == ["opening a model to compare",
                                                                           "sampling the comparison model"]
    finally:
        w.shutdown()
