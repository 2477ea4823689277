"""Entropy-production bounds beyond the Gaussian 1-D check in test_estimators: the
binomial version against a brute-force conditional entropy, a trained Gaussian model's
reverse entropy between the bounds, and the worker's entropy and in-training AIS jobs."""
import itertools

import numpy as np
import pytest
import torch

from engine.runtime import jobs

from engine.runtime import protocol as m
from engine.estimators.entropy import binary_entropy_bounds
from engine.core.schedules import Schedule


def test_binary_bounds_bracket_the_true_reverse_entropy():
    """3-bit data with a skewed joint distribution: H(X_{t-1}|X_t) by enumerating all 8×8
    states (in bits per bit) lies between the per-bit bounds at every t."""
    T, d = 8, 3
    sched = Schedule.create("paper", T, 1.0 / T)
    a = sched.arrays()
    eb = binary_entropy_bounds(a.alpha_bar, a.beta)
    states = np.array(list(itertools.product([0, 1], repeat=d)), float)
    p0 = np.array([0.4, 0.05, 0.05, 0.1, 0.05, 0.05, 0.0, 0.3])

    def kernel(rate_keep):     # q(x_t = j | x_{t-1} = i) for per-bit flip-to-fair with β
        b = 1 - rate_keep
        on = states[:, None, :] * (1 - b) + 0.5 * b                   # P(bit = 1 | previous)
        return np.prod(np.where(states[None, :, :] > 0.5, on, 1 - on), -1)

    marg = p0
    for i, t in enumerate(eb.t):
        joint = marg[:, None] * kernel(1 - a.beta[t])                 # (x_{t-1}, x_t)
        pt = joint.sum(0)
        h = -np.nansum(joint * np.log(np.where(joint > 0, joint, 1))) + np.nansum(pt * np.log(np.where(pt > 0, pt, 1)))
        h /= d
        assert eb.lower[i] - 1e-9 <= h <= eb.upper[i] + 1e-9, (t, eb.lower[i], h, eb.upper[i])
        marg = pt
    assert np.isclose(marg, 1 / 8).all()           # x_T is uniform


def test_trained_gaussian_reverse_entropy_lies_within_the_bounds(tiny_model_path):
    from engine.estimators.entropy import with_model_entropy
    from engine.io.storage import load_model
    model = load_model(tiny_model_path)
    x0 = model.standardise(np.random.default_rng(0).normal(size=(400, 2)) * model.data_std + model.data_mean)
    eb = with_model_entropy(model, x0)
    width = eb.upper - eb.lower
    assert (width > 0).all()
    assert ((eb.model >= eb.lower - 0.25 * width) & (eb.model <= eb.upper + 0.25 * width)).all()


@pytest.fixture
def state(tiny_model_path):
    from engine.io.storage import load_model
    st = jobs.EngineState("cpu")
    st.model, st.model_id = load_model(tiny_model_path), 1
    return st


def test_entropy_job_reports_bits_for_the_current_model(state):
    (ev,) = [e for e in jobs.run(state, m.EntropyRequest()) if e is not None]   # None: checkpoints
    assert isinstance(ev, m.EntropyCurve) and ev.model_id == 1 and ev.family == "gaussian"
    assert len(ev.t) == state.model.T - 1 and np.isfinite(ev.model).all()
    assert (ev.lower <= ev.upper).all()


def test_training_yields_ais_beside_some_bound_evaluations(state):
    from engine.data.points import make_points
    from engine.runtime.jobs.training import train_steps
    from engine.training import Prepared, TrainConfig
    torch.manual_seed(0)
    d = make_points("swissroll", n=600, seed=3)
    model = state.model
    cfg = TrainConfig(steps=40, batch=64, eval_every=10, eval_points=300, report_every=10)
    prep = Prepared(model, model.standardise(d.train), model.standardise(d.heldout))
    evs = list(train_steps(state, prep, cfg, 1e9, 50))
    bounds = [e.step for e in evs if isinstance(e, m.TrainProgress) and e.bound_bits is not None]
    ais = [e for e in evs if isinstance(e, m.AisEstimate)]
    assert bounds == [model.step - 30, model.step - 20, model.step - 10, model.step]
    assert [e.step for e in ais] == [bounds[0], bounds[-1]]      # first, every third, last
    assert all(np.isfinite(e.ais_bits) and e.points == 200 and e.trajectories >= 16 for e in ais)
