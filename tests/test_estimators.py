"""Binomial diffusion, AIS and the entropy-production bounds, each against a case whose
answer is known."""
import math

import numpy as np
import pytest
import torch

from engine.estimators.ais import ais_log_likelihood
from engine.data.binary import HeartbeatOracle, heartbeat
from engine.core.binomial import bernoulli_kl
from engine.estimators.entropy import entropy_bounds, with_model_entropy
from engine.estimators.bound import evaluate_bound
from engine.model import DiffusionModel, ModelConfig
from engine.core.sampling import forward_trajectory, sample_trajectory
from engine.core.schedules import Schedule
from tests.test_maths import gaussian_model, normal_pdf


def heartbeat_model(T, oracle=True):
    m = DiffusionModel(ModelConfig(family="binomial", data="heartbeat", shape=(20,), T=T,
                                   net={"kind": "mlp", "hidden": 16, "layers": 1, "J": 4, "time_input": True}), 0, 1)
    if oracle:
        m.net = HeartbeatOracle(m.diffusion)
    return m


def test_binomial_forward_matches_its_marginal_and_ends_uniform():
    m = heartbeat_model(10, oracle=False)
    x0 = heartbeat(20000, np.random.default_rng(0))
    traj = forward_trajectory(m.diffusion, x0, seed=0)
    ab = (10 - np.arange(11)) / 10            # β_t = 1/(T-t+1)  =>  ᾱ_t = (T-t)/T
    for t in (1, 4, 9):
        expect = ab[t] * x0.mean() + 0.5 * (1 - ab[t])
        assert traj[t].mean() == pytest.approx(expect, abs=0.01)
    assert traj[10].mean() == pytest.approx(0.5, abs=0.01)


def test_binomial_posterior_matches_bayes():
    m = heartbeat_model(10, oracle=False)
    diff, c = m.diffusion, m.diffusion.coefs("cpu", torch.float64)
    t = 6
    ab_prev, b = c["alpha_bar"][t - 1].item(), c["beta"][t].item()
    for x0 in (0.0, 1.0):
        for xt in (0.0, 1.0):
            prior1 = ab_prev * x0 + 0.5 * (1 - ab_prev)
            like = {1: (1 - b / 2) if xt else b / 2, 0: b / 2 if xt else 1 - b / 2}
            bayes = prior1 * like[1] / (prior1 * like[1] + (1 - prior1) * like[0])
            got = diff.posterior_rate(torch.tensor([[x0]], dtype=torch.float64), torch.tensor([[xt]], dtype=torch.float64),
                                      torch.tensor([t]), c)
            assert got.item() == pytest.approx(bayes, rel=1e-12)


def test_bernoulli_kl_against_direct_sum():
    p, q = torch.tensor(0.3, dtype=torch.float64), torch.tensor(0.8, dtype=torch.float64)
    direct = 0.3 * math.log(0.3 / 0.8) + 0.7 * math.log(0.7 / 0.2)
    assert bernoulli_kl(p, q).item() == pytest.approx(direct)


def test_heartbeat_bound_and_ais_of_the_exact_model():
    x0 = heartbeat(1500, np.random.default_rng(1))
    truth = math.log2(1 / 5)
    m = heartbeat_model(100)
    rep = evaluate_bound(m, x0, seed=0)
    assert rep.unit == "bits per sequence"
    assert rep.K_bits <= truth + 3 * rep.K_stderr_bits
    assert rep.K_bits > truth - 0.1          # the best factorised reverse model at T = 100
    assert rep.L_null_bits == pytest.approx(-20 * 0.7219, abs=0.05)   # 20 bits at rate 1/5
    ll, se, _ = ais_log_likelihood(m, x0[:100], trajectories=100, seed=0)
    assert abs(ll - truth) < 3 * se + 0.02 and ll > rep.K_bits
    worse = evaluate_bound(heartbeat_model(10), x0, seed=0)
    assert worse.K_bits < rep.K_bits - 0.1, "coarser steps must cost bits"


def test_heartbeat_samples_of_the_exact_model_are_heartbeats():
    s = sample_trajectory(heartbeat_model(50), 200, seed=0)[0]
    ok = [any(np.array_equal(row, ph) for ph in heartbeat(1, np.random.default_rng(k))) or
          (row.sum() == 4 and len(set(np.flatnonzero(row) % 5)) == 1) for k, row in enumerate(s)]
    assert np.mean(ok) > 0.9


def test_ais_agrees_with_the_exact_likelihood_of_gaussian_data():
    s2 = 0.09
    x0 = np.random.default_rng(2).normal(0, math.sqrt(s2), (400, 1)).astype(np.float32)
    truth = float(np.mean(np.log(normal_pdf(x0.astype(np.float64), 0, s2)))) / math.log(2)
    m = gaussian_model(s2)
    ll, se, per_point = ais_log_likelihood(m, x0, trajectories=64, seed=1)
    exact_pp = np.log(normal_pdf(x0[:, 0].astype(np.float64), 0, s2)) / math.log(2)
    assert abs(ll - truth) < 0.02, (ll, truth)           # the oracle model's p(x) is the data's
    err = np.abs(per_point - exact_pp)
    assert np.median(err) < 0.03 and err.max() < 0.25    # tails: 64 trajectories, ᾱ_T > 0
    assert ll >= evaluate_bound(m, x0, seed=1).K_bits - 3 * se


def test_entropy_bounds_bracket_the_true_reverse_entropy():
    """Unit-variance 1-D data, a mixture of two narrow bumps at ±1: compute H_q(X_{t-1}|X_t)
    by brute force on a grid and check it lies between the bounds."""
    sched = Schedule.create("snr", 12, 1e-3)
    a = sched.arrays()
    eb = entropy_bounds(a.alpha_bar, a.beta)
    assert np.all(eb.lower <= eb.upper + 1e-12)
    grid = np.linspace(-6, 6, 2401)
    dx = grid[1] - grid[0]
    sd0 = math.sqrt(1 - 0.99)                    # bumps at ±0.995 with variance 0.01: unit variance

    def marginal(t):
        v = a.alpha_bar[t] * 0.01 + 1 - a.alpha_bar[t]
        m = math.sqrt(a.alpha_bar[t]) * 0.995
        return 0.5 * (normal_pdf(grid, m, v) + normal_pdf(grid, -m, v))

    for i, t in enumerate(eb.t):
        p_prev = marginal(t - 1) if t > 1 else None
        joint = p_prev[:, None] * normal_pdf(grid[None, :], math.sqrt(1 - a.beta[t]) * grid[:, None], a.beta[t])
        joint /= joint.sum() * dx * dx
        p_t = joint.sum(0) * dx
        h_joint = -np.sum(joint * np.log(joint + 1e-300)) * dx * dx
        h_t = -np.sum(p_t * np.log(p_t + 1e-300)) * dx
        h_cond = h_joint - h_t                    # H(X_{t-1} | X_t)
        assert eb.lower[i] - 0.02 <= h_cond <= eb.upper[i] + 0.02, (t, eb.lower[i], h_cond, eb.upper[i])
    assert sd0 > 0


def test_learned_reverse_entropy_is_reported_per_step(tiny_model_path):
    from engine.io.storage import load_model
    m = load_model(tiny_model_path)
    x0 = np.random.default_rng(0).normal(size=(500, 2)).astype(np.float32)
    eb = with_model_entropy(m, x0)
    assert eb.model.shape == eb.t.shape and np.isfinite(eb.model).all()


def test_parzen_window_recovers_a_known_density():
    from engine.estimators.parzen import parzen_report
    rng = np.random.default_rng(0)
    truth = -math.log(2 * math.pi * math.e)            # E log N(x; 0, I) in 2-D, nats
    good = parzen_report(rng.normal(size=(2000, 2)), rng.normal(size=(1000, 2)))
    assert good["parzen_nats"] == pytest.approx(truth, abs=0.15)
    assert good["parzen_bits"] == pytest.approx(good["parzen_nats"] / math.log(2))
    assert 0.05 < good["parzen_sigma"] < 1.0
    wrong = parzen_report(rng.normal(size=(2000, 2)) * 2.5, rng.normal(size=(1000, 2)))
    assert wrong["parzen_nats"] < good["parzen_nats"] - 0.3


def test_bound_reports_progress_for_every_batch_and_step(tiny_model_path):
    """eval's progress bar: one report per (batch, step), ending at the total, and the
    figures are the same as without it."""
    from engine.io.storage import load_model
    model = load_model(tiny_model_path)
    x = np.random.default_rng(0).normal(size=(300, 2))
    seen = []
    rep = evaluate_bound(model, x, seed=1, batch=128, progress=lambda done, total: seen.append((done, total)))
    steps = model.T - model.diffusion.first_learned_step + 1
    assert seen == [(i, 3 * steps) for i in range(1, 3 * steps + 1)]
    assert rep.K_bits == evaluate_bound(model, x, seed=1, batch=128).K_bits


def test_ais_and_model_samples_report_progress_per_batch(tiny_model_path):
    """eval's AIS and Parzen bars: one report per batch, ending at the total, and the
    figures are the same as without them."""
    from engine.core.sampling import sample_final
    from engine.io.storage import load_model
    model = load_model(tiny_model_path)
    x = np.random.default_rng(0).normal(size=(50, 2)).astype(np.float32)
    seen = []
    ll = ais_log_likelihood(model, x, trajectories=8, seed=0, batch=160, progress=lambda d, n: seen.append((d, n)))
    assert seen == [(20, 50), (40, 50), (50, 50)]
    assert ll[0] == ais_log_likelihood(model, x, trajectories=8, seed=0, batch=160)[0]
    seen.clear()
    s = sample_final(model, 25, seed=3, batch=10, progress=lambda d, n: seen.append((d, n)))
    assert seen == [(10, 25), (20, 25), (25, 25)]
    np.testing.assert_array_equal(s, sample_final(model, 25, seed=3, batch=10))
