"""The diffusion maths against brute force: posterior by Bayes on a grid, KL by Monte
Carlo, iterated forward steps against q(x_t|x_0), and the bound against a case whose exact
log likelihood is known."""
import math

import numpy as np
import pytest
import torch
from torch import nn

from engine.core.gaussian import GaussianDiffusion, gaussian_kl
from engine.estimators.bound import evaluate_bound
from engine.io.limits import ConfigError
from engine.model import DiffusionModel, ModelConfig
from engine.core.sampling import forward_trajectory
from engine.core.schedules import KINDS, Schedule, make_betas


def normal_pdf(x, m, v):
    return np.exp(-0.5 * (x - m) ** 2 / v) / np.sqrt(2 * np.pi * v)


@pytest.mark.parametrize("kind", KINDS)
def test_schedules_are_valid(kind):
    b = make_betas(kind, 40, 1e-4)
    assert b.shape == (40,) and np.all(b > 0) and np.all(b <= 1)
    a = Schedule.create(kind, 40, 1e-4).arrays()
    assert a.alpha_bar[0] == 1.0 and np.all(np.diff(a.alpha_bar) < 0)
    assert a.alpha_bar[-1] < 0.05, "the forward process must end near N(0, I)"
    assert np.allclose(a.snr[1:], a.alpha_bar[1:] / (1 - a.alpha_bar[1:]))


def test_models_set_the_final_snr_and_old_configs_keep_theirs():
    model = DiffusionModel(ModelConfig(shape=(1,), T=30, beta1=1e-3, snr_end=1e-3), 0.0, 1.0)
    assert np.isclose(model.schedule.arrays().snr[-1], 1e-3)
    old = ModelConfig.from_json('{"shape": [1], "T": 30, "beta1": 0.001}')    # saved before snr_end existed
    assert old.snr_end == 0.03
    assert np.isclose(DiffusionModel(old, 0.0, 1.0).schedule.arrays().snr[-1], 0.03)
    with pytest.raises(ConfigError, match="snr_end"):
        ModelConfig.from_json('{"shape": [1], "snr_end": -1}')


def test_paper_schedule_erases_a_constant_fraction():
    b = make_betas("paper", 10, 1e-3)
    assert b[0] == 1e-3 and np.allclose(b[1:], 1.0 / (10 - np.arange(2, 11) + 1))
    assert b[-1] == 1.0


@pytest.mark.parametrize("t", [2, 5, 9])
def test_posterior_matches_bayes_on_a_grid(t):
    sched = Schedule.create("linear", 10, 1e-2)
    diff = GaussianDiffusion(sched)
    c = diff.coefs("cpu", torch.float64)
    beta, ab_prev = c["beta"][t].item(), c["alpha_bar_prev"][t].item()
    x0, xt = 0.7, -0.3
    grid = np.linspace(-8, 8, 200001)
    prior = normal_pdf(grid, math.sqrt(ab_prev) * x0, 1 - ab_prev)     # q(x_{t-1} | x_0)
    like = normal_pdf(xt, math.sqrt(1 - beta) * grid, beta)           # q(x_t | x_{t-1})
    post = prior * like
    post /= np.trapezoid(post, grid)
    mean = np.trapezoid(grid * post, grid)
    var = np.trapezoid((grid - mean) ** 2 * post, grid)
    m, v = diff.q_posterior(torch.tensor([[x0]], dtype=torch.float64), torch.tensor([[xt]], dtype=torch.float64),
                            torch.tensor([t]), c)
    assert m.item() == pytest.approx(mean, abs=1e-6)
    assert v.item() == pytest.approx(var, rel=1e-5)


def test_gaussian_kl_matches_monte_carlo():
    rng = np.random.default_rng(0)
    m1, v1, m2, v2 = 0.3, 0.5, -0.2, 1.7
    x = rng.normal(m1, math.sqrt(v1), 2_000_000)
    mc = np.mean(np.log(normal_pdf(x, m1, v1)) - np.log(normal_pdf(x, m2, v2)))
    exact = gaussian_kl(*(torch.tensor(v, dtype=torch.float64) for v in (m1, v1, m2, v2))).item()
    assert exact == pytest.approx(mc, abs=3e-3)
    assert gaussian_kl(*(torch.tensor(v, dtype=torch.float64) for v in (m1, v1, m1, v1))).item() == 0.0


def test_iterated_forward_steps_match_marginal():
    diff = GaussianDiffusion(Schedule.create("snr", 20, 1e-3))
    x0 = np.full((200_000, 1), 1.5, dtype=np.float32)
    traj = forward_trajectory(diff, x0, seed=1)
    ab = diff.schedule.arrays().alpha_bar
    for t in (1, 5, 12, 20):
        se = math.sqrt((1 - ab[t]) / len(x0))          # 5 standard errors of the mean
        assert traj[t].mean() == pytest.approx(math.sqrt(ab[t]) * 1.5, abs=5 * se)
        assert traj[t].var() == pytest.approx(1 - ab[t], rel=5 * math.sqrt(2 / len(x0)))


class OracleNet(nn.Module):
    """The exact reverse process for x_0 ~ N(0, s²) in 1-D: q(x_{t-1}|x_t) is Gaussian with
    mean linear in x_t; emit the (z_mu, z_sigma) that make p(x_{t-1}|x_t) equal it."""

    def __init__(self, diff: GaussianDiffusion, s2: float, scale_mean: float = 1.0):
        super().__init__()
        self.c = diff.coefs("cpu", torch.float64)
        self.s2, self.scale_mean = s2, scale_mean
        self.dummy = nn.Parameter(torch.zeros(1))

    def forward(self, x, t):
        c, s2 = self.c, self.s2
        ab, beta, pv, c0 = (c[k][t].view(-1, 1) for k in ("alpha_bar", "beta", "post_var", "c0"))
        x = x.double()
        var_t = ab * s2 + 1 - ab
        x0_mean = math.sqrt(1) * ab.sqrt() * s2 / var_t * x * self.scale_mean   # E[x0|x_t]
        x0_var = s2 * (1 - ab) / var_t                                          # Var[x0|x_t]
        eps = (x - ab.sqrt() * x0_mean) / (1 - ab).sqrt()
        v = pv + c0 ** 2 * x0_var
        frac = (v.log() - pv.log()) / (beta.log() - pv.log())
        return eps, 2 * frac - 1


def gaussian_model(s2, scale_mean=1.0, T=20):
    model = DiffusionModel(ModelConfig(shape=(1,), T=T, schedule="snr", beta1=1e-3,
                                       net={"kind": "mlp", "hidden": 4, "layers": 1, "J": 2}), [0.0], [1.0])
    model.net = OracleNet(model.diffusion, s2, scale_mean)
    return model


def test_bound_of_the_optimal_model_is_tight_and_never_above_the_truth():
    s2 = 0.09
    x0 = np.random.default_rng(0).normal(0, math.sqrt(s2), (40000, 1)).astype(np.float32)
    true_ll = float(np.mean(np.log(normal_pdf(x0.astype(np.float64), 0, s2)))) / math.log(2)
    rep = evaluate_bound(gaussian_model(s2), x0, seed=3)
    assert rep.K_bits <= true_ll + 3 * rep.K_stderr_bits
    assert rep.K_bits >= true_ll - 0.05, (rep.K_bits, true_ll)
    # Even the exact reverse step has KL > 0 against q(x_{t-1}|x_t,x_0): it is the
    # information x_0 still holds about x_{t-1}, ½·log(Var[x_{t-1}|x_t] / Var[x_{t-1}|x_t,x_0]).
    c = gaussian_model(s2).diffusion.coefs("cpu", torch.float64)
    for t in range(2, 21):
        ab, pv, c0 = (c[k][t].item() for k in ("alpha_bar", "post_var", "c0"))
        v = pv + c0 ** 2 * s2 * (1 - ab) / (ab * s2 + 1 - ab)
        assert rep.per_step_kl_bits[t - 1] == pytest.approx(0.5 * math.log2(v / pv), abs=0.01)
    worse = evaluate_bound(gaussian_model(s2, scale_mean=0.8), x0, seed=3)
    assert worse.K_bits < rep.K_bits - 0.05, "a wrong reverse mean must cost bits"


def test_trainable_schedule_learns_through_the_bound():
    s = Schedule.create("snr", 10, 1e-3, trainable=True)
    assert s.betas()[0].item() == pytest.approx(1e-3)
    coefs = s.coefficients()
    coefs["alpha_bar"][-1].backward()
    assert s.theta.grad is not None and torch.isfinite(s.theta.grad).all() and s.theta.grad.abs().sum() > 0
    assert len(list(s.parameters())) == 1, "beta_1 stays fixed"


@pytest.mark.parametrize("kind", KINDS)
def test_one_coefficient_function_for_numpy_and_torch(kind):
    """The schedule plot passes numpy (no torch on the GUI thread); training passes torch."""
    from engine.core.schedules import coefficients
    b = make_betas(kind, 30, 1e-4)
    a, t = coefficients(b), coefficients(torch.tensor(b))
    assert isinstance(a["beta"], np.ndarray) and a["beta"].dtype == np.float64
    for k in a:
        np.testing.assert_allclose(a[k], t[k].numpy(), rtol=1e-12, atol=0)
