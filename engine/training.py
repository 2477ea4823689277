"""Training by maximising the bound K, as a generator of Progress so callers (CLI bar,
worker thread) can show progress and stop cooperatively between steps; and the one recipe
(data -> split -> statistics -> model) that the CLI and the worker both use."""
from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass, replace

import numpy as np
import torch

from engine.core.diffusion import calc_dtype
from engine.core.sampling import batch_rows
from engine.data.catalogue import statistics, training_arrays
from engine.data.errors import DataError
from engine.data.split import PointData
from engine.devices import pick_device
from engine.estimators.bound import evaluate_bound
from engine.model import DiffusionModel, model_kind
from engine.runtime import distributed
from engine.runtime.acceleration import Batches, release_net, training_net


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
    compile: bool = False       # torch.compile the network for training (opt-in: slow to start)

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


def bound_loss(model, x0: torch.Tensor, gen: torch.Generator, net=None) -> torch.Tensor:
    """Unbiased estimate of -K per dimension (nats): one uniformly drawn t per example.
    `net` stands in for model.net (a DDP, autocast or compiled wrapper of it)."""
    diff = model.diffusion
    c = diff.coefs(x0.device, x0.dtype)
    b, d = len(x0), x0[0].numel()
    first = diff.first_learned_step
    t = torch.randint(first, diff.T + 1, (b,), generator=gen, device=gen.device).to(x0.device)
    kl, _ = diff.kl_term(model.net if net is None else net, x0, t, diff.noise_like(x0, gen), c)
    edge, prior = diff.edge_and_prior(x0, c)
    neg_k = (diff.T - first + 1) * kl + edge + prior
    # The entropy terms are constants unless the schedule learns; keep them for its sake.
    return (neg_k.mean() - diff.entropy_terms(d, c).to(x0.dtype)) / d


def train(model, x_train: np.ndarray, x_heldout: np.ndarray, cfg: TrainConfig):
    """Yield Progress while training `model` in place on standardised data.

    Under torchrun (engine.runtime.distributed.session) every rank runs this on its own
    shard of x_train (rows rank::world) with its own random stream; DDP averages the net's
    gradients, and the schedule's (when it learns) are averaged here, so all ranks keep
    the same weights. Only rank 0 evaluates the bound and records history."""
    cfg.validate()
    device = distributed.local_device(pick_device(cfg.device))
    model.to(device)
    dt = calc_dtype(device)
    rank, world = distributed.rank(), distributed.world()
    main = rank == 0
    if world > 1 and len(x_train) < world:   # every rank sees the same length: all stop here alike
        raise ValueError(f"{len(x_train)} training examples cannot be shared among {world} processes")
    batches = Batches(np.asarray(x_train)[rank::world] if world > 1 else x_train, cfg.batch, device, dt)
    held = np.asarray(x_heldout[: cfg.eval_points])
    start_step, end_step = model.step, model.step + cfg.steps
    gen = torch.Generator(device="cpu").manual_seed(_seed(cfg.seed, start_step, rank))
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
    image = model_kind(model.config) == "image"
    net = model.net
    shared = [p for p in model.schedule.parameters() if p.requires_grad] if world > 1 else []
    fwd = training_net(net, device, image, ddp=world > 1, compile=cfg.compile)   # net itself on one CPU
    if shared:
        distributed.broadcast_(shared, device)     # DDP broadcast the net's start; the schedule's is ours

    def progress(step, bound=None, kl=None, done=False):
        return Progress(step, end_step, float(running or 0.0), base + time.perf_counter() - t0, bound, kl,
                        model.schedule.arrays().beta[1:].copy() if learn_beta else None, device.type, done)

    per = int(np.prod(model.shape)) if image else None   # bits per pixel
    eval_batch = batch_rows(tuple(model.shape), 8192)    # large images: fewer per batch (memory)
    good = pending = None    # snapshots: the last one whose step had a finite loss, the newest
    try:
        for step in range(start_step, end_step):
            net.train()   # whoever ran between steps (evaluation, sampling, AIS) left it in eval
            if (step - start_step) % SNAPSHOT_EVERY == 0:
                pending = Snapshot.take(model, opt)
            frac = (step - start_step) / max(cfg.steps, 1)
            lr = cfg.lr * (cfg.lr_final + (1 - cfg.lr_final) * 0.5 * (1 + math.cos(math.pi * frac)))
            for g in opt.param_groups:
                g["lr"] = lr
            loss = bound_loss(model, batches.draw(gen), gen, fwd)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            val = _average(loss, shared, device) if world > 1 else None
            norm = float(torch.nn.utils.clip_grad_norm_(list(model.parameters()), 10.0))
            val = loss.item() if val is None else val
            if not (math.isfinite(val) and math.isfinite(norm)):    # before the step: weights untouched by it
                kept = (good or pending).restore(model, opt)
                what = f"the loss became {val}" if not math.isfinite(val) else f"the gradients became {norm}"
                raise TrainingDiverged(
                    f"training stopped at step {step + 1}: {what}; the weights and optimiser state of step {kept} "
                    f"were restored; try a lower learning rate (now {cfg.lr:g})")
            if pending is not None and pending.step == step:
                good = pending      # its step's loss and gradients were finite
            opt.step()
            running = val if running is None else 0.98 * running + 0.02 * val
            model.step = step + 1
            distributed.debug_fail(model.step - start_step)
            last = model.step == end_step
            if last or (model.step - start_step) % cfg.eval_every == 0:
                if not main:      # the others go on; they wait for rank 0 in the next all-reduce
                    yield progress(model.step, done=last)
                    continue
                rep = evaluate_bound(model, held, seed=model.step, device=device, per=per, batch=eval_batch)
                p = progress(model.step, rep.K_bits, rep.per_step_kl_bits, done=last)
                _record(model, p, rep.K_bits)
                yield p
            elif model.step % cfg.report_every == 0:
                yield progress(model.step)
        if cfg.steps == 0:
            yield progress(model.step, done=True)
    finally:
        model.optimizer_state = opt.state_dict()
        release_net(net, device, image)
        net.eval()


class TrainingDiverged(FloatingPointError, ValueError):
    """The loss or a gradient became NaN or infinite; the model holds its last good weights.
    A ValueError too, so the CLI reports it as one line (exit 2) and the worker as a banner."""


# A copy of the weights and Adam's moments is kept every few steps, so a step whose loss or
# gradients are not finite can be undone to the last copy whose own step was finite (the
# bad step is caught before it changes anything, but the steps before it may have made the
# weights that overflow). Every 5 steps: a copy costs ~0.14 ms for the 2-D net (0.4 ms for
# the image net), ~3% of a 2-D training step if taken every step, < 1% this way.
SNAPSHOT_EVERY = 5


@dataclass
class Snapshot:
    step: int
    weights: dict
    optimiser: dict
    history: dict

    @classmethod
    def take(cls, model, opt) -> "Snapshot":
        weights = {f"net.{k}": v.detach().clone() for k, v in model.net.state_dict().items()}
        weights.update({f"schedule.{k}": v.detach().clone() for k, v in model.schedule.state_dict().items()})
        state = opt.state_dict()        # references: clone the tensors, copy the small rest
        kept = {"state": {i: {k: v.clone() if torch.is_tensor(v) else copy.deepcopy(v) for k, v in slots.items()}
                          for i, slots in state["state"].items()},
                "param_groups": copy.deepcopy(state["param_groups"])}
        return cls(model.step, weights, kept,
                   {k: len(v) for k, v in model.history.items()})

    def restore(self, model, opt) -> int:
        with torch.no_grad():
            model.net.load_state_dict({k[4:]: v for k, v in self.weights.items() if k.startswith("net.")})
            model.schedule.load_state_dict({k[9:]: v for k, v in self.weights.items() if k.startswith("schedule.")})
        opt.load_state_dict(self.optimiser)
        model.step = self.step
        for k, values in model.history.items():   # records made after the snapshot go too
            del values[self.history.get(k, len(values)):]
        return self.step


def _seed(seed: int, start_step: int, rank: int) -> int:
    """Rank 0 draws the stream one process would; other ranks are offset far from it."""
    return (seed * 1_000_003 + start_step + rank * 0x9E3779B97F4A7C15) % (1 << 63)


def _average(loss: torch.Tensor, shared: list, device) -> float:
    """Across ranks, in one all-reduce: the mean loss (what rank 0 reports, and the same
    divergence verdict everywhere) and the gradients of the parameters DDP does not own."""
    where = distributed.comm_device(device)
    grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in shared]
    flat = distributed.average_(torch.cat([loss.detach().to(where, torch.float64).reshape(1),
                                           *(g.to(where, torch.float64).reshape(-1) for g in grads)]))
    at = 1
    for p, g in zip(shared, grads):
        p.grad = flat[at:at + g.numel()].view_as(g).to(p.device, p.dtype)
        at += g.numel()
    return float(flat[0])


def _record(model, p: Progress, bound: float) -> None:
    h = model.history
    h["step"].append(p.step)
    h["loss"].append(p.loss)
    h["bound_bits"].append(bound)
    h["elapsed"].append(p.elapsed)


# ---- the recipe ------------------------------------------------------------------------
@dataclass
class Prepared:
    """A model and the standardised arrays to train it on."""
    model: DiffusionModel
    x_train: np.ndarray
    x_held: np.ndarray


def new_model(config, data: PointData, seed: int) -> Prepared:
    """A fresh model for `data` (raw): its name, shape and data args fill the config, the
    statistics come from the training arrays (dequantised images), and a user data set's
    held-out split is kept with the model so it can be evaluated later."""
    cfg = replace(config, data=data.name, shape=tuple(data.shape),
                  data_args={**config.data_args, **data.args}, net=dict(config.net))
    x_train, x_held = training_arrays(cfg, data, seed)
    model = DiffusionModel(cfg, *statistics(cfg, x_train))
    if data.name.startswith(("folder:", "file:")):
        model.heldout = np.array(data.heldout)
    return Prepared(model, model.standardise(x_train), model.standardise(x_held))


def continue_model(model, data: PointData, seed: int) -> Prepared:
    """More training for `model` on fresh draws of its own data set."""
    if tuple(data.shape) != tuple(model.shape):
        raise DataError(f"the data have shape {tuple(data.shape)}, the model expects {tuple(model.shape)}")
    x_train, x_held = training_arrays(model.config, data, seed)
    return Prepared(model, model.standardise(x_train), model.standardise(x_held))


def check_same_data(model, name: str | None) -> str:
    """The data set to continue `model` on: its own (a user file or folder may be named again)."""
    own = model.config.data
    if name is None or name == own:
        return own
    if own.startswith(("file:", "folder:")):
        return name
    raise DataError(f"the model was trained on {own}, not {name}")
