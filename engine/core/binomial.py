"""Binomial diffusion for binary data (Sohl-Dickstein et al. 2015, section 2.4 and the
heartbeat toy). Same interface as GaussianDiffusion, so training, the bound and the
worker need no special cases.

Forward: q(x_t | x_{t-1}) = B(x_t; x_{t-1}(1-β_t) + ½β_t), β_t = 1/(T-t+1), so
q(x_t | x_0) = B(x_t; ᾱ_t x_0 + ½(1-ᾱ_t)) with ᾱ_t = (T-t)/T and x_T ~ B(½) exactly.
Reverse: p(x_{t-1} | x_t) = B(x_{t-1}; f_b(x_t, t)), bits independent given x_t. The
network predicts, per bit, the probability that x_0 = 1; f_b is the posterior rate
averaged over that prediction (so the optimal network is E[x_0 | x_t], a smooth target).
The final step p(x_0 | x_1) is learned like the others (its bound term is -log p(x_0|x_1)).
The paper instead fixes it to the forward kernel's reversal, which costs every bit the
entropy of the first step, d·H(1/2T) bits: 1.6 bits per heartbeat at T = 50, 0.07 at the
paper's T = 2000 (most of the paper's gap between K = -2.414 and the true -2.322).
"""
from __future__ import annotations

import numpy as np
import torch

from engine.core.diffusion import LN2, Diffusion, at

EPS = 1e-6


def bernoulli_kl(p, q):
    """KL(B(p) || B(q)) elementwise, nats."""
    p = p.clamp(EPS, 1 - EPS)
    q = q.clamp(EPS, 1 - EPS)
    return p * torch.log(p / q) + (1 - p) * torch.log((1 - p) / (1 - q))


def log_bernoulli(x, rate):
    """log B(x; rate) summed over all but the batch dimension, nats."""
    rate = rate.clamp(1e-7, 1 - 1e-7)
    return (x * rate.log() + (1 - x) * (1 - rate).log()).flatten(1).sum(1)


def bernoulli_entropy(p):
    p = torch.as_tensor(p, dtype=torch.float64).clamp(1e-300, 1.0)
    q = (1 - p).clamp(1e-300, 1.0)
    return -(p * p.log() + q * q.log())


class BinomialDiffusion(Diffusion):
    family = "binomial"
    first_learned_step = 1     # the t = 1 step is learned too (see the module docstring)

    # ---- forward ---------------------------------------------------------------------
    def noise_like(self, x0, gen):
        return torch.rand(x0.shape, generator=gen, device=gen.device, dtype=x0.dtype).to(x0.device)

    def draw_noise(self, noise, shape) -> torch.Tensor:
        """What q_step consumes, from the sampler's Noise."""
        return noise.uniform(shape)

    def q_rate(self, x0, t, c):
        ab = at(c["alpha_bar"], t, x0)
        return ab * x0 + 0.5 * (1 - ab)

    def q_sample(self, x0, t, u, c=None):
        c = c or self.coefs(x0.device, x0.dtype)
        return (u < self.q_rate(x0, t, c)).to(x0.dtype)

    def q_step(self, x_prev, t: int, u, c=None):
        c = c or self.coefs(x_prev.device, x_prev.dtype)
        b = c["beta"][t].to(x_prev.dtype)
        return (u < x_prev * (1 - b) + 0.5 * b).to(x_prev.dtype)

    def posterior_rate(self, x0, xt, t, c):
        """P(x_{t-1} = 1 | x_t, x_0) per bit (x0 may be a probability: it enters linearly
        through q(x_{t-1} | x_0), but not the normaliser; see reverse_rate)."""
        ab_prev = at(c["alpha_bar"], t - 1, xt)
        b = at(c["beta"], t, xt)
        p1 = ab_prev * x0 + 0.5 * (1 - ab_prev)                  # q(x_{t-1} = 1 | x_0)
        like1 = torch.where(xt > 0.5, 1 - 0.5 * b, 0.5 * b)      # q(x_t | x_{t-1} = 1)
        like0 = torch.where(xt > 0.5, 0.5 * b, 1 - 0.5 * b)      # q(x_t | x_{t-1} = 0)
        return p1 * like1 / (p1 * like1 + (1 - p1) * like0)

    # ---- reverse ---------------------------------------------------------------------
    def reverse_rate(self, net, xt, t, c=None):
        """f_b(x_t, t) and the predicted P(x_0 = 1 | x_t), per bit."""
        c = c or self.coefs(xt.device, xt.dtype)
        z, _ = net(xt.float() * 2 - 1, t)
        x0_prob = torch.sigmoid(z.to(xt.dtype))
        ones, zeros = torch.ones_like(xt), torch.zeros_like(xt)
        # Mixture over the predicted x_0 of the exact posteriors (per bit).
        rate = x0_prob * self.posterior_rate(ones, xt, t, c) + (1 - x0_prob) * self.posterior_rate(zeros, xt, t, c)
        return rate, x0_prob

    # ---- sampling and path probabilities (what the sampler and AIS ask of a family) ----
    def prior_sample(self, shape, noise, device) -> torch.Tensor:
        """x_T ~ B(½) per bit."""
        return (noise.uniform(shape) < 0.5).float().to(device)

    def p_sample(self, net, x, t: int, c, noise, guide):
        """x_{t-1} ~ B(f_b(x_t, t)) per bit, and the predicted P(x_0 = 1 | x_t). Guides
        (continuous conditioning) do not apply to bits; the sampler's after_step still does."""
        rate, x0_prob = self.reverse_rate(net, x, torch.full((len(x),), t, device=x.device), c)
        return (noise.uniform(x.shape).to(x.device) < rate).float(), x0_prob

    def log_q_step(self, x, x_prev, t: int, c):
        b = c["beta"][t]
        return log_bernoulli(x, x_prev * (1 - b) + 0.5 * b)

    def log_prior(self, x_T):
        return torch.full((len(x_T),), -x_T[0].numel() * LN2, dtype=x_T.dtype, device=x_T.device)

    def log_p_step(self, net, x_prev, x, t: int, c):
        rate, _ = self.reverse_rate(net, x, torch.full((len(x),), t, device=x.device), c)
        return log_bernoulli(x_prev, rate)

    # ---- the bound -------------------------------------------------------------------
    def kl_term(self, net, x0, t, u, c=None):
        c = c or self.coefs(x0.device, x0.dtype)
        xt = self.q_sample(x0, t, u, c)
        q = self.posterior_rate(x0, xt, t, c)
        p, _ = self.reverse_rate(net, xt, t, c)
        return bernoulli_kl(q, p).flatten(1).sum(1), (q, p)

    def entropy_terms(self, d: int, c=None) -> torch.Tensor:
        """H_q(X_T|X_0) - H_p(X_T) in nats. (No -H_q(X_1|X_0): the final step is learned and
        its -log p(x_0|x_1) is the t = 1 term of the sum.)"""
        c = c or self.coefs("cpu", torch.float64)
        return d * (bernoulli_entropy(0.5 * (1 - c["alpha_bar"][-1])) - LN2)

    @staticmethod
    def null_log_likelihood(x0) -> np.ndarray:
        """Independent bits at the data's own per-bit rates (the paper's null for binary
        data), per example, nats."""
        x = np.asarray(x0, dtype=np.float64).reshape(len(x0), -1)
        r = np.clip(x.mean(0), 1e-6, 1 - 1e-6)
        return (x * np.log(r) + (1 - x) * np.log(1 - r)).sum(1)

    def edge_and_prior(self, x0, c=None):
        """Both vanish: there is no fixed final step, and q(x_T|x_0) has the same entropy for
        x_0 = 0 or 1, so the prior KL is all entropy terms."""
        z = torch.zeros(len(x0), dtype=x0.dtype, device=x0.device)
        return z, z
