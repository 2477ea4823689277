"""Training by maximising the bound K, as a generator of Progress so callers (CLI bar,
worker thread) can show progress and stop cooperatively between steps."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import torch

from .devices import pick_device
from .diffusion import calc_dtype
from .likelihood import evaluate_bound


@dataclass
class TrainConfig:
    steps: int = 6000
    batch: int = 512
    lr: float = 3e-3
    lr_final: float = 0.05      # cosine decay to lr·lr_final over the run
    seed: int = 0
    device: str = "auto"
    eval_every: int = 1000      # held-out bound every this many steps (and at the end)
    eval_points: int = 2000
    report_every: int = 25

    def validate(self) -> "TrainConfig":
        if self.steps < 0 or self.batch < 1 or not self.lr > 0:
            raise ValueError("steps must be >= 0, batch >= 1 and lr > 0")
        return self


@dataclass
class Progress:
    step: int                      # optimiser steps done in total (resumes count on)
    total: int                     # step count this run ends at
    loss: float                    # running mean of the training loss (nats per dim)
    elapsed: float                 # seconds, including earlier runs of this model
    bound_bits: float | None = None    # held-out K, when just evaluated
    per_step_kl_bits: list | None = None
    betas: np.ndarray | None = None    # the current schedule, when it is learned
    device: str = "cpu"
    done: bool = False


def bound_loss(model, x0: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Unbiased estimate of -K per dimension (nats): one uniformly drawn t per example."""
    diff = model.diffusion
    c = diff.coefs(x0.device, x0.dtype)
    b, d = len(x0), x0[0].numel()
    first = diff.first_learned_step
    t = torch.randint(first, diff.T + 1, (b,), generator=gen, device=gen.device).to(x0.device)
    kl, _ = diff.kl_term(model.net, x0, t, diff.noise_like(x0, gen), c)
    edge, prior = diff.edge_and_prior(x0, c)
    neg_k = (diff.T - first + 1) * kl + edge + prior
    # The entropy terms are constants unless the schedule learns; keep them for its sake.
    return (neg_k.mean() - diff.entropy_terms(d, c).to(x0.dtype)) / d


def train(model, x_train: np.ndarray, x_heldout: np.ndarray, cfg: TrainConfig):
    """Yield Progress while training `model` in place on standardised data."""
    cfg.validate()
    device = pick_device(cfg.device)
    model.to(device)
    dt = calc_dtype(device)
    X = torch.as_tensor(np.asarray(x_train), dtype=dt, device=device)
    held = np.asarray(x_heldout[: cfg.eval_points])
    start_step, end_step = model.step, model.step + cfg.steps
    gen = torch.Generator(device="cpu").manual_seed(cfg.seed * 1_000_003 + start_step)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    if model.optimizer_state is not None:
        try:
            opt.load_state_dict(model.optimizer_state)
        except (ValueError, KeyError):
            pass  # a different optimiser layout (e.g. schedule made trainable): start fresh
    base = model.history["elapsed"][-1] if model.history["elapsed"] else 0.0
    t0 = time.perf_counter()
    running = None
    learn_beta = model.config.trainable_schedule

    def progress(step, bound=None, kl=None, done=False):
        return Progress(step, end_step, float(running or 0.0), base + time.perf_counter() - t0, bound, kl,
                        model.schedule.arrays().beta[1:].copy() if learn_beta else None, device.type, done)

    per = int(np.prod(model.shape)) if len(model.shape) == 3 else None   # images: bits per pixel
    try:
        for step in range(start_step, end_step):
            model.net.train()   # whoever ran between steps (evaluation, sampling, AIS) left it in eval
            frac = (step - start_step) / max(cfg.steps, 1)
            lr = cfg.lr * (cfg.lr_final + (1 - cfg.lr_final) * 0.5 * (1 + math.cos(math.pi * frac)))
            for g in opt.param_groups:
                g["lr"] = lr
            idx = torch.randint(len(X), (cfg.batch,), generator=gen).to(device)
            loss = bound_loss(model, X[idx], gen)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(list(model.parameters()), 10.0)
            opt.step()
            val = loss.item()
            if not math.isfinite(val):
                raise FloatingPointError(f"training diverged at step {step + 1} (loss {val}); try a lower --lr")
            running = val if running is None else 0.98 * running + 0.02 * val
            model.step = step + 1
            last = model.step == end_step
            if last or (model.step - start_step) % cfg.eval_every == 0:
                rep = evaluate_bound(model, held, seed=model.step, device=device, per=per)
                p = progress(model.step, rep.K_bits, rep.per_step_kl_bits, done=last)
                _record(model, p, rep.K_bits)
                yield p
            elif model.step % cfg.report_every == 0:
                yield progress(model.step)
        if cfg.steps == 0:
            yield progress(model.step, done=True)
    finally:
        model.optimizer_state = opt.state_dict()
        model.net.eval()


def _record(model, p: Progress, bound: float) -> None:
    h = model.history
    h["step"].append(p.step)
    h["loss"].append(p.loss)
    h["bound_bits"].append(bound)
    h["elapsed"].append(p.elapsed)
