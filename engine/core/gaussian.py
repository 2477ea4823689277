"""Gaussian diffusion maths (Sohl-Dickstein et al. 2015): forward process, posterior,
reverse-step parameterisations, closed-form KL and the lower bound K. Owns no network:
every method that needs the reverse model takes it as an argument.

The model is the paper's: p(x_T) = N(0, I); learned Gaussian steps p(x_{t-1}|x_t) for
t = 2..T; and, to avoid edge effects, a final step p(x_0|x_1) fixed to the reversal of the
first forward step under N(0, I), i.e. N(√(1-β_1)·x_1, β_1). For that model the bound is
  K = -Σ_{t=2..T} KL_t + H_q(X_T|X_0) - H_q(X_1|X_0) - H_p(X_T) - edge - prior,
where edge = β_1/2·(|x_0|²-d) and prior = ᾱ_T/2·(|x_0|²-d) vanish for unit-variance data
and ᾱ_T = 0: exactly the paper's K, with nothing approximated away.
"""
from __future__ import annotations

import math

import numpy as np
import torch

from engine.core.diffusion import Diffusion, at
from engine.core.schedules import Schedule

PARAMETERISATIONS = ("eps", "paper")


def gaussian_kl(m1, v1, m2, v2):
    """KL(N(m1, v1) || N(m2, v2)) elementwise, in nats."""
    return 0.5 * (torch.log(v2 / v1) + (v1 + (m1 - m2) ** 2) / v2 - 1.0)


def log_normal(x, mean, var):
    """log N(x; mean, var) summed over all but the batch dimension, nats."""
    return (-0.5 * (torch.log(2 * math.pi * var) + (x - mean) ** 2 / var)).flatten(1).sum(1)


class GaussianDiffusion(Diffusion):
    family = "gaussian"
    first_learned_step = 2     # p(x_0 | x_1) is fixed (see the module docstring)

    def __init__(self, schedule: Schedule, parameterisation: str = "eps"):
        if parameterisation not in PARAMETERISATIONS:
            raise ValueError(f"unknown parameterisation {parameterisation!r}; "
                             f"choose from {', '.join(PARAMETERISATIONS)}")
        super().__init__(schedule)
        self.parameterisation = parameterisation

    # ---- forward process -------------------------------------------------------------
    def noise_like(self, x0: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
        """The randomness q_sample consumes (standard normal here), drawn on gen's device."""
        return torch.randn(x0.shape, generator=gen, device=gen.device, dtype=x0.dtype).to(x0.device)

    def draw_noise(self, noise, shape) -> torch.Tensor:
        """What q_step consumes, from the sampler's Noise."""
        return noise.normal(shape)

    def q_sample(self, x0, t, noise, c=None):
        """x_t ~ q(x_t | x_0) = N(√ᾱ_t x_0, (1-ᾱ_t) I)."""
        c = c or self.coefs(x0.device, x0.dtype)
        ab = at(c["alpha_bar"], t, x0)
        return ab.sqrt() * x0 + (1.0 - ab).sqrt() * noise

    def q_step(self, x_prev, t: int, noise, c=None):
        """One forward step: x_t ~ N(√(1-β_t) x_{t-1}, β_t I)."""
        c = c or self.coefs(x_prev.device, x_prev.dtype)
        b = c["beta"][t].to(x_prev.dtype)
        return (1.0 - b).sqrt() * x_prev + b.sqrt() * noise

    def q_posterior(self, x0, xt, t, c=None):
        """Mean and variance of q(x_{t-1} | x_t, x_0), t >= 2."""
        c = c or self.coefs(x0.device, x0.dtype)
        mean = at(c["c0"], t, x0) * x0 + at(c["ct"], t, x0) * xt
        return mean, at(c["post_var"], t, x0).expand_as(mean)

    # ---- reverse process -------------------------------------------------------------
    def p_mean_var(self, net, xt, t, c=None):
        """Mean, variance and predicted x_0 of p(x_{t-1} | x_t) for t >= 2, in xt's dtype."""
        c = c or self.coefs(xt.device, xt.dtype)
        z_mu, z_sig = (z.to(xt.dtype) for z in net(xt.float(), t))
        beta, ab = at(c["beta"], t, xt), at(c["alpha_bar"], t, xt)
        c0, ct = at(c["c0"], t, xt), at(c["ct"], t, xt)
        if self.parameterisation == "eps":
            # DDPM's ε-prediction for the mean (well scaled at every t), and a variance
            # interpolated in log space between the posterior's β̃_t and β_t (Nichol &
            # Dhariwal 2021). It may leave that interval where that pays, but only so far
            # (trained models stay within [-0.7, 2.4]): an untrained net must not be able
            # to draw a variance that overflows the sample.
            # Where ᾱ_t = 0 (the paper schedule's last step) x_t says nothing about x_0 and
            # ε-prediction is undefined: there the network predicts x_0 itself.
            x0_eps = (xt - (1.0 - ab).sqrt() * z_mu) / ab.clamp_min(1e-12).sqrt()
            x0_pred = torch.where(ab > 1e-12, x0_eps, z_mu)
            mean = c0 * x0_pred + ct * xt
            log_pv = at(c["post_var"], t, xt).clamp_min(1e-30).log()
            frac = (0.5 * (z_sig + 1.0)).clamp(-2.0, 4.0)
            var = torch.exp(frac * beta.log() + (1.0 - frac) * log_pv)
        else:
            # The paper's: Σ = sigmoid(z_Σ + logit β_t), μ = (x - z_μ)(1 - Σ) + z_μ.
            var = torch.sigmoid(z_sig + torch.logit(beta.clamp(1e-12, 1 - 1e-12)))
            mean = (xt - z_mu) * (1.0 - var) + z_mu
            x0_pred = (mean - ct * xt) / c0
        return mean, var, x0_pred

    def reverse_mean_var(self, net, x, t: int, c=None):
        """Mean, variance and predicted x_0 of p(x_{t-1} | x_t) at one step t for a whole batch:
        the learned step for t >= 2, the fixed decoder at t = 1 (whose mean stands for x_0)."""
        if t >= 2:
            return self.p_mean_var(net, x, torch.full((len(x),), t, device=x.device, dtype=torch.long), c)
        mean, var = self.decoder_mean_var(x, c)
        return mean, var, mean

    def decoder_mean_var(self, x1, c=None):
        """The fixed final step p(x_0 | x_1) = N(√(1-β_1) x_1, β_1)."""
        c = c or self.coefs(x1.device, x1.dtype)
        b1 = c["beta"][1].to(x1.dtype)
        return (1.0 - b1).sqrt() * x1, b1.expand_as(x1)

    # ---- sampling and path probabilities (what the sampler and AIS ask of a family) ----
    def prior_sample(self, shape, noise, device) -> torch.Tensor:
        """x_T ~ N(0, I), drawn on gen's (CPU) stream so results do not depend on the device."""
        return noise.normal(shape).to(device)

    def p_sample(self, net, x, t: int, c, noise, guide):
        """x_{t-1} ~ p(x_{t-1}|x_t) as the guide shapes the step, and the predicted x_0."""
        mean, var, x0_pred = self.reverse_mean_var(net, x, t, c)
        mean = guide.adjust_mean(t, mean, var, x)
        var = guide.adjust_var(t, mean, var, x)
        return mean + var.sqrt() * noise.normal(x.shape).to(x.device), x0_pred

    def log_q_step(self, x, x_prev, t: int, c):
        b = c["beta"][t]
        return log_normal(x, (1 - b).sqrt() * x_prev, b)

    def log_prior(self, x_T):
        return log_normal(x_T, torch.zeros_like(x_T), torch.ones_like(x_T))

    def log_p_step(self, net, x_prev, x, t: int, c):
        mean, var, _ = self.reverse_mean_var(net, x, t, c)
        return log_normal(x_prev, mean, var)

    # ---- the bound -------------------------------------------------------------------
    def kl_term(self, net, x0, t, noise, c=None):
        """Per-example KL(q(x_{t-1}|x_t,x_0) || p(x_{t-1}|x_t)) in nats (t >= 2), and the
        reverse mean's ε-error (for the hybrid loss)."""
        c = c or self.coefs(x0.device, x0.dtype)
        xt = self.q_sample(x0, t, noise, c)
        mq, vq = self.q_posterior(x0, xt, t, c)
        mp, vp, _ = self.p_mean_var(net, xt, t, c)
        kl = gaussian_kl(mq, vq, mp, vp).flatten(1).sum(1)
        return kl, (mq, vq, mp, vp)

    def entropy_terms(self, d: int, c=None) -> torch.Tensor:
        """H_q(X_T|X_0) - H_q(X_1|X_0) - H_p(X_T) in nats, for d dimensions."""
        c = c or self.coefs("cpu", torch.float64)
        ab_T, b1 = c["alpha_bar"][-1], c["beta"][1]
        return 0.5 * d * (torch.log1p(-ab_T.clamp(max=1 - 1e-12)) - torch.log(2 * math.pi * math.e * b1))

    @staticmethod
    def null_log_likelihood(x0) -> np.ndarray:
        """log N(x; 0, I) per example, nats: the unit Gaussian the data were standardised to."""
        x = np.asarray(x0, dtype=np.float64).reshape(len(x0), -1)
        return -0.5 * (x.shape[1] * math.log(2 * math.pi) + (x ** 2).sum(1))

    def edge_and_prior(self, x0, c=None):
        """Per-example (edge, prior) corrections in nats; both ~0 for unit-variance data."""
        c = c or self.coefs(x0.device, x0.dtype)
        excess = (x0.flatten(1) ** 2).sum(1) - x0[0].numel()
        return 0.5 * c["beta"][1] * excess, 0.5 * c["alpha_bar"][-1] * excess
