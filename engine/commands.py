"""The CLI's commands. Each checks everything it can before doing work, and writes its
output atomically at the end."""
from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from . import presets
from .cli import UsageError, _check_out, print_json
from .commands_training import model_overrides, train_config, train_with_bar
from .commands_images import SAMPLE_N, cmd_denoise, cmd_inpaint, eval_images, is_image_model, train_images  # noqa: F401
from .datasets import POINT_SETS, make_points
from .images import is_image_data
from .devices import pick_device
from .likelihood import evaluate_bound
from .model import DiffusionModel
from .sampling import forward_trajectory, sample_trajectory
from .schedules import Schedule
from .storage import load_model, save_model, save_trajectory


def _positive(name, value):
    if value is not None and value <= 0:
        raise UsageError(f"--{name} must be positive, got {value}")


def cmd_train(args) -> int:
    _check_out(args.out)
    for k in ("n", "T", "steps", "batch", "lr", "beta1"):
        _positive(k, getattr(args, k, None))
    device = pick_device(args.device)
    if is_image_data(args.data):
        return train_images(args, device)
    if args.resume:
        model = load_model(args.resume)
        data = _data_for(model, args.data, args.noise, args.n, args.seed)
    else:
        data = make_points(args.data, n=args.n, seed=args.seed, noise=args.noise)
        cfg = presets.model_defaults(args.data if args.data in POINT_SETS else data.name)
        cfg = model_overrides(replace(cfg, data_args=data.args, shape=data.shape), args)
        model = DiffusionModel(cfg, data.train.mean(0), data.train.std(0))
        if data.name.startswith("file:"):
            model.heldout = data.heldout
    train_with_bar(model, model.standardise(data.train), model.standardise(data.heldout),
                   train_config(model, args, device))
    save_model(model, args.out)
    rep = evaluate_bound(model, model.standardise(data.heldout), seed=args.seed + 1, device=device)
    print(f"held-out bound K = {rep.K_bits:.3f} ± {rep.K_stderr_bits:.3f} {rep.unit} "
          f"(K - L_null = {rep.K_minus_Lnull_bits:.3f}) on {len(data.heldout)} points; "
          f"{model.step} steps in {model.history['elapsed'][-1]:.1f} s on {device.type}; saved {args.out}")
    return 0


def _data_for(model, name, noise, n, seed):
    """Data to (re)train or evaluate `model` on: the same set as it was trained on."""
    if name is not None and name != model.config.data and not model.config.data.startswith("file:"):
        raise UsageError(f"the model was trained on {model.config.data}, not {name}")
    if model.config.data.startswith("file:"):
        if name is None or not Path(name.removeprefix("file:")).is_file():
            raise UsageError("a model of user points needs --data FILE to continue training")
        return make_points(name, seed=seed)
    return make_points(model.config.data, n=n, seed=seed, noise=model.config.data_args.get("noise", noise))


def heldout_for(model, n: int, seed: int) -> np.ndarray:
    """Held-out raw data for evaluation: fresh draws for built-in sets (a stream the
    training never sees), the stored held-out split for user data."""
    if model.heldout is not None:
        return model.heldout[:n]
    data = make_points(model.config.data, n=16, seed=10_000 + seed, n_heldout=n,
                       noise=model.config.data_args.get("noise", 0.05))
    return data.heldout


def cmd_eval(args) -> int:
    _positive("n", args.n)
    device = pick_device(args.device)
    model = load_model(args.model)
    if is_image_model(model):
        return eval_images(args, model, device)
    if args.parzen:
        raise UsageError("--parzen is for image models (the seed's table is on MNIST); use AIS for this model")
    raw = heldout_for(model, args.n or 20000, args.seed)
    rep = evaluate_bound(model, model.standardise(raw), seed=args.seed, device=device)
    out = rep.as_json()
    if args.ais_k > 0 and len(model.shape) == 1:   # AIS for vector and binary models
        from .ais import ais_log_likelihood
        ll, se, _ = ais_log_likelihood(model, model.standardise(raw[: args.ais_points]), args.ais_k,
                                       seed=args.seed, device=device)
        out.update(ais_log_likelihood_bits=ll, ais_stderr_bits=se, ais_points=min(args.ais_points, len(raw)),
                   ais_trajectories=args.ais_k)
    if args.json:
        print_json(out)
    else:
        print(f"K = {rep.K_bits:.4f} ± {rep.K_stderr_bits:.4f} {rep.unit}; L_null = {rep.L_null_bits:.4f}; "
              f"K - L_null = {rep.K_minus_Lnull_bits:.4f}; T = {rep.T}; {len(raw)} held-out points")
        if "ais_log_likelihood_bits" in out:
            print(f"AIS log likelihood = {out['ais_log_likelihood_bits']:.4f} ± {out['ais_stderr_bits']:.4f} "
                  f"{rep.unit} ({out['ais_points']} points × {args.ais_k} forward trajectories)")
    return 0


def cmd_sample(args) -> int:
    _check_out(args.out)
    _positive("n", args.n)
    device = pick_device(args.device)
    model = load_model(args.model)
    n = args.n or (SAMPLE_N if is_image_model(model) else 10000)
    t0 = time.perf_counter()
    traj = sample_trajectory(model, n, seed=args.seed, device=device)
    save_trajectory(args.out, "reverse", traj, model.data_mean, model.data_std)
    print(f"sampled {n} through {model.T} steps in {time.perf_counter() - t0:.2f} s; wrote {args.out}")
    return 0


def cmd_diffuse(args) -> int:
    _check_out(args.out)
    for k in ("n", "T", "beta1"):
        _positive(k, getattr(args, k))
    raw = make_points(args.data, n=args.n, seed=args.seed, noise=args.noise).train
    if args.model:
        model = load_model(args.model)
        diffusion, mean, std = model.diffusion, model.data_mean, model.data_std
    else:
        cfg = presets.model_defaults(args.data)
        sched = Schedule.create(args.schedule or cfg.schedule, args.T, args.beta1 or cfg.beta1)
        from .diffusion import GaussianDiffusion
        diffusion = GaussianDiffusion(sched)
        mean, std = raw.mean(0), raw.std(0)
    x0 = ((raw - mean) / std).astype(np.float32)
    traj = forward_trajectory(diffusion, x0, seed=args.seed)
    save_trajectory(args.out, "forward", traj, mean, std)
    print(f"diffused {args.n} points through {diffusion.T} steps; wrote {args.out}")
    return 0


def cmd_pretrain(args) -> int:
    names = args.names or list(presets.PRETRAINED)
    unknown = [n for n in names if n not in presets.PRETRAINED]
    if unknown:
        raise UsageError(f"unknown model {unknown[0]!r}; choose from {', '.join(presets.PRETRAINED)}")
    out_dir = Path(args.out_dir)
    if not out_dir.is_dir():
        raise UsageError(f"output folder does not exist: {out_dir}")
    for name in names:
        torch.manual_seed(args.seed)   # each model the same whether made alone or in a batch
        scale, data_args = presets.PRETRAINED[name]
        steps = int(presets.train_defaults(name).steps * scale * args.steps_scale)
        ns = argparse.Namespace(data=name, noise=data_args.get("noise", 0.05), n=50000, T=None, schedule=None,
                                beta1=None, learn_beta=False, param=None, steps=steps, batch=None, lr=None,
                                seed=args.seed, device=args.device, resume=None, out=str(out_dir / f"{name}.h5"))
        cmd_train(ns)
    return 0
